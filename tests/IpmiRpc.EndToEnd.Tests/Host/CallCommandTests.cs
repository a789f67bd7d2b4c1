using System.Text.RegularExpressions;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// <c>ipmirpc call</c> runs one method without the JSON-RPC server: its output must be what <c>serve</c> answers for the
/// same request, against a real BMC simulator, with logs on stderr only.
/// </summary>
public sealed class CallCommandTests
{
    private const string PasswordVariable = "IPMIRPC_TEST_BMC_PASSWORD";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static JObject Target(IpmiSim sim) => new()
    {
        ["host"] = sim.Host,
        ["port"] = sim.Port,
        ["username"] = sim.User,
        ["passwordEnv"] = PasswordVariable,
        ["cipherSuite"] = 3,
    };

    private static Task<ToolResult> CallAsync(IpmiSim sim, string method, JObject @params, params string[] extra) =>
        ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["call", method, "--params", @params.ToString(Formatting.None), .. extra],
            env: new Dictionary<string, string> { [PasswordVariable] = sim.Password }, timeout: Wait);

    [Fact]
    public async Task Results_and_errors_equal_what_serve_answers_for_the_same_request()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync((string?)null, new Dictionary<string, string> { [PasswordVariable] = sim.Password });
        var cases = new (string Method, JObject Params)[]
        {
            ("bmc.getDeviceId", new JObject { ["target"] = Target(sim) }),
            ("ipmi.requestResponse", new JObject { ["target"] = Target(sim), ["netFn"] = 6, ["command"] = 1 }),
            ("ipmi.requestResponse", new JObject { ["target"] = Target(sim), ["netFn"] = 6, ["command"] = 0x58, ["data"] = "01" }),
            ("bmc.getDeviceId", new JObject { ["target"] = Target(sim), ["verbose"] = true }),
            ("bmc.getDeviceId", new JObject { ["target"] = Target(sim), ["timeoutMs"] = 0 }),
            ("no.such.method", new JObject()),
        };
        foreach (var (method, @params) in cases)
        {
            var served = await rpc.CallAsync(method, @params, Wait);
            var called = await CallAsync(sim, method, @params);
            if (served["error"] is JObject error)
            {
                var code = (int)error["code"]!;
                Assert.Equal(code is -32700 or -32600 or -32601 or -32602 ? 2 : 1, called.ExitCode);
                Assert.Equal("", called.StdOut);
                Assert.True(JToken.DeepEquals(error, JToken.Parse(called.StdErr)), $"{method}: serve {error}\ncall {called.StdErr}");
            }
            else
            {
                Assert.True(called.ExitCode == 0, called.ToString());
                Assert.True(JToken.DeepEquals(served["result"], JToken.Parse(called.StdOut)), $"{method}: serve {served["result"]}\ncall {called.StdOut}");
            }
        }
    }

    [Fact]
    public async Task Logs_go_to_stderr_one_line_each_and_stdout_is_only_the_result()
    {
        await using var sim = await IpmiSim.StartAsync();
        var result = await CallAsync(sim, "bmc.getDeviceId", new JObject { ["target"] = Target(sim) }, "--log-level", "trace");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotNull(JObject.Parse(result.StdOut)["firmwareVersion"]);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            Assert.Matches(new Regex(@"^\d\d:\d\d:\d\d\.\d{3} (trce|dbug|info|warn|fail|crit): [\w.]+\[\d+\]( |$)"), line);
        }

        Assert.Contains(lines, l => l.Contains("Closed 1 sessions", StringComparison.Ordinal));
    }
}
