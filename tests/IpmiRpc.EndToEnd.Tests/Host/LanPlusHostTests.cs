using System.Diagnostics;
using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// The real <c>ipmirpc</c> process against a real <c>ipmi_sim</c> over RMCP+ (lanplus), cross-checked with ipmitool on the
/// same simulator. Every response is validated against schema/.
/// </summary>
public sealed class LanPlusHostTests(ITestOutputHelper output)
{
    private const string PasswordVariable = "IPMIRPC_TEST_BMC_PASSWORD";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static JObject Target(IpmiSim sim, object? extra = null)
    {
        var target = new JObject
        {
            ["host"] = sim.Host,
            ["port"] = sim.Port,
            ["username"] = sim.User,
            ["passwordEnv"] = PasswordVariable,
            ["cipherSuite"] = 3,
        };
        if (extra is not null)
        {
            target.Merge(JObject.FromObject(extra));
        }

        return target;
    }

    private static Task<IpmiRpcProcess> StartRpcAsync(IpmiSim sim, string? args = null, string? password = null) =>
        IpmiRpcProcess.StartAsync(args, new Dictionary<string, string> { [PasswordVariable] = password ?? sim.Password });

    private static async Task<JObject> CallAsync(IpmiRpcProcess rpc, string method, JObject @params)
    {
        var response = await rpc.CallAsync(method, @params, Wait);
        SchemaValidator.AssertValid(method, response);
        return response;
    }

    private static JToken Result(JObject response, IpmiRpcProcess rpc) =>
        response["result"] ?? throw new Xunit.Sdk.XunitException($"error: {response["error"]}\n--- stderr ---\n{rpc.StdErrText}");

    private static int[] ParseIpmitoolRaw(string stdout) =>
        stdout.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(h => int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    [Fact]
    public async Task Get_device_id_bytes_equal_ipmitool_raw_on_the_same_simulator()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim);

        var byName = Result(await CallAsync(rpc, "ipmi.requestResponse", new JObject { ["target"] = Target(sim), ["command"] = "GetDeviceId" }), rpc);
        var byNumber = Result(await CallAsync(rpc, "ipmi.requestResponse", new JObject { ["target"] = Target(sim), ["netFn"] = 6, ["command"] = 1, ["data"] = "" }), rpc);
        var tool = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x01");
        Assert.True(tool.ExitCode == 0, tool.ToString());
        var expected = ParseIpmitoolRaw(tool.StdOut);

        Assert.True(expected.Length >= 11, tool.StdOut);
        Assert.Equal(expected, byName["data"]!.ToObject<int[]>());
        Assert.Equal(expected, byNumber["data"]!.ToObject<int[]>());
        Assert.Equal(string.Concat(expected.Select(b => b.ToString("x2", CultureInfo.InvariantCulture))), (string?)byName["hex"]);

        // The decoded form agrees with the same bytes.
        var decoded = Result(await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = Target(sim) }), rpc);
        Assert.Equal(expected[0], (int)decoded["deviceId"]!);
        Assert.Equal(expected[6] | (expected[7] << 8) | ((expected[8] & 0x0F) << 16), (int)decoded["manufacturerId"]!);
        Assert.Equal(expected[9] | (expected[10] << 8), (int)decoded["productId"]!);
    }

    [Fact]
    public async Task Completion_code_from_the_bmc_is_error_32001()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim);
        // ipmi_sim answers C1 (invalid command) for Get System Info Parameters (tests/fixtures/ipmi_sim/peers.md).
        var response = await CallAsync(rpc, "ipmi.requestResponse", new JObject { ["target"] = Target(sim), ["netFn"] = 6, ["command"] = 0x59, ["data"] = "00 01 00 00" });
        Assert.Equal(-32001, (int)response["error"]!["code"]!);
        Assert.Equal(0xC1, (int)response["error"]!["data"]!["completionCode"]!);
        Assert.Equal(0x59, (int)response["error"]!["data"]!["command"]!);
    }

    [Fact]
    public async Task Thousand_sequential_requests_use_one_session_and_are_timed_against_ipmitool()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim);
        var request = new JObject { ["target"] = Target(sim), ["command"] = "GetDeviceId" };
        Result(await CallAsync(rpc, "ipmi.requestResponse", request), rpc); // opens the session

        const int n = 1000;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++)
        {
            var response = await rpc.CallAsync("ipmi.requestResponse", request, Wait);
            if (i % 100 == 0)
            {
                SchemaValidator.AssertValid("ipmi.requestResponse", response);
            }

            Assert.True(response["result"] is not null, response.ToString());
        }

        sw.Stop();
        var sessions = (JArray)Result(await CallAsync(rpc, "sessions.list", []), rpc);
        var session = Assert.Single(sessions);
        Assert.Equal("lanplus", (string?)session["transport"]);
        Assert.Equal(sim.Port, (int)session["port"]!);
        Assert.True((long)session["requestCount"]! >= n + 1, session.ToString());
        Assert.DoesNotContain(sim.Password, sessions.ToString(), StringComparison.Ordinal);

        const int toolRuns = 10;
        var toolWatch = Stopwatch.StartNew();
        for (var i = 0; i < toolRuns; i++)
        {
            var tool = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x01");
            Assert.True(tool.ExitCode == 0, tool.ToString());
        }

        toolWatch.Stop();
        var perRequestMs = sw.Elapsed.TotalMilliseconds / n;
        var perToolMs = toolWatch.Elapsed.TotalMilliseconds / toolRuns;
        output.WriteLine(FormattableString.Invariant(
            $"ipmirpc: {n} sequential Get Device ID on one pooled session: {sw.Elapsed.TotalMilliseconds:F0} ms, {perRequestMs:F3} ms/request"));
        output.WriteLine(FormattableString.Invariant(
            $"ipmitool -I lanplus -C 3 raw 0x06 0x01, one process per request: {perToolMs:F1} ms/request ({toolRuns} runs); ratio {perToolMs / perRequestMs:F0}x (reported, not asserted: tests/bench measures)"));
    }

    [Fact]
    public async Task Requests_succeed_again_after_the_simulator_is_killed_and_restarted()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim);
        var request = new JObject { ["target"] = Target(sim, new { timeoutMs = 300, retries = 2 }), ["command"] = "GetDeviceId" };
        for (var i = 0; i < 5; i++)
        {
            Result(await CallAsync(rpc, "ipmi.requestResponse", request), rpc);
        }

        await sim.StartAgainAsync();

        // The first request after the restart may need the session re-opened; it must not need the user to do anything.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JObject? last = null;
        var failures = 0;
        while (DateTime.UtcNow < deadline)
        {
            last = await CallAsync(rpc, "ipmi.requestResponse", request);
            if (last["result"] is not null)
            {
                break;
            }

            failures++;
        }

        Assert.True(last?["result"] is not null, $"no success after restart: {last}\n{rpc.StdErrText}");
        output.WriteLine($"requests failed after the restart before one succeeded: {failures}");
        Assert.True(failures <= 1, $"{failures} failures after restart");
        for (var i = 0; i < 5; i++)
        {
            Result(await CallAsync(rpc, "ipmi.requestResponse", request), rpc);
        }
    }

    [Fact]
    public async Task Wrong_password_is_32003_quickly_without_a_retry_storm()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim, "--log-level debug", password: "wrong-password");
        var response = await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = Target(sim) });
        // -32003, not -32004: the BMC's RAKP 2 answered the login, no retransmit budget ran out (the datagram count of
        // the same failure is LanPlusTransportSimTests' check).
        Assert.Equal(-32003, (int)response["error"]!["code"]!);
        Assert.Equal("lanplus", (string?)response["error"]!["data"]!["transport"]);
        Assert.DoesNotContain("wrong-password", response.ToString() + rpc.StdErrText, StringComparison.Ordinal);
        Assert.Empty((JArray)Result(await CallAsync(rpc, "sessions.list", []), rpc));

        // The BMC still serves the right password afterwards (no lock-out from a storm of attempts).
        var tool = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x01");
        Assert.True(tool.ExitCode == 0, tool.ToString());
    }

    [Fact]
    public async Task Unreachable_port_is_32004_within_the_configured_timeout()
    {
        var port = Ports.GetFreeUdpPort();
        await using var rpc = await IpmiRpcProcess.StartAsync((string?)null, new Dictionary<string, string> { [PasswordVariable] = "x" });
        var target = new JObject { ["host"] = "127.0.0.1", ["port"] = port, ["username"] = "u", ["passwordEnv"] = PasswordVariable, ["cipherSuite"] = 3, ["timeoutMs"] = 200, ["retries"] = 2 };
        var response = await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = target });
        // The transport's own budget ran out: its timeout and retries are what the error reports.
        Assert.Equal(-32004, (int)response["error"]!["code"]!);
        Assert.Equal(200, (int)response["error"]!["data"]!["timeoutMs"]!);
        Assert.Equal(2, (int)response["error"]!["data"]!["retries"]!);

        // The request deadline wins over a longer transport budget: the error names the deadline, not the 5 s × 3
        // the transport would have spent.
        var slowTarget = (JObject)target.DeepClone();
        slowTarget["timeoutMs"] = 5000;
        var deadline = await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = slowTarget, ["timeoutMs"] = 400 });
        Assert.Equal(-32004, (int)deadline["error"]!["code"]!);
        Assert.Equal(400, (int)deadline["error"]!["data"]!["timeoutMs"]!);
    }

    [Fact]
    public async Task Named_target_with_password_file_from_the_targets_file()
    {
        await using var sim = await IpmiSim.StartAsync();
        var passwordFile = Path.Combine(sim.Directory, "bmc.pw");
        await File.WriteAllTextAsync(passwordFile, sim.Password + "\n");
        var targetsFile = Path.Combine(sim.Directory, "targets.json");
        await File.WriteAllTextAsync(targetsFile, new JObject
        {
            ["sim"] = new JObject { ["host"] = sim.Host, ["port"] = sim.Port, ["username"] = sim.User, ["passwordFile"] = passwordFile, ["cipherSuite"] = 3 },
        }.ToString());
        await using var rpc = await IpmiRpcProcess.StartAsync(["--targets", targetsFile]);
        var decoded = Result(await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = "sim" }), rpc);
        Assert.NotNull(decoded["firmwareVersion"]);
        var closed = Result(await CallAsync(rpc, "sessions.close", new JObject { ["target"] = "sim" }), rpc);
        Assert.Equal(1, (int)closed["closed"]!);
    }

    [Fact]
    public async Task Stdin_eof_closes_the_pooled_sessions_and_exits_zero()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim, "--log-level debug");
        Result(await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = Target(sim) }), rpc);
        Result(await CallAsync(rpc, "bmc.getDeviceId", new JObject { ["target"] = Target(sim, new { privilege = "operator" }) }), rpc);
        Assert.Equal(2, ((JArray)Result(await CallAsync(rpc, "sessions.list", []), rpc)).Count);
        var before = await ActiveSessionsAsync(sim);

        Assert.Equal(0, await rpc.CloseInputAndWaitAsync(Wait));
        Assert.Contains("Closed 2 sessions", rpc.StdErrText, StringComparison.Ordinal);

        // The simulator agrees: ipmirpc's two sessions are gone (ipmitool's own session counts as one each time).
        var after = await ActiveSessionsAsync(sim);
        output.WriteLine($"active sessions on the simulator: {before} with ipmirpc running, {after} after it exited");
        Assert.True(before >= 3, $"the simulator saw {before} active sessions while ipmirpc held two and ipmitool one");
        Assert.Equal(before - 2, after);
    }

    /// <summary>
    /// "active sessions" from <c>ipmitool session info active</c> (Get Session Info; ipmitool 1.8.19 prints
    /// "active sessions               : N", and its own session counts too).
    /// </summary>
    private static async Task<int> ActiveSessionsAsync(IpmiSim sim)
    {
        var info = await IpmiTool.RunAsync(sim, "session", "info", "active");
        Assert.True(info.ExitCode == 0, info.ToString());
        foreach (var line in info.StdOut.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("active sessions", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        throw new Xunit.Sdk.XunitException($"no \"active sessions\" line in ipmitool's answer: {info}");
    }
}
