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

    /// <summary>
    /// Issue 20: a second SIGTERM/SIGINT during a graceful shutdown exits at once. The first signal's shutdown is held
    /// here by a client that stopped reading: answers wait on a full stdout pipe, and --shutdown-grace 600 gives
    /// them ten minutes, so only the second signal can end the process. Its exit code is the shell's 128 + signal.
    /// </summary>
    [Theory]
    [InlineData("TERM", "TERM", 143)]
    [InlineData("TERM", "INT", 130)]
    public async Task A_second_signal_during_a_held_graceful_shutdown_exits_at_once(string first, string second, int exitCode)
    {
        var start = new ProcessStartInfo(IpmiRpcProcess.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true, // read no further than the start of a large answer: the pipe fills
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--log-level", "information", "--shutdown-grace", "600" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        process.BeginErrorReadLine();
        try
        {
            // An answer read means the host serves, so its signal handlers are in place.
            await process.StandardInput.WriteLineAsync("""{"jsonrpc":"2.0","id":"up","method":"sessions.list"}""");
            await process.StandardInput.FlushAsync();
            using (var upAnswer = new CancellationTokenSource(Poll.DefaultLimit))
            {
                Assert.Contains("\"up\"", await process.StandardOutput.ReadLineAsync(upAnswer.Token), StringComparison.Ordinal);
            }

            // Each answer is the whole OpenRPC document (about 80 KB), more than a pipe holds (64 KiB). Once the first
            // has started to arrive stdout is read no more: the host is then stuck writing it.
            for (var i = 0; i < 4; i++)
            {
                await process.StandardInput.WriteLineAsync($$"""{"jsonrpc":"2.0","id":{{i}},"method":"rpc.discover"}""");
            }

            await process.StandardInput.FlushAsync();
            using (var started = new CancellationTokenSource(Poll.DefaultLimit))
            {
                var one = new char[1];
                Assert.Equal(1, await process.StandardOutput.ReadAsync(one, started.Token));
            }

            await Signal(process.Id, first);
            // The first signal was taken: reading stopped, and the shutdown now waits for answers that cannot be written.
            await Poll.UntilAsync(() => stderr.Any(l => l.Contains("SIGTERM: stopping", StringComparison.Ordinal) || l.Contains("SIGINT: stopping", StringComparison.Ordinal)), "the graceful shutdown to start");
            Assert.False(process.HasExited, "the first signal alone must not end a shutdown held by unwritten answers");

            await Signal(process.Id, second);
            using var bound = new CancellationTokenSource(Poll.DefaultLimit);
            await process.WaitForExitAsync(bound.Token);
            Assert.Equal(exitCode, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    private static async Task Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
