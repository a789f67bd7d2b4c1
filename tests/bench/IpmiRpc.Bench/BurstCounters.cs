using System.Globalization;
using System.Text.Json;

namespace IpmiRpc.Bench;

/// <summary>
/// BENCH_BURST_DIAG: what one burst round cost, from the session's own counters (sessions.list), the CPU of ipmirpc and
/// of the simulator, the kernel's UDP drop counter and the load average, so a slow round can be told apart: a
/// retransmit wait, a window halving, or a process that did not get a core.
/// </summary>
internal sealed record BurstCounters(
    double RpcCpuMs, double SimulatorCpuMs, double RpcWaitMs, double SimulatorWaitMs, long RcvbufErrors, long Retransmits, long LateAnswers, long Rejected,
    long WindowReductions, long WindowUndone, long Window, double SmoothedRttMs, string LoadAverage, double DriverCpuMs, double DriverWaitMs)
{
    public static async Task<BurstCounters> ReadAsync(RpcClient rpc, Func<double> simulatorCpuMs, Func<double> simulatorWaitMs)
    {
        // Both from schedstat (ns): /proc/PID/stat's 10 ms ticks were too coarse for rounds of 30–80 ms of CPU.
        var rpcCpu = ProcStatus.RunTimeMs(rpc.Pid);
        var simCpu = simulatorCpuMs();
        var rpcWait = ProcStatus.RunQueueWaitMs(rpc.Pid);
        var simWait = simulatorWaitMs();
        var drops = ProcStatus.UdpRcvbufErrors();
        using var doc = JsonDocument.Parse(await rpc.CallAsync("sessions.list", "{}"));
        long retransmits = 0, late = 0, rejected = 0, reductions = 0, undone = 0, window = 0;
        var srtt = double.NaN;
        foreach (var session in Sessions(doc.RootElement))
        {
            retransmits += Long(session, "packetsRetransmitted");
            late += Long(session, "lateAnswers");
            rejected += Long(session, "packetsRejected");
            reductions += Long(session, "windowReductions");
            undone += Long(session, "windowReductionsUndone");
            window = Long(session, "window");
            if (session.TryGetProperty("smoothedRttMs", out var s) && s.ValueKind == JsonValueKind.Number)
            {
                srtt = s.GetDouble();
            }
        }

        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return new BurstCounters(rpcCpu, simCpu, rpcWait, simWait, drops, retransmits, late, rejected, reductions, undone, window, srtt, load,
            ProcStatus.RunTimeMs(Environment.ProcessId), ProcStatus.RunQueueWaitMs(Environment.ProcessId));
    }

    public string Since(BurstCounters before) => string.Create(CultureInfo.InvariantCulture,
        $"ipmirpc CPU {RpcCpuMs - before.RpcCpuMs:0} ms, ipmi_sim CPU {SimulatorCpuMs - before.SimulatorCpuMs:0} ms, " +
        $"waiting for a core: ipmirpc {RpcWaitMs - before.RpcWaitMs:0} ms, ipmi_sim {SimulatorWaitMs - before.SimulatorWaitMs:0} ms, " +
        $"retransmits +{Retransmits - before.Retransmits}, late answers +{LateAnswers - before.LateAnswers}, rejected +{Rejected - before.Rejected}, " +
        $"window halvings +{WindowReductions - before.WindowReductions} (undone +{WindowUndone - before.WindowUndone}), window now {Window}, SRTT {SmoothedRttMs:0.###} ms, " +
        $"RcvbufErrors +{RcvbufErrors - before.RcvbufErrors}, load {LoadAverage}, bench driver CPU {DriverCpuMs - before.DriverCpuMs:0} ms (waiting {DriverWaitMs - before.DriverWaitMs:0} ms)");

    // sessions.list answers {"result": {"sessions": [...]}} or a bare array, depending on the method's declaration.
    private static IEnumerable<JsonElement> Sessions(JsonElement root)
    {
        var result = root.TryGetProperty("result", out var r) ? r : root;
        if (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("sessions", out var list))
        {
            result = list;
        }

        // The transport's counters sit in each session's details.
        return result.ValueKind == JsonValueKind.Array
            ? result.EnumerateArray().Select(e => e.TryGetProperty("details", out var d) ? d : e).ToArray()
            : [];
    }

    private static long Long(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
}
