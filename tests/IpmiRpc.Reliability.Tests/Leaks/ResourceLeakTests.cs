using IpmiRpc.Reliability.Tests.Faults;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.Leaks;

/// <summary>File descriptors, threads and memory of ipmirpc stay flat over 10,000 requests and 100 session re-opens.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ResourceLeakTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int Requests = 10_000;
    private const int Reopens = 100;
    private const int FdTolerance = 6;
    private const int ThreadTolerance = 8;
    private const long RssToleranceKb = 48 * 1024;

    [Fact]
    public async Task Descriptors_threads_and_memory_stay_flat_over_10000_requests_and_100_reopens()
    {
        await using var sim = await IpmiSim.StartAsync(RequestMix.SimOptions);
        await using var rpc = await IpmiRpcProcess.StartAsync("--log-level warning", RequestMix.Env());
        var target = RequestMix.Target(sim.Port, 500, 3);
        var kinds = await RequestMix.LearnAsync(rpc, target);
        var bound = LossyNetworkTests.Bound(500, 3);
        var random = new Random(Seeds.Adjust(401));

        // Warm up (JIT, thread pool, socket, first sessions) before taking the baseline.
        var warm = new Tally("warm-up");
        for (var i = 0; i < 5; i++)
        {
            await RequestMix.RunAsync(rpc, _ => target, _ => kinds, 1, 200, 16, warm, bound, _ => false, random);
            await CloseSessionsAsync(rpc);
        }

        Assert.Equal(warm.Sent, warm.Answered);
        var before = await SettledAsync(rpc.ProcessId);

        var tally = Ledger.NewTally($"leaks: {Requests} requests, {Reopens} session re-opens");
        var perBatch = Requests / Reopens;
        var peak = before;
        for (var batch = 0; batch < Reopens; batch++)
        {
            await RequestMix.RunAsync(rpc, _ => target, _ => kinds, 1, perBatch, 16, tally, bound, _ => false, random);
            Assert.Equal(1, await CloseSessionsAsync(rpc));
            if (batch % 10 == 9)
            {
                var now = ProcStats.Of(rpc.ProcessId);
                peak = new ProcStats(Math.Max(peak.FileDescriptors, now.FileDescriptors), Math.Max(peak.Threads, now.Threads), Math.Max(peak.RssKb, now.RssKb));
                Log($"after {(batch + 1) * perBatch} requests: {now}");
            }
        }

        var after = await SettledAsync(rpc.ProcessId);

        // The BMC agrees: sessions were closed, not abandoned (ipmi_sim allows 63 at once; 100 re-opens would run out).
        var channel = await rpc.CallAsync("ipmi.requestResponse", new JObject { ["target"] = target, ["netFn"] = 6, ["command"] = 0x42, ["data"] = "01" }, bound);
        var activeSessions = channel["result"]!["data"]![3]!.Value<int>() & 0x3F;

        var line = $"leaks over {Requests} requests + {Reopens} re-opens: before {before}; after {after}; peak {peak}; BMC active sessions {activeSessions}";
        Log(line);
        Log(tally.ToString());
        Ledger.Leak(line);
        Assert.True(tally.Answered == Requests, tally + "\n" + string.Join("\n", tally.Problems));
        Assert.True(after.FileDescriptors <= before.FileDescriptors + FdTolerance, line);
        Assert.True(after.Threads <= before.Threads + ThreadTolerance, line);
        Assert.True(after.RssKb <= before.RssKb + RssToleranceKb, line);
        Assert.True(activeSessions <= 2, line);
        Assert.Equal(0, await rpc.CloseInputAndWaitAsync(TimeSpan.FromSeconds(20)));
    }

    /// <summary>
    /// The process's counts once they stop moving (threads and descriptors unchanged over 10 samples 20 ms apart):
    /// sampling while the last batch's work winds down would measure that, not a leak.
    /// </summary>
    private static async Task<ProcStats> SettledAsync(int pid)
    {
        var last = ProcStats.Of(pid);
        var unchanged = 0;
        await Poll.UntilAsync(
            () =>
            {
                var now = ProcStats.Of(pid);
                unchanged = now.Threads == last.Threads && now.FileDescriptors == last.FileDescriptors ? unchanged + 1 : 0;
                last = now;
                return unchanged >= 10;
            },
            "thread and descriptor counts to settle");
        return last;
    }

    private static async Task<int> CloseSessionsAsync(IpmiRpcProcess rpc)
    {
        var r = await rpc.CallAsync("sessions.close", new JObject(), TimeSpan.FromSeconds(20));
        return r["result"]!["closed"]!.Value<int>();
    }
}
