using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.TestSupport;

/// <summary>
/// IpmiRpcProcess's plumbing (id matching, out-of-order answers, notifications, EOF, exit code) against a tiny
/// stand-in server, so a failure here points at the fixture and not at the host.
/// </summary>
public sealed class IpmiRpcProcessTests : IDisposable
{
    // Answers each request with its method and params; "slow" answers after the next request; "exit" exits 3;
    // before answering "notify" it sends a notification.
    private const string FakeServer = """
        import json, sys
        held = None
        for line in sys.stdin:
            msg = json.loads(line)
            if msg["method"] == "notify":
                print(json.dumps({"jsonrpc": "2.0", "method": "note", "params": {"x": 1}}), flush=True)
            answer = json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": {"method": msg["method"], "params": msg.get("params")}})
            if msg["method"] == "slow":
                held = answer
                sys.stderr.write("holding slow\n")
                sys.stderr.flush()
                continue
            print(answer, flush=True)
            if held:
                print(held, flush=True)
                held = None
        sys.stderr.write("bye\n")
        sys.exit(3)
        """;

    private readonly string _script = Path.Combine(Path.GetTempPath(), $"ipmirpc-fake-{Guid.NewGuid():N}.py");

    public IpmiRpcProcessTests() => File.WriteAllText(_script, FakeServer);

    public void Dispose() => File.Delete(_script);

    [Fact]
    public async Task Calls_are_matched_by_id_even_out_of_order_and_notifications_are_queued()
    {
        await using var p = await IpmiRpcProcess.StartExecutableAsync(Require.Tool("python3"), ["-u", _script]);

        var slow = p.CallAsync("slow", new { a = 1 }, TimeSpan.FromSeconds(10));
        await Poll.UntilAsync(() => p.StdErrText.Contains("holding slow", StringComparison.Ordinal), "\"slow\" to reach the server first");
        var fast = await p.CallAsync("fast", new JObject { ["b"] = 2 }, TimeSpan.FromSeconds(10));
        var slowAnswer = await slow;
        var notified = await p.CallAsync("notify", null, TimeSpan.FromSeconds(10));
        var note = await p.ReadMessageAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("fast", (string?)fast["result"]!["method"]);
        Assert.Equal(2, (int)fast["result"]!["params"]!["b"]!);
        Assert.Equal("slow", (string?)slowAnswer["result"]!["method"]);
        Assert.Equal(1, (int)slowAnswer["result"]!["params"]!["a"]!);
        Assert.NotEqual((long)fast["id"]!, (long)slowAnswer["id"]!);
        Assert.Equal("notify", (string?)notified["result"]!["method"]);
        Assert.Equal("note", (string?)note!["method"]);
        Assert.Null(await p.ReadMessageAsync(TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task Raw_lines_and_eof_give_the_exit_code_and_stderr()
    {
        await using var p = await IpmiRpcProcess.StartExecutableAsync(Require.Tool("python3"), ["-u", _script]);

        await p.SendLineAsync("""{"jsonrpc":"2.0","id":"abc","method":"raw"}""");
        var raw = await p.ReadMessageAsync(TimeSpan.FromSeconds(10));
        var code = await p.CloseInputAndWaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("abc", (string?)raw!["id"]);
        Assert.Equal(3, code);
        Assert.Contains("bye", p.StdErrText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_gets_no_answer_times_out_with_the_deadline_in_the_message()
    {
        await using var p = await IpmiRpcProcess.StartExecutableAsync(Require.Tool("python3"), ["-u", _script]);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => p.CallAsync("slow", null, TimeSpan.FromMilliseconds(300)));

        Assert.Contains("slow", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_built_host_answers_through_the_fixture_and_exits_0_on_eof()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var p = await IpmiRpcProcess.StartAsync(env: new Dictionary<string, string> { ["IPMIRPC_TEST_PW"] = sim.Password });
        var target = new JObject
        {
            ["host"] = sim.Host,
            ["port"] = sim.Port,
            ["username"] = sim.User,
            ["passwordEnv"] = "IPMIRPC_TEST_PW",
            ["cipherSuite"] = 3,
        };

        var answer = await p.CallAsync("ipmi.requestResponse", new JObject { ["target"] = target, ["command"] = "GetDeviceId" });
        var tool = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x01");
        var code = await p.CloseInputAndWaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(answer["result"] is JObject, answer.ToString());
        var hex = (string?)answer["result"]!["hex"];
        Assert.Equal(string.Concat(tool.StdOut.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)), hex);
        Assert.Equal(0, code);
    }

    [Fact]
    public void The_host_path_follows_the_test_build_configuration()
    {
        var path = IpmiRpcProcess.ExecutablePath;

        if (Environment.GetEnvironmentVariable("IPMIRPC_EXE") is not { Length: > 0 })
        {
            Assert.Contains(Path.Combine("src", "IpmiRpc.Host", "bin", RepoPaths.Configuration, "net10.0", "ipmirpc"), path, StringComparison.Ordinal);
            Assert.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}{RepoPaths.Configuration}{Path.DirectorySeparatorChar}", AppContext.BaseDirectory, StringComparison.Ordinal);
        }
    }
}
