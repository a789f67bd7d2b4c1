using System.Text;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.Hosting.BackPressureTests;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>Issue 20 (low): strict JSON in, ids out as sent, every request answered, header framing that resynchronises.</summary>
public sealed class StrictInputTests
{
    public static TheoryData<string> NotRfc8259 => new()
    {
        "{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":Infinity,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":0x10,\"method\":\"sessions.list\"}",
        "{'jsonrpc':'2.0','id':1,'method':'sessions.list'}",
        "{jsonrpc:\"2.0\",\"id\":1,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",}",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"},]",
        "{\"jsonrpc\":\"2.0\",\"id\":1,/* comment */\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"} // comment",
    };

    [Theory]
    [MemberData(nameof(NotRfc8259))]
    public async Task Json_that_RFC_8259_does_not_allow_is_a_parse_error(string line)
    {
        await using var host = Start();
        await host.SendLineAsync(line);
        AssertError(await host.ReadAsync(), -32700, field: "message");
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task Ids_come_back_byte_for_byte()
    {
        await using var host = Start();
        foreach (var id in new[] { "1e400", "1e2", "\"\\ud800\"", "-0", "1.50", "\"a\\u0041\\/\"", "12345678901234567890123" })
        {
            await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"sessions.list\"}");
            Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",", await host.ReadLineAsync(), StringComparison.Ordinal);
            await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"no.such\"}");
            Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",", await host.ReadLineAsync(), StringComparison.Ordinal);
        }

        await host.SendLineAsync("[{\"jsonrpc\":\"2.0\",\"id\":1e2,\"method\":\"sessions.list\"},{\"jsonrpc\":\"2.0\",\"id\":2E+0,\"method\":\"bogus\"}]");
        var batch = await host.ReadLineAsync();
        Assert.Contains("\"id\":1e2,", batch, StringComparison.Ordinal);
        Assert.Contains("\"id\":2E+0,", batch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_sent_with_an_id_is_answered()
    {
        await using var host = Start();
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\"nothing\"}}");
        var answer = await host.ReadAsync();
        Assert.Equal("c", (string?)answer["id"]);
        Assert.Equal(JTokenType.Null, answer["result"]!.Type);
    }

    /// <summary>Ids are the client's, per connection: a cancel reaches every request in flight with that id.</summary>
    [Fact]
    public async Task Cancel_of_a_reused_id_cancels_every_request_in_flight_with_it()
    {
        var started = 0;
        var transport = new FakeTransport
        {
            Responder = async (_, ct) =>
            {
                Interlocked.Increment(ref started);
                await Task.Delay(Timeout.Infinite, ct);
                return DeviceIdResponse();
            },
        };
        await using var host = Start(transport);
        await host.SendLineAsync("[{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"bmc.getDeviceId\"},{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"bmc.getDeviceId\"}]");
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"bmc.getDeviceId\"}");
        await PollAsync(() => Volatile.Read(ref started) == 3);
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\"dup\"}}");
        var answers = new List<JToken> { await host.ReadAsync(), await host.ReadAsync() };
        var all = answers.SelectMany(a => a is JArray array ? array.Children().ToArray() : new[] { a }).ToArray();
        Assert.Equal(3, all.Length);
        Assert.All(all, a => AssertError(a, -32800, id: "dup"));
    }

    private static string Frame(string body, int? length = null) =>
        $"Content-Length: {length ?? Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

    private static string Call(int id) => "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"sessions.list\"}";

    [Fact]
    public async Task Header_length_too_long_does_not_swallow_the_next_message()
    {
        await using var host = Start(options: new ServerOptions { Framing = Framing.Headers });
        await host.SendRawAsync(Frame(Call(1), Call(1).Length + 20) + Frame(Call(2)));
        var ids = new[] { await host.ReadHeaderFramedAsync(), await host.ReadHeaderFramedAsync() }.Select(r => (int)r["id"]!).Order();
        Assert.Equal([1, 2], ids);
    }

    [Fact]
    public async Task Header_length_too_short_is_answered_with_the_id_and_the_next_message_served()
    {
        await using var host = Start(options: new ServerOptions { Framing = Framing.Headers });
        await host.SendRawAsync(Frame(Call(1), 10) + Frame(Call(2)));
        var responses = new List<JToken>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await host.ReadHeaderFramedAsync());
        }

        Assert.Single(responses, r => (int?)r["id"] == 2 && r["result"] is not null);
        Assert.Single(responses, r => (int?)r["id"] == 1 && r["error"] is not null);
    }

    [Fact]
    public async Task Header_length_of_2_GB_is_not_counted_out()
    {
        await using var host = Start(options: new ServerOptions { Framing = Framing.Headers });
        await host.SendRawAsync("Content-Length: 2000000000\r\n\r\n" + Call(1) + Frame(Call(2)));
        AssertError(await host.ReadHeaderFramedAsync(), -32600);
        Assert.Equal(2, (int)(await host.ReadHeaderFramedAsync())["id"]!);
    }

    [Fact]
    public async Task A_json_line_in_header_framing_gets_an_error_with_its_id()
    {
        await using var host = Start(options: new ServerOptions { Framing = Framing.Headers });
        await host.SendRawAsync(Call(7) + "\r\n" + Frame(Call(2)));
        var error = await host.ReadHeaderFramedAsync();
        AssertError(error, -32600, id: 7);
        Assert.Equal(2, (int)(await host.ReadHeaderFramedAsync())["id"]!);
    }

    [Fact]
    public async Task Invalid_params_message_names_the_field_and_the_reason()
    {
        await using var host = Start();
        var response = await host.CallAsync("bmc.getDeviceId", new JObject { ["target"] = new JObject { ["host"] = "h", ["port"] = 70000 } });
        AssertError(response, -32602, field: "target.port");
        Assert.Equal("Invalid params: target.port: must be an integer from 1 to 65535", (string?)response["error"]!["message"]);
    }

    [Theory]
    [InlineData("127.0.0.1\u0000.allowed.example")]
    [InlineData("bmc\n.example")]
    [InlineData("224.0.0.1")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("0.0.0.0")]
    [InlineData("ff02::1")]
    [InlineData("[ff02::1]")]
    [InlineData("::")]
    public async Task Host_with_control_characters_or_not_unicast_is_refused(string bmcHost)
    {
        await using var host = Start();
        var response = await host.CallAsync("bmc.getDeviceId", new JObject { ["target"] = new JObject { ["host"] = bmcHost, ["username"] = "u", ["password"] = "p" } });
        AssertError(response, -32602, field: "target.host");
        Assert.Empty(host.Transport.Requests);
    }

    [Fact]
    public void Unicast_addresses_pass()
    {
        foreach (var address in new[] { "127.0.0.1", "10.1.2.3", "::1", "fe80::1", "223.255.255.254" })
        {
            Assert.True(IpmiRpc.Transports.Lan.UnicastAddress.Is(System.Net.IPAddress.Parse(address)), address);
        }
    }
}
