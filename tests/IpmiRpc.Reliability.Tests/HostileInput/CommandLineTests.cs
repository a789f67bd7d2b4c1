using System.Diagnostics;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileInput;

/// <summary>The process as scripts start it: usage errors, signals.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CommandLineTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    /// <summary>Issue 20: a bad option printed the help text to stdout (where a client expects JSON) and exited 1.</summary>
    [Theory]
    [InlineData("--no-such-option")]
    [InlineData("serve --framing bogus")]
    [InlineData("call")]
    [InlineData("no-such-command")]
    public async Task Usage_errors_go_to_stderr_with_exit_2_and_nothing_on_stdout(string args)
    {
        var result = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, args.Split(' '), stdin: "");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Contains("ipmirpc:", result.StdErr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 20: SIGTERM waited for the requests in flight (28.7 s seen). Now it cancels them (-32800), closes the
    /// sessions within a bounded grace and exits 0; a request to a BMC that never answers, with 60 s × 21 attempts
    /// of budget, must not hold the exit.
    /// </summary>
    [Fact]
    public async Task Sigterm_cancels_a_request_in_flight_and_exits_zero()
    {
        await using var host = RawHost.Start(["--log-level", "warning"], new Dictionary<string, string> { ["IPMIRPC_UNUSED_PW"] = "unused" });
        var target = new JObject
        {
            ["host"] = "127.0.0.1", ["port"] = Ports.GetFreeUdpPort(), ["username"] = "nobody", ["passwordEnv"] = "IPMIRPC_UNUSED_PW",
            ["cipherSuite"] = 3, ["timeoutMs"] = 60000, ["retries"] = 20,
        };
        await host.WriteLineAsync(new JObject { ["jsonrpc"] = "2.0", ["id"] = "slow", ["method"] = "bmc.getDeviceId", ["params"] = new JObject { ["target"] = target } }.ToString(Newtonsoft.Json.Formatting.None));
        // Answered after the slow request was dispatched (input is read in order): it is in flight now.
        Assert.True((await host.CallAsync("sessions.list", new JObject(), TimeSpan.FromSeconds(30)))["result"] is JArray);

        using (var kill = Process.Start("kill", ["-TERM", host.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var answer = await host.ReadJsonAsync(TimeSpan.FromSeconds(30));
        Assert.NotNull(answer);
        Assert.Equal("slow", (string?)answer["id"]);
        Assert.Equal(-32800, (int?)answer["error"]?["code"]);
        Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(30)));
    }
}
