using System.Text;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// The guard's streamed reading of plain requests (<see cref="RequestScanner"/>, <see cref="ParamsMemo"/>): what it
/// takes, what it leaves to the full reading, and that a request answers the same whichever path read it.
/// </summary>
public sealed class RequestScannerTests
{
    private const string Target = "{\"host\":\"10.0.0.1\",\"username\":\"admin\",\"password\":\"pw\"}";

    private static bool Scan(string json, out ScannedRequest request, ParamsMemo? memo = null) =>
        RequestScanner.TryScan(Encoding.UTF8.GetBytes(json), 0, memo ?? new ParamsMemo(), out request);

    [Fact]
    public void A_plain_request_is_read_with_the_catalogs_method_name_its_id_and_params()
    {
        Assert.True(Scan("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"bmc.getDeviceId\",\"params\":{\"target\":" + Target + ",\"timeoutMs\":500}}", out var request));
        Assert.Same(MethodCatalog.All.Keys.Single(k => k == "bmc.getDeviceId"), request.Method);
        Assert.Equal(7L, request.Id!.Value<long>());
        Assert.False(request.IsNotification);
        Assert.True(JToken.DeepEquals(JObject.Parse("{\"target\":" + Target + ",\"timeoutMs\":500}"), request.Params));
    }

    [Fact]
    public void Params_before_method_read_the_same()
    {
        Assert.True(Scan("{\"params\":{\"timeoutMs\":500,\"target\":" + Target + "},\"id\":\"x\",\"method\":\"bmc.getDeviceId\",\"jsonrpc\":\"2.0\"}", out var request));
        Assert.Equal("bmc.getDeviceId", request.Method);
        Assert.Equal("x", request.Id!.Value<string>());
        Assert.Equal(500L, request.Params!["timeoutMs"]!.Value<long>());
        Assert.Equal("10.0.0.1", (string?)request.Params["target"]!["host"]);
    }

    [Fact]
    public void A_request_without_id_is_a_notification_and_null_params_are_none()
    {
        Assert.True(Scan("{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\",\"params\":null}", out var request));
        Assert.True(request.IsNotification);
        Assert.Null(request.Params);
    }

    public static TheoryData<string> LeftToTheFullReading => new()
    {
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}]",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"method\":\"bmc.getDeviceId\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":1,\"timeoutMs\":2}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"target\":{\"host\":\"a\",\"host\":\"b\"}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":-0,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1e2,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1.0,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":12345678901234567890123,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":\"a\\u0041\",\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"no.such\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions\\u002elist\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$/cancelRequest\",\"params\":{\"id\":2}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":[]}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":5}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"extra\":true}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"sessions.list\"}",
        "{\"id\":1,\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"} {}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,/* c */\"method\":\"sessions.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"target\":{\"port\":NaN}}}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":" + string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70) + "}",
        "\"just a string\"",
    };

    [Theory]
    [MemberData(nameof(LeftToTheFullReading))]
    public void Anything_unusual_is_left_to_the_full_reading(string json) => Assert.False(Scan(json, out _));

    [Fact]
    public void The_same_params_bytes_give_the_same_object_and_others_their_own()
    {
        var memo = new ParamsMemo();
        const string first = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"target\":" + Target + "}}";
        Assert.True(Scan(first, out var a, memo));
        Assert.True(Scan(first.Replace("\"id\":1", "\"id\":2", StringComparison.Ordinal), out var b, memo));
        Assert.Same(a.Params, b.Params);
        Assert.True(Scan(first.Replace("10.0.0.1", "10.0.0.2", StringComparison.Ordinal), out var c, memo));
        Assert.NotSame(a.Params, c.Params);
        Assert.Equal("10.0.0.2", (string?)c.Params!["target"]!["host"]);
        Assert.Equal(2, memo.Count);
    }

    [Fact]
    public void The_memo_stays_bounded()
    {
        var memo = new ParamsMemo();
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(Scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":" + (i + 1) + "}}", out var request, memo));
            Assert.Equal(i + 1L, request.Params!["timeoutMs"]!.Value<long>());
        }

        Assert.InRange(memo.Count, 1, 256);
    }

    [Fact]
    public async Task Params_are_bound_the_same_in_any_member_order_and_on_repeat()
    {
        await using var host = Start();
        host.Transport.Responder = (_, _) => Task.FromResult(new IpmiRpc.Core.IpmiResponse(0, new byte[] { 0xAB }));
        string[] lines =
        [
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ipmi.requestResponse\",\"params\":{\"netFn\":6,\"command\":1,\"data\":[1,2]}}",
            "{\"params\":{\"netFn\":10,\"command\":67,\"data\":\"0304\"},\"jsonrpc\":\"2.0\",\"method\":\"ipmi.requestResponse\",\"id\":2}",
            "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ipmi.requestResponse\",\"params\":{\"netFn\":6,\"command\":1,\"data\":[1,2]}}",
        ];
        foreach (var line in lines)
        {
            await host.SendLineAsync(line);
            var answer = await host.ReadAsync();
            Assert.Equal("ab", (string?)answer["result"]!["hex"]);
        }

        var sent = host.Transport.Requests.ToArray();
        Assert.Equal(3, sent.Length);
        Assert.Equal((0x06, 0x01, "0102"), (sent[0].NetFn, sent[0].Command, Convert.ToHexString(sent[0].Data.Span)));
        Assert.Equal((0x0A, 0x43, "0304"), (sent[1].NetFn, sent[1].Command, Convert.ToHexString(sent[1].Data.Span)));
        Assert.Equal((0x06, 0x01, "0102"), (sent[2].NetFn, sent[2].Command, Convert.ToHexString(sent[2].Data.Span)));
    }

    [Fact]
    public async Task A_wrong_type_inside_params_is_refused_every_time_it_is_sent()
    {
        await using var host = Start();
        const string line = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ipmi.requestResponse\",\"params\":{\"netFn\":\"six\",\"command\":1}}";
        for (var i = 0; i < 2; i++)
        {
            await host.SendLineAsync(line);
            AssertError(await host.ReadAsync(), -32602, field: "netFn");
        }

        await host.SendLineAsync("{\"params\":{\"netFn\":6,\"command\":1,\"data\":[1,256]},\"id\":6,\"method\":\"ipmi.requestResponse\",\"jsonrpc\":\"2.0\"}");
        AssertError(await host.ReadAsync(), -32602, field: "data[1]");
        Assert.Empty(host.Transport.Requests);
    }

    [Fact]
    public async Task A_name_repeated_inside_params_is_a_parse_error_even_after_the_same_params_without_it()
    {
        await using var host = Start();
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":{\"timeoutMs\":100}}");
        Assert.NotNull((await host.ReadAsync())["result"]);
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"sessions.list\",\"params\":{\"timeoutMs\":100,\"timeoutMs\":100}}");
        var answer = await host.ReadAsync();
        AssertError(answer, -32700, field: "message");
        // As before the streamed reading: a message that is not valid JSON-RPC text has no id to trust.
        Assert.Equal(JTokenType.Null, answer["id"]!.Type);
    }

    [Fact]
    public async Task Ids_read_in_place_come_back_as_sent()
    {
        await using var host = Start();
        foreach (var id in new[] { "0", "-5", "9223372036854775807", "\"abc\"", "\"\u00e9\u2028\"", "null" })
        {
            await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"sessions.list\"}");
            Assert.StartsWith("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":", await host.ReadLineAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_request_read_in_place_is_cancelled_by_its_integer_id()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport
        {
            Responder = async (_, ct) =>
            {
                started.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return new IpmiRpc.Core.IpmiResponse(0, Array.Empty<byte>());
            },
        };
        await using var host = Start(transport);
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"bmc.getDeviceId\",\"params\":{\"timeoutMs\":600000}}");
        await started.Task.WaitAsync(DefaultWait);
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":42}}");
        AssertError(await host.ReadAsync(), -32800, id: 42L);
    }
}
