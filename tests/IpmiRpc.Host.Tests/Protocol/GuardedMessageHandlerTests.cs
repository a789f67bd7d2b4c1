using System.Text;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// Plain StreamJsonRpc ends the connection on these inputs (api.md "Traps"); the guard must answer each with the right
/// code and keep serving the next line.
/// </summary>
public sealed class GuardedMessageHandlerTests
{
    public static TheoryData<string, int, string?> MalformedLines => new()
    {
        { "{bad json", -32700, null },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"} trailing", -32700, null },
        { "\"just a string\"", -32600, null },
        { "42", -32600, null },
        { "null", -32600, null },
        { "{\"id\":1,\"method\":\"sessions.list\"}", -32600, "jsonrpc" },
        { "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"sessions.list\"}", -32600, "jsonrpc" },
        { "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"sessions.list\"}", -32600, "jsonrpc" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1}", -32600, "method" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", -32600, "method" },
        { "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"sessions.list\"}", -32600, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"sessions.list\"}", -32600, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"sessions.list\"}", -32600, "id" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":\"x\"}", -32600, "params" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":[]}", -32602, "params" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"no.such\"}", -32601, "method" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":{\"bogus\":1}}", -32602, "bogus" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":1e999}}", -32602, "timeoutMs" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":123456789012345678901234567890}}", -32602, "timeoutMs" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":-5}}", -32602, "timeoutMs" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":1.5}}", -32602, "timeoutMs" },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"sessions.list\"}", -32700, null },
        { new string('[', 100) + new string(']', 100), -32600, null },
        { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":" + new string('[', 80) + new string(']', 80) + "}", -32600, null },
    };

    [Theory]
    [MemberData(nameof(MalformedLines))]
    public async Task Malformed_line_gets_its_error_and_the_next_line_is_still_served(string line, int code, string? field)
    {
        await using var host = Start();
        await host.SendLineAsync(line);
        var response = await host.ReadAsync();
        AssertError(response, code, field: field);
        Assert.Equal("2.0", (string?)response["jsonrpc"]);

        var next = await host.CallAsync("sessions.list");
        Assert.NotNull(next["result"]);
    }

    [Fact]
    public async Task Invalid_utf8_is_a_parse_error_and_the_connection_survives()
    {
        await using var host = Start();
        var bytes = Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\xff\"}").ToList();
        bytes.InsertRange(bytes.Count - 3, new byte[] { 0xC3, 0x28 });
        await host.SendRawAsync([.. bytes, (byte)'\n']);
        AssertError(await host.ReadAsync(), -32700, id: null, field: "message");
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task Oversize_line_is_refused_with_id_null_and_reading_resyncs_at_the_next_line()
    {
        await using var host = Start(options: new global::IpmiRpc.Host.Hosting.ServerOptions { MaxMessageBytes = 4096 });
        var huge = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sessions.list\",\"params\":{\"pad\":\"" + new string('x', 100_000) + "\"}}";
        await host.SendLineAsync(huge);
        var response = await host.ReadAsync();
        AssertError(response, -32600, field: "message");
        Assert.Equal(JTokenType.Null, response["id"]!.Type);
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task Id_values_come_back_exactly_as_sent()
    {
        await using var host = Start();
        foreach (var id in new[] { "\"abc\"", "123456789012345678901234567890", "-1", "0", "null", "1.5", "\"\"" })
        {
            await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"sessions.list\"}");
            var line = await host.ReadLineAsync();
            Assert.Contains("\"id\":" + id + ",", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Notification_gets_no_response()
    {
        await using var host = Start();
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"}");
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"no.such.method\"}");
        var next = await host.CallAsync("sessions.list");
        Assert.NotNull(next["result"]);
    }

    [Fact]
    public async Task Batch_is_split_and_answers_gathered_into_one_array()
    {
        await using var host = Start();
        await host.Context.Pool.CloseAsync();
        host.Transport.Responder = (_, _) => Task.FromResult(DeviceIdResponse());
        await host.SendLineAsync("""
            [{"jsonrpc":"2.0","id":1,"method":"bmc.getDeviceId"},
             {"jsonrpc":"2.0","method":"sessions.list"},
             {"foo":"boo"},
             {"jsonrpc":"2.0","id":"u","method":"no.such"},
             {"jsonrpc":"2.0","id":3,"method":"ipmi.requestResponse","params":{"command":"GetDeviceId","data":[256]}},
             7]
            """.Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
        var response = await host.ReadAsync();
        var array = Assert.IsType<JArray>(response);
        Assert.Equal(5, array.Count);
        var byId = array.ToLookup(r => r["id"]!.ToString(Newtonsoft.Json.Formatting.None));
        Assert.Equal(32, (int)byId["1"].Single()["result"]!["deviceId"]!);
        AssertError(byId["\"u\""].Single(), -32601, field: "method");
        AssertError(byId["3"].Single(), -32602, field: "data[0]");
        var nullIds = byId["null"].ToArray();
        Assert.Equal(2, nullIds.Length);
        Assert.All(nullIds, r => AssertError(r, -32600));
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task Empty_batch_is_one_invalid_request_error()
    {
        await using var host = Start();
        await host.SendLineAsync("[]");
        var response = await host.ReadAsync();
        Assert.IsType<JObject>(response);
        AssertError(response, -32600);
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task All_notification_batch_gets_no_output()
    {
        await using var host = Start();
        await host.SendLineAsync("[{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"},{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"}]");
        var next = await host.CallAsync("sessions.list");
        Assert.IsType<JArray>(next["result"]);
    }

    [Fact]
    public async Task Same_id_in_concurrent_batches_is_answered_in_each()
    {
        await using var host = Start();
        var release = new TaskCompletionSource();
        host.Transport.Responder = async (r, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return DeviceIdResponse();
        };
        await host.SendLineAsync("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\"}]");
        await host.SendLineAsync("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\"}]");
        release.SetResult();
        for (var i = 0; i < 2; i++)
        {
            var batch = Assert.IsType<JArray>(await host.ReadAsync());
            Assert.Equal(1, (int)Assert.Single(batch)["id"]!);
        }
    }

    [Fact]
    public async Task Blank_lines_and_crlf_are_tolerated()
    {
        await using var host = Start();
        await host.SendRawAsync("\n\r\n   \n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}\r\n");
        var response = await host.ReadAsync();
        Assert.Equal(1, (int)response["id"]!);
        Assert.NotNull(response["result"]);
    }
}
