using System.Diagnostics;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.Faults;

/// <summary>Several simulators behind one ipmirpc, killed (SIGKILL) and restarted while thousands of requests run.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class BmcRestartTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int Sims = 3;
    private const int Requests = 5000;
    private const int TimeoutMs = 200;
    private const int Retries = 2;

    [Fact]
    public async Task Killing_and_restarting_BMCs_under_load_loses_nothing_and_mixes_nothing_up()
    {
        var seed = Seeds.Adjust(201);
        var sims = new List<IpmiSim>();
        try
        {
            for (var i = 0; i < Sims; i++)
                sims.Add(await IpmiSim.StartAsync(RequestMix.SimOptions));
            await using var rpc = await IpmiRpcProcess.StartAsync("--log-level warning", RequestMix.Env());
            var targets = sims.Select(s => RequestMix.Target(s.Port, TimeoutMs, Retries)).ToArray();
            var kinds = new List<IReadOnlyList<(RequestKind, string)>>();
            foreach (var t in targets)
            {
                var k = await RequestMix.LearnAsync(rpc, t);
                Assert.True(k.Count >= 20, $"only {k.Count} distinguishable request kinds");
                kinds.Add(k);
            }

            var tally = Ledger.NewTally($"BMC restarts: {Sims} simulators, {Requests} requests");
            var bound = LossyNetworkTests.Bound(TimeoutMs, Retries);
            using var stop = new CancellationTokenSource();
            var restarts = 0;
            var sw = Stopwatch.StartNew();
            var load = RequestMix.RunAsync(rpc, t => targets[t], t => kinds[t], Sims, Requests, concurrency: 16, tally, bound,
                code => code is -32004 or -32008, new Random(seed));
            var chaos = Task.Run(async () =>
            {
                var random = new Random(seed + 1);
                // Bounded: the load finishes in well under a minute; stop restarting when it does (or after 60 restarts).
                while (!load.IsCompleted && restarts < 60)
                {
                    var sim = sims[random.Next(sims.Count)];
                    await sim.StopAsync();
                    await Task.Delay(random.Next(100, 2000)); // long enough, at times, for requests to run out of retries
                    await sim.StartAgainAsync();
                    restarts++;
                    await Task.Delay(random.Next(200, 600));
                }
            });
            await load;
            await chaos;
            var elapsed = sw.Elapsed;

            // Every simulator is up again: everything must be answered now.
            var after = Ledger.NewTally("BMC restarts: after the last restart");
            await RequestMix.RunAsync(rpc, t => targets[t], t => kinds[t], Sims, 150, concurrency: 8, after, bound, _ => false, new Random(seed + 2));

            Ledger.Fault($"BMC restarts: {restarts} SIGKILL+restart of {Sims} simulators during {Requests} requests in {elapsed.TotalSeconds:0.0} s (seed {seed})");
            Log(tally.ToString());
            Log(after.ToString());
            foreach (var p in tally.Problems.Concat(after.Problems))
                Log(p);
            Assert.True(restarts >= 3, $"only {restarts} restarts happened");
            Assert.True(tally.Lost == 0 && tally.Wrong == 0, tally + "\n" + string.Join("\n", tally.Problems) + "\n" + LossyNetworkTests.Tail(rpc.StdErrText));
            Assert.Equal(tally.Sent, tally.Answered + tally.ClearErrors);
            Assert.True(after.Answered == after.Sent, after + "\n" + string.Join("\n", after.Problems));
            Assert.False(rpc.HasExited);
            var sessions = await rpc.CallAsync("sessions.list", new JObject(), TimeSpan.FromSeconds(10));
            Log("sessions at the end: " + ((JArray)sessions["result"]!).Count);
        }
        finally
        {
            foreach (var sim in sims)
                await sim.DisposeAsync();
        }
    }
}
