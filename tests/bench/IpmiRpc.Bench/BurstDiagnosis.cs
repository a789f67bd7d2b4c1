namespace IpmiRpc.Bench;

/// <summary>
/// BENCH_BURST_DIAG: what each burst round cost, from the session's counters, both processes' threads, the server's
/// runtime (startup hook) and the driver's own threads. The untimed bursts read it too and drop the text, so the
/// driver's reading code reaches tier 1 before the timed rounds: read for the first time in them, its tier-up took
/// 20–40 ms of a core in some rounds and those were the slow ones.
/// </summary>
internal sealed class BurstDiagnosis
{
    private readonly RpcClient _rpc;
    private readonly Func<double> _simulatorCpuMs;
    private readonly Func<double> _simulatorWaitMs;
    private readonly string? _diagSocket;
    private BurstCounters _counters;
    private RuntimeSnapshot? _runtime;
    private ThreadTally _threads;
    private ThreadTally _driverThreads;
    private long _driverJit;

    private BurstDiagnosis(RpcClient rpc, Func<double> simulatorCpuMs, Func<double> simulatorWaitMs, string? diagSocket, BurstCounters counters)
    {
        _rpc = rpc;
        _simulatorCpuMs = simulatorCpuMs;
        _simulatorWaitMs = simulatorWaitMs;
        _diagSocket = diagSocket;
        _counters = counters;
        _runtime = diagSocket is null ? null : RuntimeSnapshot.Read(diagSocket);
        _threads = ThreadTally.Read(rpc.Pid);
        _driverThreads = ThreadTally.Read(Environment.ProcessId);
        _driverJit = System.Runtime.JitInfo.GetCompiledMethodCount();
    }

    public static async Task<BurstDiagnosis> StartAsync(RpcClient rpc, Func<double> simulatorCpuMs, Func<double> simulatorWaitMs, string? diagSocket) =>
        new(rpc, simulatorCpuMs, simulatorWaitMs, diagSocket, await BurstCounters.ReadAsync(rpc, simulatorCpuMs, simulatorWaitMs));

    /// <summary>Everything since the last call, as the lines printed under a round.</summary>
    public async Task<string> SinceLastAsync()
    {
        var counters = await BurstCounters.ReadAsync(_rpc, _simulatorCpuMs, _simulatorWaitMs);
        var runtime = _diagSocket is null ? null : RuntimeSnapshot.Read(_diagSocket);
        var threads = ThreadTally.Read(_rpc.Pid);
        var driverThreads = ThreadTally.Read(Environment.ProcessId);
        var driverJit = System.Runtime.JitInfo.GetCompiledMethodCount();
        var text = $"{counters.Since(_counters)}\n" +
            $"  runtime: {(runtime is not null && _runtime is not null ? runtime.Since(_runtime) : "n/a (no startup hook)")}\n" +
            $"  threads (CPU, switches voluntary/involuntary): {threads.Since(_threads)}\n" +
            $"  bench driver's threads: {driverThreads.Since(_driverThreads)}; driver's JIT +{driverJit - _driverJit} methods";
        (_counters, _runtime, _threads, _driverThreads, _driverJit) = (counters, runtime, threads, driverThreads, driverJit);
        return text;
    }
}
