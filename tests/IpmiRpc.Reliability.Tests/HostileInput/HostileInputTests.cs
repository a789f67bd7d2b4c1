using System.Text;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileInput;

/// <summary>
/// Whatever a script feeds ipmirpc: each message answered per JSON-RPC 2.0 (or ignored, for notifications), the
/// process still serving afterwards, memory bounded.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(15);

    /// <summary>A lanplus target nobody answers: a request that wrongly got past validation would end in -32004, not -32602.</summary>
    private static JObject DeadTarget() => new()
    {
        ["host"] = "127.0.0.1",
        ["port"] = Ports.GetFreeUdpPort(),
        ["username"] = "nobody",
        ["passwordEnv"] = "IPMIRPC_UNUSED_PW",
        ["cipherSuite"] = 3,
        ["timeoutMs"] = 100,
        ["retries"] = 0,
    };

    private static readonly Dictionary<string, string> UnusedPasswordEnv = new() { ["IPMIRPC_UNUSED_PW"] = "unused" };

    private static async Task AssertStillServingAsync(RawHost host)
    {
        var r = await host.CallAsync("sessions.list", new JObject(), Answer);
        Assert.True(r["result"] is JArray, r.ToString());
    }

    private static void AssertError(JToken? response, int code, JToken? id)
    {
        Assert.NotNull(response);
        var o = Assert.IsType<JObject>(response);
        Assert.Equal("2.0", (string?)o["jsonrpc"]);
        Assert.True(JToken.DeepEquals(id ?? JValue.CreateNull(), o["id"]), $"id {o["id"]} expected {id}: {o}");
        Assert.Equal(code, (int?)o["error"]?["code"]);
        Assert.False(o.ContainsKey("result"));
        AssertNoInternals(o);
    }

    internal static void AssertNoInternals(JToken response)
    {
        var text = response.ToString(Formatting.None);
        foreach (var leak in new[] { "   at ", "Exception", "StackTrace", "stackTrace", "StreamJsonRpc", "Newtonsoft", ".cs:line" })
            Assert.False(text.Contains(leak, StringComparison.Ordinal), $"internal detail '{leak}' in {Truncate(text)}");
    }

    private static string Truncate(string s) => s.Length <= 600 ? s : s[..600] + "…";

    [Fact]
    public async Task Malformed_messages_each_get_their_JSON_RPC_error_and_the_process_keeps_serving()
    {
        await using var host = RawHost.Start(["--log-level", "warning"], UnusedPasswordEnv);
        var tally = Ledger.NewTally("hostile input: malformed messages");
        var cases = new (string Name, byte[] Line, int Code)[]
        {
            ("truncated JSON", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"u8.ToArray(), -32700),
            ("not JSON", "{bad json"u8.ToArray(), -32700),
            ("trailing garbage", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"} xyz"u8.ToArray(), -32700),
            ("invalid UTF-8", [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"x\":\""u8, 0xFF, 0xFE, 0xC3, 0x28, .. "\"}"u8], -32700),
            ("overlong UTF-8 NUL", [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a"u8, 0xC0, 0x80, .. "\"}"u8], -32700),
            ("lone surrogate as UTF-8", [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a"u8, 0xED, 0xA0, 0x80, .. "\"}"u8], -32700),
            ("a string", "\"just a string\""u8.ToArray(), -32600),
            ("a number", "42"u8.ToArray(), -32600),
            ("null", "null"u8.ToArray(), -32600),
            ("no jsonrpc", "{\"id\":1,\"method\":\"sessions.list\"}"u8.ToArray(), -32600),
            ("jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"sessions.list\"}"u8.ToArray(), -32600),
            ("method a number", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}"u8.ToArray(), -32600),
            ("no method", "{\"jsonrpc\":\"2.0\",\"id\":1}"u8.ToArray(), -32600),
            ("params a string", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\",\"params\":\"x\"}"u8.ToArray(), -32600),
            ("empty batch", "[]"u8.ToArray(), -32600),
            ("deep array nesting", Encoding.ASCII.GetBytes(new string('[', 100_000) + new string(']', 100_000)), -32600),
            ("deep object nesting", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 50_000)) + "1" + new string('}', 50_000)), -32600),
        };
        foreach (var (name, line, code) in cases)
        {
            tally.OnSent();
            await host.WriteAsync([.. line, (byte)'\n']);
            var response = await host.ReadJsonAsync(Answer);
            try
            {
                // Parse errors and unreadable requests carry id null (JSON-RPC 2.0 §5); -32600 ones may echo a readable id.
                Assert.NotNull(response);
                var id = response!["id"];
                AssertError(response, code, id?.Type == JTokenType.Integer && code == -32600 ? id : null);
                tally.OnClearError(code, 0);
            }
            catch (Exception ex) when (ex is Xunit.Sdk.XunitException)
            {
                tally.OnWrong($"{name}: {response?.ToString(Formatting.None)}");
                throw new Xunit.Sdk.XunitException($"{name}: {ex.Message}");
            }
        }

        await AssertStillServingAsync(host);
        Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(20)));
        Ledger.Fault($"hostile input: {cases.Length} malformed messages (bad JSON, invalid UTF-8, non-objects, bad envelopes, 100k-deep nesting)");
    }

    [Fact]
    public async Task Unknown_methods_notifications_and_batches_follow_JSON_RPC_2_0()
    {
        await using var host = RawHost.Start(["--log-level", "warning"], UnusedPasswordEnv);

        var unknown = await host.CallAsync("no.suchMethod", new JObject(), Answer);
        AssertError(unknown, -32601, unknown["id"]);
        var rpcInternal = await host.CallAsync("rpc.internal", null, Answer);
        AssertError(rpcInternal, -32601, rpcInternal["id"]);

        // Notifications (no id) get no answer — known, unknown, with bad params alike.
        await host.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"}");
        await host.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"no.suchMethod\"}");
        await host.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"ipmi.requestResponse\",\"params\":{\"command\":[]}}");
        await host.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":12345}}");
        // An all-notification batch gets no answer either.
        await host.WriteLineAsync("[{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"},{\"jsonrpc\":\"2.0\",\"method\":\"x\"}]");
        await AssertStillServingAsync(host);
        Assert.Null(await host.ReadLineAsync(TimeSpan.FromMilliseconds(500)));

        // A mixed batch: one array back with an answer per request (not the notification), invalid members answered.
        await host.WriteLineAsync(
            "[{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"sessions.list\"}," +
            "{\"jsonrpc\":\"2.0\",\"method\":\"sessions.list\"}," +
            "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"no.such\"}," +
            "1," +
            "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"ipmi.requestResponse\",\"params\":{\"command\":true}}]");
        var batch = Assert.IsType<JArray>(await host.ReadJsonAsync(Answer));
        Assert.Equal(4, batch.Count);
        var byId = batch.Cast<JObject>().ToDictionary(o => o["id"]!.Type == JTokenType.Null ? "null" : (string)o["id"]!);
        Assert.True(byId["a"]["result"] is JArray);
        AssertError(byId["b"], -32601, "b");
        AssertError(byId["null"], -32600, null);
        AssertError(byId["c"], -32602, "c");

        // A batch of non-objects: one -32600 each.
        await host.WriteLineAsync("[1,2,3]");
        var three = Assert.IsType<JArray>(await host.ReadJsonAsync(Answer));
        Assert.Equal(3, three.Count);
        Assert.All(three, e => AssertError(e, -32600, null));

        // Ids of every JSON-RPC kind come back as sent, including huge integers and odd strings.
        foreach (var id in new JToken[] { "x\u0000y\u2028z", 0, -1, 1.5, JToken.Parse("123456789012345678901234567890"), new string('i', 10_000) })
        {
            var request = new JObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "sessions.list" };
            await host.WriteLineAsync(request.ToString(Formatting.None));
            var r = Assert.IsType<JObject>(await host.ReadJsonAsync(Answer));
            Assert.True(JToken.DeepEquals(id, r["id"]), $"id {Truncate(id.ToString())} came back as {Truncate(r["id"]!.ToString())}");
            Assert.True(r["result"] is JArray);
        }

        // Ids that are not allowed: -32600.
        await host.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"sessions.list\"}");
        AssertError(await host.ReadJsonAsync(Answer), -32600, null);
        await host.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"sessions.list\"}");
        AssertError(await host.ReadJsonAsync(Answer), -32600, null);

        await AssertStillServingAsync(host);
        Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(20)));
        Ledger.Fault("hostile input: unknown methods, notifications (known/unknown/bad params/all-notification batch), mixed and non-object batches, odd and huge ids");
    }

    [Fact]
    public async Task Huge_numbers_strings_and_over_limit_lines_are_refused_with_memory_bounded()
    {
        await using var host = RawHost.Start(["--log-level", "warning"], UnusedPasswordEnv);
        await AssertStillServingAsync(host);
        var before = host.Stats();
        var target = DeadTarget();

        // Huge numbers where integers belong: -32602 naming the field.
        foreach (var (field, value) in new (string, string)[]
                 {
                     ("netFn", "123456789012345678901234567890"), ("netFn", "1e308"), ("netFn", "-1e308"), ("command", "4294967296"),
                     ("lun", "1.0000000000000002"), ("data", "[1e400]"), ("data", "[256]"), ("data", "[-1]"), ("target", "1e999"),
                 })
        {
            var fields = new Dictionary<string, string> { ["target"] = target.ToString(Formatting.None), ["command"] = "1", ["netFn"] = "6" };
            fields[field] = value;
            var line = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ipmi.requestResponse\",\"params\":{"
                       + string.Join(",", fields.Select(kv => $"\"{kv.Key}\":{kv.Value}")) + "}}";
            var r = await host.CallRawAsync(line, 7, Answer);
            Assert.True((int?)r["error"]?["code"] is -32602, $"{field}={value}: {r}");
            AssertNoInternals(r);
        }

        // A 900 KB string (under the 1 MiB limit) as a command name: refused without echoing it back.
        var big = new string('Z', 900_000);
        var huge = await host.CallAsync("ipmi.requestResponse", new JObject { ["target"] = target, ["command"] = big }, Answer);
        AssertError(huge, -32602, huge["id"]);
        Assert.True(huge.ToString(Formatting.None).Length < 2000, "the error echoed the huge string");

        // Lines over the limit: -32600 each, and the next line is served. Several, to see memory stay flat.
        for (var i = 0; i < 8; i++)
        {
            var over = new byte[3 * 1024 * 1024];
            Array.Fill(over, (byte)'x');
            over[0] = (byte)'{';
            await host.WriteAsync([.. over, (byte)'\n']);
            var r = await host.ReadJsonAsync(Answer);
            AssertError(r, -32600, null);
        }

        // One that never ends its line, followed by a real request on the next line.
        await host.WriteAsync(Enumerable.Repeat((byte)'[', 2 * 1024 * 1024).ToArray());
        await host.WriteLineAsync("");
        AssertError(await host.ReadJsonAsync(Answer), -32600, null);
        await AssertStillServingAsync(host);

        // Header-framed hostile lengths cannot be tested on an ndjson connection: see the header test below.
        var after = host.Stats();
        Log($"ipmirpc before: {before}; after 8 × 3 MiB lines, a 2 MiB unterminated one and a 900 KB string: {after}");
        Ledger.Leak($"hostile input memory: RSS {before.RssKb / 1024} MB → {after.RssKb / 1024} MB after ~27 MB of oversized input");
        Assert.True(after.RssKb < before.RssKb + 150 * 1024, $"RSS grew from {before} to {after}");
        Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(20)));
        Ledger.Fault("hostile input: huge numbers in integer fields, 900 KB strings, 8 × 3 MiB lines, a 2 MiB unterminated line");
    }

    [Fact]
    public async Task Header_framing_survives_lying_lengths()
    {
        await using var host = RawHost.Start(["--framing", "headers", "--log-level", "warning"]);
        static byte[] Framed(string body, string? length = null) =>
            Encoding.UTF8.GetBytes($"Content-Length: {length ?? Encoding.UTF8.GetByteCount(body).ToString(System.Globalization.CultureInfo.InvariantCulture)}\r\n\r\n{body}");
        var ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}";

        // Header framing answers with header framing: read raw stdout.
        await host.WriteAsync(Framed(ok));
        await host.WriteAsync(Encoding.ASCII.GetBytes("Content-Length: -5\r\n\r\n"));
        await host.WriteAsync(Encoding.ASCII.GetBytes("Content-Length: 99999999999999999999\r\n\r\n"));
        await host.WriteAsync(Encoding.ASCII.GetBytes("Content-Length: 2000000\r\n\r\n"));
        await host.WriteAsync(new byte[2_000_000]);
        await host.WriteAsync(Encoding.ASCII.GetBytes("Garbage header line without colon\r\n\r\n"));
        await host.WriteAsync(Framed("{bad json"));
        await host.WriteAsync(Framed(ok.Replace("\"id\":1", "\"id\":2", StringComparison.Ordinal)));
        // Header-framed answers end without a newline: read them all once the process has finished (EOF on stdin).
        Assert.False(host.HasExited);
        Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(30)));
        var stdout = host.StdOut;
        Assert.Contains("\"id\":1,\"result\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"id\":2,\"result\"", stdout, StringComparison.Ordinal);
        Assert.Equal(4, CountOf(stdout, "-32700"));
        Assert.Equal(1, CountOf(stdout, "-32600"));
        Assert.Equal(5 + 2, CountOf(stdout, "Content-Length:"));
        Assert.DoesNotContain("Exception", stdout, StringComparison.Ordinal);
        Ledger.Fault("hostile input (header framing): negative, 20-digit and over-limit Content-Length, bad header line, bad JSON body");
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
            n++;
        return n;
    }

    /// <summary>Every parameter of every method rpc.discover lists, and every field of the target, given each JSON type it does not accept.</summary>
    [Fact]
    public async Task Every_parameter_of_every_method_refuses_every_wrong_type_with_32602()
    {
        await using var host = RawHost.Start(["--log-level", "warning"], UnusedPasswordEnv);
        var discover = await host.CallAsync("rpc.discover", null, Answer);
        var document = Assert.IsType<JObject>(discover["result"]);
        var cases = WrongTypes.Generate(document, DeadTarget()).ToList();
        Assert.True(cases.Count > 100, $"only {cases.Count} cases generated");
        var methods = cases.Select(c => c.Method).Distinct().ToList();
        Assert.Contains("ipmi.requestResponse", methods);
        Assert.Contains("bmc.getDeviceId", methods);

        var tally = Ledger.NewTally($"hostile input: wrong types ({cases.Count} cases over {methods.Count} methods)");
        var failures = new List<string>();
        foreach (var c in cases)
        {
            tally.OnSent();
            var r = await host.CallAsync(c.Method, c.Params, Answer);
            var code = (int?)r["error"]?["code"];
            var field = (string?)r["error"]?["data"]?["field"];
            if (code == -32602 && field is not null && (field == c.Field || field.StartsWith(c.Field + ".", StringComparison.Ordinal) || field.StartsWith(c.Field + "[", StringComparison.Ordinal)))
            {
                tally.OnClearError(-32602, 0);
                AssertNoInternals(r);
            }
            else
            {
                tally.OnWrong($"{c.Method} {c.Field}={c.Value.ToString(Formatting.None)}");
                failures.Add($"{c.Method} {c.Field} = {c.Value.ToString(Formatting.None)} → {Truncate(r.ToString(Formatting.None))}");
            }
        }

        Log(tally.ToString());
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} wrong-type params not refused with -32602 naming the field:\n" + string.Join("\n", failures.Take(40)));
        await AssertStillServingAsync(host);
        Ledger.Fault($"hostile input: {cases.Count} wrong-typed params generated from rpc.discover ({string.Join(", ", methods)})");
    }
}
