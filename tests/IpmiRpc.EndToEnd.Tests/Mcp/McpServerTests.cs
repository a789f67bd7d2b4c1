using System.Net;
using System.Net.Sockets;
using IpmiRpc.EndToEnd.Tests.Wrappers;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Mcp;

/// <summary>
/// <c>ipmirpc mcp</c> driven by the official TypeScript SDK client (tests/fixtures/mcp/client.mjs: Client +
/// StdioClientTransport, which also validates every structured result against the tool's output schema) against
/// ipmi_sim, cross-checked with ipmitool. The BMC password reaches the server only through the environment.
/// </summary>
public sealed class McpServerTests
{
    private const string PasswordVariable = "IPMIRPC_TEST_MCP_PASSWORD";
    internal const string User = "mcpuser";
    internal const string Password = "Mcp-Secret-4711";
    private static readonly SemaphoreSlim SdkInstall = new(1, 1);

    [Fact]
    public async Task Read_only_server_lists_the_read_only_tools_answers_like_ipmitool_refuses_writes_and_survives_bad_calls_and_cancellation()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(User, Password)] });
        await WrapperSupport.IpmitoolLanSetAsync(sim, "ipsrc", "static");
        await WrapperSupport.IpmitoolLanSetAsync(sim, "ipaddr", "10.20.30.40");
        await WrapperSupport.IpmitoolLanSetAsync(sim, "netmask", "255.255.240.0");
        // A port that swallows every datagram: a BMC that never answers, so the call stays in flight until cancelled.
        using var dead = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var dir = new TempDir();
        var targets = WriteTargets(dir, sim, ((IPEndPoint)dead.Client.LocalEndPoint!).Port);

        var run = await RunClientAsync(dir, ["mcp", "--targets", targets, "--log-level", "information"],
        [
            Step("listTools"),
            Call("bmc_getDeviceId", new JObject { ["target"] = "sim" }),
            Call("lan_getConfiguration", new JObject { ["target"] = "sim" }),
            Call("systemInfo_set", new JObject { ["target"] = "sim", ["dryRun"] = true, ["values"] = new JObject { ["systemName"] = "x" } }),
            Call("bmc_getDeviceId", new JObject { ["target"] = new JObject { ["host"] = "127.0.0.1", ["port"] = sim.Port } }),
            Call("bmc_getDeviceId", new JObject { ["target"] = "sim", ["bogus"] = 1 }),
            Call("bmc_getDeviceId", new JObject { ["target"] = "nosuch" }),
            new JObject { ["op"] = "callAndCancel", ["name"] = "bmc_getDeviceId", ["arguments"] = new JObject { ["target"] = "dead" }, ["cancelAfterMs"] = 500 },
            WaitForStderr(CancelledLine),
            Call("bmc_getDeviceId", new JObject { ["target"] = "sim" }),
        ]);
        var steps = (JArray)run["steps"]!;

        // tools/list: every read-only method (but rpc.discover, sessions.close) and nothing mutating.
        var tools = ((JArray)Value(steps[0])["tools"]!).Cast<JObject>().ToArray();
        var expected = MethodCatalog.All.Values
            .Where(d => !d.Attribute.Mutating && d.Name is not ("rpc.discover" or "sessions.close"))
            .Select(d => d.Name.Replace('.', '_')).Order(StringComparer.Ordinal);
        Assert.Equal(expected, tools.Select(t => (string)t["name"]!).Order(StringComparer.Ordinal));
        Assert.All(tools, t => Assert.True((bool)t["annotations"]!["readOnlyHint"]!, t.ToString()));
        Assert.All(tools, t => Assert.DoesNotContain("$ref", t.ToString(Formatting.None), StringComparison.Ordinal));
        var deviceTool = tools.Single(t => (string)t["name"]! == "bmc_getDeviceId");
        Assert.Equal(["dead", "sim"], deviceTool["inputSchema"]!["properties"]!["target"]!["enum"]!.ToObject<string[]>()!);
        Assert.Equal("object", (string?)deviceTool["outputSchema"]!["type"]);

        // Reads equal ipmitool's on the same simulator.
        var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
        var device = Structured(steps[1]);
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Manufacturer ID"]), (int)device["manufacturerId"]!);
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), (int)device["productId"]!);
        Assert.Equal(mcInfo["Firmware Revision"], (string?)device["firmwareVersion"]);
        Assert.Equal(mcInfo["IPMI Version"], (string?)device["ipmiVersion"]);
        Assert.StartsWith("bmc.getDeviceId: {", Text(steps[1]), StringComparison.Ordinal);
        var lanPrint = await WrapperSupport.IpmitoolLanPrintAsync(sim);
        var lan = Structured(steps[2]);
        Assert.Equal("10.20.30.40", lanPrint["IP Address"]);
        Assert.Equal(lanPrint["IP Address"], (string?)lan["ipAddress"]);
        Assert.Equal(lanPrint["Subnet Mask"], (string?)lan["subnetMask"]);
        Assert.Equal(lanPrint["MAC Address"], (string?)lan["macAddress"], StringComparer.OrdinalIgnoreCase);

        // Refusals are tool errors carrying the JSON-RPC code; the server keeps serving.
        AssertToolError(steps[3], -32601, "--allow-writes");
        AssertToolError(steps[4], -32602, "name of a target");
        AssertToolError(steps[5], -32602, "bogus");
        AssertToolError(steps[6], -32602, "nosuch");

        // The cancelled call (to a BMC that would keep it busy for 20 minutes) ends with an abort on the client's side,
        // the server's handler saw its token cancelled, and the next call is answered.
        Assert.False((bool)steps[7]["ok"]!, steps[7].ToString());
        Assert.Contains("cancelled by the test", (string?)steps[7]["error"]!["message"], StringComparison.Ordinal);
        Assert.True((bool)steps[8]["found"]!, (string?)run["stderr"]);
        Assert.Equal((int)device["productId"]!, (int)Structured(steps[9])["productId"]!);

        AssertNoSecret(run);
    }

    [Fact]
    public async Task With_allow_writes_mutating_tools_are_destructive_and_honour_dryRun()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true, ExtraUsers = [(User, Password)] });
        await IpmiTool.RunAsync(sim, "mc", "setsysinfo", "system_name", "before-mcp");
        using var dir = new TempDir();
        var targets = WriteTargets(dir, sim, deadPort: 9);

        var run = await RunClientAsync(dir, ["mcp", "--targets", targets, "--allow-writes"],
        [
            Step("listTools"),
            Call("systemInfo_set", new JObject { ["target"] = "sim", ["dryRun"] = true, ["values"] = new JObject { ["systemName"] = "from-mcp" } }),
        ]);
        var steps = (JArray)run["steps"]!;
        var tools = ((JArray)Value(steps[0])["tools"]!).Cast<JObject>().ToDictionary(t => (string)t["name"]!);
        foreach (var declaration in MethodCatalog.All.Values.Where(d => d.Attribute.Mutating))
        {
            var tool = tools[declaration.Name.Replace('.', '_')];
            Assert.True((bool)tool["annotations"]!["destructiveHint"]!, tool.ToString());
            Assert.False((bool)tool["annotations"]!["readOnlyHint"]!, tool.ToString());
            Assert.NotNull(tool["inputSchema"]!["properties"]!["dryRun"]);
        }

        Assert.False((bool?)Value(steps[1])["isError"] ?? false, steps[1].ToString());
        Assert.Equal("before-mcp", (await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "system_name")).StdOut.TrimEnd('\n'));

        var write = await RunClientAsync(dir, ["mcp", "--targets", targets, "--allow-writes"],
            [Call("systemInfo_set", new JObject { ["target"] = "sim", ["values"] = new JObject { ["systemName"] = "from-mcp" } })]);
        Assert.False((bool?)Value(write["steps"]![0]!)["isError"] ?? false, write.ToString());
        Assert.Equal("from-mcp", (await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "system_name")).StdOut.TrimEnd('\n'));
        AssertNoSecret(run);
        AssertNoSecret(write);
    }

    [Fact]
    public async Task Fan_out_over_a_group_reports_progress_and_per_target_errors_and_a_cancelled_sweep_leaves_the_server_serving()
    {
        await using var sim0 = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(User, Password)] });
        await using var sim1 = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(User, Password)] });
        await using var sim2 = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(User, Password)] });
        IpmiSim[] sims = [sim0, sim1, sim2];
        // "mute": a BMC that never answers, with a short deadline: one failed entry among answered ones.
        using var mute = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var dir = new TempDir();
        var targets = new JObject
        {
            ["rack"] = new JArray("sim0", "sim1", "sim2", "mute"),
            // "silent" is the client's own silent UDP socket: the sweep stays in flight on it until cancelled.
            ["stuck"] = new JArray("sim0", "silent"),
            ["mute"] = new JObject { ["host"] = "127.0.0.1", ["port"] = ((IPEndPoint)mute.Client.LocalEndPoint!).Port, ["username"] = User, ["passwordEnv"] = PasswordVariable, ["timeoutMs"] = 200, ["retries"] = 0 },
            ["silent"] = new JObject { ["host"] = "127.0.0.1", ["port"] = "@SILENT_PORT@", ["username"] = User, ["passwordEnv"] = PasswordVariable, ["timeoutMs"] = 60_000, ["retries"] = 20 },
        };
        for (var i = 0; i < sims.Length; i++)
        {
            targets[$"sim{i}"] = new JObject { ["host"] = sims[i].Host, ["port"] = sims[i].Port, ["username"] = User, ["passwordEnv"] = PasswordVariable, ["cipherSuite"] = 3 };
        }

        var targetsPath = Path.Combine(dir.Path, "targets.json");
        var run = await RunClientAsync(dir, ["mcp", "--targets", targetsPath, "--log-level", "information"],
        [
            Call("bmc_getDeviceId", new JObject { ["targets"] = new JArray("rack") }, progress: true),
            new JObject { ["op"] = "callAndCancelOnDatagram", ["name"] = "bmc_getDeviceId", ["arguments"] = new JObject { ["targets"] = new JArray("stuck") } },
            WaitForStderr(CancelledLine),
            Call("bmc_getDeviceId", new JObject { ["targets"] = new JArray("sim2", "sim1", "sim0") }),
        ],
        new JObject { ["silentUdp"] = true, ["files"] = new JArray(new JObject { ["path"] = targetsPath, ["text"] = targets.ToString() }) });
        var steps = (JArray)run["steps"]!;
        var productId = WrapperSupport.ParseInt(WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim0, "mc", "info")).StdOut)["Product ID"]);

        // The group expands in its order; each BMC's result or error sits in its slot; the dead one fails alone.
        var sweep = Structured(steps[0]);
        Assert.Equal(3, (int)sweep["ok"]!);
        Assert.Equal(1, (int)sweep["failed"]!);
        var results = (JArray)sweep["results"]!;
        Assert.Equal(["sim0", "sim1", "sim2", "mute"], results.Select(r => (string)r["target"]!));
        Assert.All(results.Take(3), r => Assert.Equal(productId, (int)r["result"]!["productId"]!));
        Assert.Equal(-32004, (int)results[3]["error"]!["code"]!);
        Assert.Null(results[3]["result"]);
        // notifications/progress for the call's token: at least the last one, which counts every target.
        var progress = (JArray)steps[0]["progress"]!;
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.Equal(4, (int)p["total"]!));
        Assert.Equal(4, (int)progress[^1]!["progress"]!);
        Assert.Equal(progress.Select(p => (int)p["progress"]!).Order(), progress.Select(p => (int)p["progress"]!));

        // Cancelled once the silent BMC had a datagram (the sweep was in flight): an abort on the client's side, the
        // server's handler saw its token cancelled, and the next fan-out (sim0 again) is answered in full.
        Assert.True((bool)steps[1]["datagramSeen"]!, steps[1].ToString());
        Assert.False((bool)steps[1]["ok"]!, steps[1].ToString());
        Assert.Contains("cancelled by the test", (string?)steps[1]["error"]!["message"], StringComparison.Ordinal);
        Assert.True((bool)steps[2]["found"]!, (string?)run["stderr"]);
        Assert.DoesNotContain(((JArray)steps[1]["progress"]!).Cast<JObject>(), p => (int)p["progress"]! == (int)p["total"]!);
        var after = Structured(steps[3]);
        Assert.Equal(3, (int)after["ok"]!);
        Assert.Equal(["sim2", "sim1", "sim0"], ((JArray)after["results"]!).Select(r => (string)r["target"]!));
        AssertNoSecret(run);
    }

    [Fact]
    public async Task Requests_written_before_stdin_closes_are_all_answered_before_the_server_exits()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(User, Password)] });
        // "mute" never answers: its call is still in flight (up to its 300 ms deadline) when stdin has long ended.
        using var mute = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var dir = new TempDir();
        var targets = new JObject
        {
            ["sim"] = new JObject { ["host"] = sim.Host, ["port"] = sim.Port, ["username"] = User, ["passwordEnv"] = PasswordVariable, ["cipherSuite"] = 3 },
            ["mute"] = new JObject { ["host"] = "127.0.0.1", ["port"] = ((IPEndPoint)mute.Client.LocalEndPoint!).Port, ["username"] = User, ["passwordEnv"] = PasswordVariable, ["timeoutMs"] = 300, ["retries"] = 0 },
        };
        var targetsPath = Path.Combine(dir.Path, "targets.json");
        File.WriteAllText(targetsPath, targets.ToString());
        JObject[] requests =
        [
            new() { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "initialize", ["params"] = new JObject { ["protocolVersion"] = "2025-06-18", ["capabilities"] = new JObject(), ["clientInfo"] = new JObject { ["name"] = "pipe", ["version"] = "1" } } },
            new() { ["jsonrpc"] = "2.0", ["method"] = "notifications/initialized" },
            new() { ["jsonrpc"] = "2.0", ["id"] = 2, ["method"] = "tools/call", ["params"] = new JObject { ["name"] = "bmc_getDeviceId", ["arguments"] = new JObject { ["target"] = "sim" } } },
            new() { ["jsonrpc"] = "2.0", ["id"] = "slow", ["method"] = "tools/call", ["params"] = new JObject { ["name"] = "bmc_getDeviceId", ["arguments"] = new JObject { ["target"] = "mute" } } },
            new() { ["jsonrpc"] = "2.0", ["id"] = 4, ["method"] = "tools/list" },
        ];

        // The whole input is written at once and stdin closed: what a script piping ndjson does.
        var run = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["mcp", "--targets", targetsPath],
            stdin: string.Join('\n', requests.Select(r => r.ToString(Formatting.None))) + "\n",
            env: new Dictionary<string, string> { [PasswordVariable] = Password }, timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.Succeeded, run.ToString());
        var answers = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(JObject.Parse).ToDictionary(a => a["id"]!.ToString(Formatting.None));
        Assert.Equal(["\"slow\"", "1", "2", "4"], answers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("ipmirpc", (string?)answers["1"]["result"]!["serverInfo"]!["name"]);
        var productId = WrapperSupport.ParseInt(WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut)["Product ID"]);
        Assert.Equal(productId, (int)answers["2"]["result"]!["structuredContent"]!["productId"]!);
        Assert.True((bool)answers["\"slow\""]["result"]!["isError"]!, answers["\"slow\""].ToString());
        Assert.Contains("-32004", (string?)answers["\"slow\""]["result"]!["content"]![0]!["text"], StringComparison.Ordinal);
        Assert.NotEmpty((JArray)answers["4"]["result"]!["tools"]!);
        Assert.DoesNotContain(Password, run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    /// <summary>What the server logs when a tool call's token is cancelled (notifications/cancelled).</summary>
    private const string CancelledLine = "bmc_getDeviceId: cancelled by the client";

    internal static JObject Step(string op) => new() { ["op"] = op };

    /// <summary>The client waits (bounded) until the server has logged <paramref name="text"/>: the log of a cancelled
    /// call may come after the next call's answer, and the client's stderr ends when it closes the server.</summary>
    private static JObject WaitForStderr(string text) => new() { ["op"] = "waitForStderr", ["text"] = text };

    internal static JObject Call(string name, JObject arguments, bool progress = false) =>
        new() { ["op"] = "call", ["name"] = name, ["arguments"] = arguments, ["progress"] = progress };

    internal static JObject Value(JToken step) =>
        (bool)step["ok"]! ? (JObject)step["value"]! : throw new Xunit.Sdk.XunitException($"client error: {step}");

    internal static JObject Structured(JToken step)
    {
        var value = Value(step);
        Assert.True(value["isError"] is null || !(bool)value["isError"]!, value.ToString());
        return (JObject)value["structuredContent"]!;
    }

    private static string Text(JToken step) => (string)Value(step)["content"]![0]!["text"]!;

    private static void AssertToolError(JToken step, int code, string fragment)
    {
        var value = Value(step);
        Assert.True((bool?)value["isError"] == true, value.ToString());
        var text = Text(step);
        var error = JObject.Parse(text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..]);
        Assert.Equal(code, (int)error["code"]!);
        Assert.Contains(fragment, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal); // no stack trace
    }

    internal static void AssertNoSecret(JObject run)
    {
        Assert.DoesNotContain(Password, (string?)run["received"], StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run["steps"]!.ToString(Formatting.None), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, (string?)run["stderr"], StringComparison.Ordinal);
    }

    internal static string WriteTargets(TempDir dir, IpmiSim sim, int deadPort)
    {
        var targets = new JObject
        {
            ["sim"] = new JObject { ["host"] = sim.Host, ["port"] = sim.Port, ["username"] = User, ["passwordEnv"] = PasswordVariable, ["cipherSuite"] = 3 },
            ["dead"] = new JObject { ["host"] = "127.0.0.1", ["port"] = deadPort, ["username"] = User, ["passwordEnv"] = PasswordVariable, ["timeoutMs"] = 60_000, ["retries"] = 20 },
        };
        var path = Path.Combine(dir.Path, "targets.json");
        File.WriteAllText(path, targets.ToString());
        return path;
    }

    /// <param name="planExtras">More plan fields (silentUdp, files), see client.mjs.</param>
    /// <param name="executable">The ipmirpc to start; the one under test when null.</param>
    internal static async Task<JObject> RunClientAsync(TempDir dir, string[] args, JObject[] steps, JObject? planExtras = null, string? executable = null)
    {
        var node = Require.Tool("node");
        var sdk = await InstallSdkAsync();
        var plan = new JObject
        {
            ["command"] = executable ?? IpmiRpcProcess.ExecutablePath,
            ["args"] = new JArray(args),
            ["env"] = new JObject { [PasswordVariable] = Password },
            ["steps"] = new JArray(steps),
        };
        plan.Merge(planExtras);
        var planPath = Path.Combine(dir.Path, $"plan-{Guid.NewGuid():N}.json");
        File.WriteAllText(planPath, plan.ToString());
        var script = Path.Combine(RepoPaths.Fixtures, "mcp", "client.mjs");
        var result = await ProcessRunner.RunAsync(node, [script, planPath], env: new Dictionary<string, string> { ["MCP_SDK_DIR"] = sdk },
            timeout: TimeSpan.FromMinutes(3));
        Assert.True(result.Succeeded, result.ToString());
        return JObject.Parse(result.StdOut);
    }

    /// <summary>The official TypeScript SDK (1.x), installed once per machine into a cache directory.</summary>
    private static async Task<string> InstallSdkAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ipmirpc-tests", "mcp-sdk-1");
        await SdkInstall.WaitAsync();
        try
        {
            if (!File.Exists(Path.Combine(dir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")))
            {
                Directory.CreateDirectory(dir);
                var npm = await ProcessRunner.RunAsync(Require.Tool("npm"), ["install", "--no-audit", "--no-fund", "--prefix", dir, "@modelcontextprotocol/sdk@1"],
                    timeout: TimeSpan.FromMinutes(5));
                Assert.True(npm.Succeeded, npm.ToString());
            }

            return dir;
        }
        finally
        {
            SdkInstall.Release();
        }
    }

    internal sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ipmirpc-mcp-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
