using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.Faults;

/// <summary>
/// ipmirpc → fault relay → ipmi_sim. Under each fault every request ends with its own right answer or a clear error
/// within its time bound, none gets another request's answer, and once the fault is removed everything is answered.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LossyNetworkTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int TimeoutMs = 300;
    private const int Retries = 3;

    public static TheoryData<string> Profiles => new(ProfileTable.Keys);

    private static readonly Dictionary<string, (FaultProfile Profile, int Seed)> ProfileTable = new()
    {
        ["drop"] = (new FaultProfile { Drop = 0.25 }, 101),
        ["delay"] = (new FaultProfile { Delay = 0.5, MaxDelayMs = 450 }, 102),
        ["duplicate"] = (new FaultProfile { Duplicate = 0.5 }, 103),
        ["reorder"] = (new FaultProfile { Reorder = 0.4 }, 104),
        ["truncate"] = (new FaultProfile { Truncate = 0.2 }, 105),
        ["corrupt"] = (new FaultProfile { Corrupt = 0.2 }, 106),
        ["mixed"] = (new FaultProfile { Drop = 0.1, Duplicate = 0.1, Delay = 0.2, MaxDelayMs = 350, Reorder = 0.1, Truncate = 0.05, Corrupt = 0.05 }, 107),
    };

    /// <summary>
    /// Longest a request may take: the pool opens a session (Get Channel Auth Caps, Open Session, RAKP 1, RAKP 3, Set
    /// Session Privilege: 5 exchanges) and sends, and on a timeout re-opens and sends once more — each exchange at most
    /// (retries + 1) × timeout — plus slack for requests queued behind the open.
    /// </summary>
    internal static TimeSpan Bound(int timeoutMs, int retries) => TimeSpan.FromMilliseconds(2 * 6 * (retries + 1) * timeoutMs + 5000);

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Every_request_gets_its_own_answer_or_a_clear_error_and_the_session_recovers(string fault)
    {
        var (profile, seed) = ProfileTable[fault];
        seed = Seeds.Adjust(seed);
        await using var sim = await IpmiSim.StartAsync(RequestMix.SimOptions);
        await using var relay = new FaultRelay(sim.Port, seed);
        await using var rpc = await IpmiRpcProcess.StartAsync("--log-level warning", RequestMix.Env());
        var target = RequestMix.Target(relay.Port, TimeoutMs, Retries);
        var kinds = await RequestMix.LearnAsync(rpc, target);
        Assert.True(kinds.Count >= 20, $"only {kinds.Count} distinguishable request kinds");

        relay.Faults = profile;
        var tally = Ledger.NewTally($"lossy network: {fault}");
        var bound = Bound(TimeoutMs, Retries);
        // Unauthenticated handshake packets that were mangled may fail the handshake in their own way (a corrupted
        // RAKP 2 no longer proves the password: -32003; a corrupted status byte: -32002/-32007). Those count as clear
        // errors only when the relay did mangle such a packet.
        bool IsClear(int code) => code is -32004 or -32008 || (relay.MangledHandshake > 0 && code is -32003 or -32002 or -32007);
        await RequestMix.RunAsync(rpc, _ => target, _ => kinds, 1, count: 100, concurrency: 8, tally, bound, IsClear, new Random(seed));
        var faulted = relay.Describe();

        relay.Faults = FaultProfile.None;
        var recovery = Ledger.NewTally($"lossy network: {fault}, after removal");
        // A refusal status that reached ipmirpc (the BMC refusing a corrupted RAKP 1 or 3, or a status byte the relay
        // mangled into one) must hold those credentials back for a while: the BMC may have counted a failed login.
        // Then, and only then, the requests after the fault may be refused with -32003.
        var refusals = relay.RefusalsDelivered;
        await RequestMix.RunAsync(rpc, _ => target, _ => kinds, 1, count: 40, concurrency: 4, recovery, bound,
            code => refusals > 0 && code == -32003, new Random(seed + 1));

        Ledger.Fault($"{fault}: {profile} (seed {seed}) — relay {faulted}");
        Log(tally.ToString());
        Log(recovery.ToString());
        Log("relay: " + faulted + $", credential refusals delivered {refusals}");
        foreach (var problem in tally.Problems.Concat(recovery.Problems))
            Log(problem);
        Assert.True(tally.Lost == 0 && tally.Wrong == 0, tally + "\n" + string.Join("\n", tally.Problems) + "\n" + Tail(rpc.StdErrText));
        Assert.Equal(tally.Sent, tally.Answered + tally.ClearErrors);
        Assert.True(tally.Answered > 0, "nothing got through under " + fault);
        Assert.True(recovery.Lost == 0 && recovery.Wrong == 0, recovery + "\n" + string.Join("\n", recovery.Problems));
        Assert.True(recovery.Answered == recovery.Sent || refusals > 0, recovery + "\n" + string.Join("\n", recovery.Problems) + "\n" + Tail(rpc.StdErrText));
        Assert.True(relay.Forwarded > 0);
        Assert.False(rpc.HasExited);
        Assert.True(
            relay.Dropped + relay.Duplicated + relay.Delayed + relay.Reordered + relay.Truncated + relay.Corrupted > 0,
            "the relay injected no fault: " + faulted);
    }

    internal static string Tail(string text, int chars = 4000) => text.Length <= chars ? text : text[^chars..];
}
