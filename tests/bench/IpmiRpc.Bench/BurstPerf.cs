using System.Diagnostics;
using System.Globalization;

namespace IpmiRpc.Bench;

/// <summary>
/// BENCH_BURST_DIAG with BENCH_BURST_PERF=1: `perf record -g` on the server over all timed burst rounds, on the
/// monotonic clock, so one round's samples can be cut out afterwards with the window printed for it
/// (`perf report -i FILE --time START,END`). File: BENCH_BURST_PERF_OUT, else /tmp/ipmirpc-burst.perf.data.
/// BENCH_BURST_PERF_EVENTS=sched:sched_wakeup,sched:sched_switch records those events (each with the stack of the
/// thread it happened on: for a wake-up, the waker's) instead of CPU samples: who wakes which thread, per round.
/// </summary>
internal sealed class BurstPerf : IDisposable
{
    private readonly Process _perf;

    private BurstPerf(Process perf) => _perf = perf;

    public static BurstPerf? Start(int pid, string workDir)
    {
        if (Environment.GetEnvironmentVariable("BENCH_BURST_PERF") != "1")
        {
            return null;
        }

        var output = Environment.GetEnvironmentVariable("BENCH_BURST_PERF_OUT") is { Length: > 0 } o ? o : "/tmp/ipmirpc-burst.perf.data";
        var psi = new ProcessStartInfo("perf") { UseShellExecute = false, RedirectStandardError = true };
        var events = Environment.GetEnvironmentVariable("BENCH_BURST_PERF_EVENTS");
        string[] what = events is { Length: > 0 } ? ["-e", events] : ["-F", "2000"];
        foreach (var a in (string[])["record", "-g", "-k", "CLOCK_MONOTONIC", .. what, "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", output])
        {
            psi.ArgumentList.Add(a);
        }

        var perf = Process.Start(psi) ?? throw new InvalidOperationException("cannot start perf");
        perf.BeginErrorReadLine();
        Console.Error.WriteLine($"burst perf: recording pid {pid} to {output}");
        Thread.Sleep(500); // perf attaches asynchronously; a bench diagnostic, not a test
        return new BurstPerf(perf);
    }

    /// <summary>A Stopwatch timestamp (CLOCK_MONOTONIC on Linux) in perf's seconds.nanoseconds form.</summary>
    public static string Seconds(long timestamp)
    {
        var ns = (long)(timestamp * (1e9 / Stopwatch.Frequency));
        return string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000_000}.{ns % 1_000_000_000:D9}");
    }

    public void Dispose()
    {
        using var kill = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (!_perf.WaitForExit(30_000))
        {
            _perf.Kill();
        }

        _perf.Dispose();
    }
}
