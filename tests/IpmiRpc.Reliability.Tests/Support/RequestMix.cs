using System.Diagnostics;
using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Reliability.Tests.Support;

/// <summary>One raw request whose answer differs from every other kind's, so a mixed-up answer is detectable.</summary>
public sealed record RequestKind(string Name, int NetFn, int Command, string Data)
{
    public JObject Params(JObject target) => new()
    {
        ["target"] = target,
        ["netFn"] = NetFn,
        ["command"] = Command,
        ["data"] = Data,
    };
}

/// <summary>
/// Requests with distinguishable answers from ipmi_sim: Get Device ID, Get LAN Configuration
/// parameter N, Get User Name N (extra users with distinct names), Get User Access N. The expected answer of each is
/// learned from the simulator without faults; kinds whose answers are not unique are dropped.
/// </summary>
public static class RequestMix
{
    public const string PasswordEnv = "IPMIRPC_RELIABILITY_PW";

    /// <summary>Extra simulator users "rel03".."rel12" so Get User Name N answers differ per N.</summary>
    public static IReadOnlyList<(string User, string Password)> ExtraUsers { get; } =
        Enumerable.Range(3, 10).Select(n => ($"rel{n:00}", $"pw{n:00}")).ToArray();

    public static IpmiSimOptions SimOptions => new() { ExtraUsers = ExtraUsers };

    public static IEnumerable<RequestKind> Candidates()
    {
        yield return new RequestKind("GetDeviceId", 0x06, 0x01, "");
        // Not Get Channel Info: its answer carries the count of active sessions, which changes as sessions come and go.
        foreach (var p in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24 })
            yield return new RequestKind($"GetLanConfig({p})", 0x0C, 0x02, $"01{p:x2}0000");
        for (var u = 1; u <= 12; u++)
        {
            yield return new RequestKind($"GetUserName({u})", 0x06, 0x46, $"{u:x2}");
            yield return new RequestKind($"GetUserAccess(1,{u})", 0x06, 0x44, $"01{u:x2}");
        }
    }

    public static JObject Target(int port, int timeoutMs = 300, int retries = 3, string user = "ipmiusr") => new()
    {
        ["host"] = "127.0.0.1",
        ["port"] = port,
        ["username"] = user,
        ["passwordEnv"] = PasswordEnv,
        ["cipherSuite"] = 3,
        ["timeoutMs"] = timeoutMs,
        ["retries"] = retries,
    };

    public static Dictionary<string, string> Env(string password = "test") => new() { [PasswordEnv] = password };

    /// <summary>Learns each kind's answer (hex) without faults; keeps only kinds with a unique successful answer.</summary>
    public static async Task<IReadOnlyList<(RequestKind Kind, string Hex)>> LearnAsync(IpmiRpcProcess rpc, JObject target)
    {
        var answers = new List<(RequestKind, string)>();
        foreach (var kind in Candidates())
        {
            var r = await rpc.CallAsync("ipmi.requestResponse", kind.Params(target), TimeSpan.FromSeconds(20));
            if (r["result"]?["hex"]?.ToString() is { } hex)
                answers.Add((kind, hex));
        }

        return answers.GroupBy(a => a.Item2).Where(g => g.Count() == 1).Select(g => g.Single()).ToArray();
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests (random kinds, <paramref name="concurrency"/> in flight) and sorts each
    /// outcome into the tally: the learned answer → answered; an error with a code in <paramref name="clearCodes"/> →
    /// clear error; any other answer or error → wrong; no answer within <paramref name="bound"/> → lost.
    /// </summary>
    public static async Task RunAsync(
        IpmiRpcProcess rpc, Func<int, JObject> targetFor, Func<int, IReadOnlyList<(RequestKind Kind, string Hex)>> kindsFor, int targets,
        int count, int concurrency, Tally tally, TimeSpan bound, Func<int, bool> isClear, Random random, CancellationToken stop = default)
    {
        using var gate = new SemaphoreSlim(concurrency);
        var tasks = new List<Task>();
        for (var i = 0; i < count && !stop.IsCancellationRequested; i++)
        {
            await gate.WaitAsync();
            int t;
            int pick;
            lock (random)
            {
                t = random.Next(targets);
                pick = random.Next(1 << 20);
            }

            var kinds = kindsFor(t);
            var (kind, hex) = kinds[pick % kinds.Count];
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    await OneAsync(rpc, targetFor(t), kind, hex, tally, bound, isClear, $"target {t}");
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await Task.WhenAll(tasks);
    }

    public static async Task OneAsync(IpmiRpcProcess rpc, JObject target, RequestKind kind, string hex, Tally tally, TimeSpan bound, Func<int, bool> isClear, string where)
    {
        tally.OnSent();
        var sw = Stopwatch.StartNew();
        JObject r;
        try
        {
            r = await rpc.CallAsync("ipmi.requestResponse", kind.Params(target), bound);
        }
        catch (TimeoutException)
        {
            tally.OnLost($"{kind.Name} on {where}: no answer within {bound.TotalSeconds:0.#} s");
            return;
        }

        var ms = sw.ElapsedMilliseconds;
        if (r["result"] is JObject result)
        {
            var got = result["hex"]?.ToString();
            if (got == hex)
                tally.OnAnswered(ms);
            else
                tally.OnWrong($"{kind.Name} on {where}: got {got}, expected {hex}");
            return;
        }

        var code = r["error"]?["code"]?.Value<int>() ?? 0;
        if (isClear(code))
            tally.OnClearError(code, ms);
        else
            tally.OnWrong($"{kind.Name} on {where}: error {code.ToString(CultureInfo.InvariantCulture)} {r["error"]?["message"]}");
    }
}
