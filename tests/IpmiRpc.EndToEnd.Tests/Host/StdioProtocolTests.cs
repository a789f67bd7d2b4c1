using System.Text;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>The real <c>ipmirpc</c> process over real stdio, no BMC needed: the guard, framing and the CLI.</summary>
public sealed class StdioProtocolTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<JObject> NextAsync(IpmiRpcProcess rpc)
    {
        var message = await rpc.ReadMessageAsync(Wait);
        Assert.True(message is not null, "no message\n" + rpc.StdErrText);
        return message!;
    }

    [Fact]
    public async Task Malformed_lines_get_errors_and_the_process_keeps_serving()
    {
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var cases = new (string Line, int Code)[]
        {
            ("{bad json", -32700),
            ("\"just a string\"", -32600),
            ("{\"id\":1,\"method\":\"sessions.list\"}", -32600),
            ("{\"jsonrpc\":\"2.0\",\"id\":\"m\",\"method\":\"no.such.method\"}", -32601),
            ("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ipmi.requestResponse\",\"params\":{\"command\":1,\"netFn\":6,\"data\":[0,1,2,256]}}", -32602),
            ("{\"jsonrpc\":\"2.0\",\"id\":\"t\",\"method\":\"ipmi.requestResponse\",\"params\":{\"command\":\"1\",\"netFn\":\"six\"}}", -32602),
        };
        foreach (var (line, code) in cases)
        {
            await rpc.SendLineAsync(line);
            var response = await NextAsync(rpc);
            SchemaValidator.AssertValid("ipmi.requestResponse", response);
            Assert.Equal(code, (int)response["error"]!["code"]!);
            Assert.DoesNotContain("   at ", response.ToString(), StringComparison.Ordinal);

            var alive = await rpc.CallAsync("sessions.list", null, Wait);
            SchemaValidator.AssertValid("sessions.list", alive);
        }

        Assert.Equal(0, await rpc.CloseInputAndWaitAsync(Wait));
    }

    [Fact]
    public async Task Oversize_line_over_real_stdin_is_refused_and_the_next_line_served()
    {
        await using var rpc = await IpmiRpcProcess.StartAsync("--max-message-bytes 2048");
        await rpc.SendLineAsync("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"sessions.list\",\"params\":{\"pad\":\"" + new string('z', 50_000) + "\"}}");
        var oversize = await NextAsync(rpc);
        SchemaValidator.AssertValid("sessions.list", oversize);
        Assert.Equal(-32600, (int)oversize["error"]!["code"]!);
        Assert.Equal(JTokenType.Null, oversize["id"]!.Type);
        SchemaValidator.AssertValid("sessions.list", await rpc.CallAsync("sessions.list", null, Wait));
    }

    [Fact]
    public async Task Batch_over_stdio_comes_back_as_one_array()
    {
        await using var rpc = await IpmiRpcProcess.StartAsync();
        await rpc.SendLineAsync("[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"sessions.list\"},{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"nope\"},{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"}]");
        var line = await ReadRawLineAsync(rpc);
        var array = Assert.IsType<JArray>(JToken.Parse(line));
        Assert.Equal(2, array.Count);
        SchemaValidator.AssertValidBatch(array, id => (string?)id == "a" ? "sessions.list" : "nope");
    }

    private static async Task<string> ReadRawLineAsync(IpmiRpcProcess rpc)
    {
        // IpmiRpcProcess queues parsed objects only; a batch answer is an array, so read the raw stdout.
        await Poll.UntilAsync(() => rpc.StdOutText.Contains('\n', StringComparison.Ordinal), "a line on stdout", Wait);
        var text = rpc.StdOutText;
        return text[..text.IndexOf('\n', StringComparison.Ordinal)];
    }

    [Fact]
    public async Task Header_framing_is_detected_and_answered_in_kind()
    {
        var requests = new StringBuilder();
        foreach (var body in new[]
                 {
                     "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"rpc.discover\"}",
                     "{not json",
                     "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"sessions.list\"}",
                 })
        {
            requests.Append(CultureInfoFree($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n")).Append(body);
        }

        var result = await RawStdio.RunAsync([], Encoding.UTF8.GetBytes(requests.ToString()), Wait);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var messages = ParseHeaderFramed(result.StdOut);
        Assert.Equal(3, messages.Count);
        var byId = messages.ToDictionary(m => m["id"]!.ToString(Formatting.None));
        SchemaValidator.AssertValid("rpc.discover", byId["1"]);
        SchemaValidator.AssertValid("sessions.list", byId["2"]);
        SchemaValidator.AssertValid("x", byId["null"]);
        Assert.Equal(-32700, (int)byId["null"]["error"]!["code"]!);
    }

    [Fact]
    public async Task Ndjson_framing_can_be_forced_and_stdout_carries_only_protocol_even_at_trace_level()
    {
        var input = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}\n{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"bmc.getDeviceId\",\"params\":{\"target\":{\"host\":\"127.0.0.1\",\"port\":" + Ports.GetFreeUdpPort() + ",\"timeoutMs\":100,\"retries\":0}}}\n";
        var result = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["serve", "--framing", "ndjson", "--log-level", "trace"], input, timeout: Wait);
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            var response = JObject.Parse(line);
            SchemaValidator.AssertValid((int)response["id"]! == 1 ? "sessions.list" : "bmc.getDeviceId", response);
        }

        Assert.NotEmpty(result.StdErr);
    }

    [Fact]
    public async Task Rpc_discover_equals_the_schema_command_and_is_valid_openrpc()
    {
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var discovered = await rpc.CallAsync("rpc.discover", null, Wait);
        SchemaValidator.AssertValid("rpc.discover", discovered);

        var schema = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["schema"], timeout: Wait);
        Assert.Equal(0, schema.ExitCode);
        Assert.True(JToken.DeepEquals(discovered["result"], JToken.Parse(schema.StdOut)));

        var methods = discovered["result"]!["methods"]!.Select(m => (string)m["name"]!).ToArray();
        foreach (var expected in new[] { "ipmi.requestResponse", "bmc.getDeviceId", "sessions.list", "sessions.close", "rpc.discover" })
        {
            Assert.Contains(expected, methods);
        }

        Assert.Equal(methods.Order(StringComparer.Ordinal), methods);
    }

    [Fact]
    public async Task Call_subcommand_prints_results_and_errors_with_exit_codes()
    {
        var exe = IpmiRpcProcess.ExecutablePath;
        var ok = await ProcessRunner.RunAsync(exe, ["call", "sessions.list"], timeout: Wait);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        SchemaValidator.AssertValid("sessions.list", new JObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = JToken.Parse(ok.StdOut) });

        var unknown = await ProcessRunner.RunAsync(exe, ["call", "no.such"], timeout: Wait);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal(-32601, (int)JObject.Parse(unknown.StdErr)["code"]!);
        Assert.Empty(unknown.StdOut.Trim());

        var badParams = await ProcessRunner.RunAsync(exe, ["call", "ipmi.requestResponse", "--params", "{\"command\":1}"], timeout: Wait);
        Assert.Equal(2, badParams.ExitCode);
        Assert.Equal("netFn", (string?)JObject.Parse(badParams.StdErr)["data"]!["field"]);

        var notJson = await ProcessRunner.RunAsync(exe, ["call", "sessions.list", "--params", "{oops"], timeout: Wait);
        Assert.Equal(2, notJson.ExitCode);

        var port = Ports.GetFreeUdpPort();
        var unreachable = await ProcessRunner.RunAsync(exe, ["call", "bmc.getDeviceId", "--params", $"{{\"target\":{{\"host\":\"127.0.0.1\",\"port\":{port},\"timeoutMs\":100,\"retries\":1}}}}"], timeout: Wait);
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Equal(-32004, (int)JObject.Parse(unreachable.StdErr)["code"]!);
    }

    [Fact]
    public async Task Call_refuses_a_password_on_the_command_line_without_echoing_it()
    {
        var result = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath,
            ["call", "bmc.getDeviceId", "--params", "{\"target\":{\"host\":\"127.0.0.1\",\"password\":\"hunter2-secret\"}}"], timeout: Wait);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("target.password", (string?)JObject.Parse(result.StdErr)["data"]!["field"]);
        Assert.DoesNotContain("hunter2", result.StdErr + result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_is_a_graceful_shutdown_like_eof()
    {
        await using var rpc = await IpmiRpcProcess.StartAsync("--log-level debug");
        SchemaValidator.AssertValid("sessions.list", await rpc.CallAsync("sessions.list", null, Wait));
        var kill = await ProcessRunner.RunAsync("kill", ["-TERM", rpc.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)], timeout: Wait);
        Assert.Equal(0, kill.ExitCode);
        await Poll.UntilAsync(() => rpc.HasExited, "the process to exit after SIGTERM", Wait);
        Assert.Equal(0, await rpc.CloseInputAndWaitAsync(Wait));
        Assert.Contains("Closed 0 sessions", rpc.StdErrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_stdin_exits_zero_with_no_output()
    {
        var result = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, [], "", timeout: Wait);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.StdOut);
    }

    private static string CultureInfoFree(FormattableString s) => FormattableString.Invariant(s);

    private static List<JToken> ParseHeaderFramed(byte[] bytes)
    {
        var messages = new List<JToken>();
        var i = 0;
        while (i < bytes.Length)
        {
            var headerEnd = IndexOf(bytes, "\r\n\r\n"u8.ToArray(), i);
            Assert.True(headerEnd > 0, "header block expected at " + i);
            var header = Encoding.ASCII.GetString(bytes, i, headerEnd - i);
            Assert.StartsWith("Content-Length: ", header, StringComparison.Ordinal);
            var length = int.Parse(header["Content-Length: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            messages.Add(JToken.Parse(Encoding.UTF8.GetString(bytes, headerEnd + 4, length)));
            i = headerEnd + 4 + length;
        }

        return messages;
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        for (var i = start; i <= haystack.Length - needle.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }

        return -1;
    }
}
