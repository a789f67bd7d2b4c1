using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace IpmiRpc.Bench;

/// <summary>
/// BENCH_BURST_DIAG: the server's runtime counters, read through the startup hook's socket (<see cref="StartupHook"/>),
/// and its threads' CPU and context switches by thread name (/proc/PID/task/*), so a slow round can be put down to GC,
/// the thread pool, lock contention, the JIT or one kind of thread.
/// </summary>
internal sealed record RuntimeSnapshot(
    long Gen0, long Gen1, long Gen2, double GcPauseMs, long WorkItems, long PoolThreads, long Contentions, long AllocatedBytes,
    long JitMethods, double JitMs)
{
    public static RuntimeSnapshot? Read(string socketPath)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.ReceiveTimeout = 5000;
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            socket.Send("?\n"u8);
            var buffer = new byte[512];
            var text = new StringBuilder();
            while (!text.ToString().Contains('\n'))
            {
                var n = socket.Receive(buffer);
                if (n == 0)
                {
                    break;
                }

                text.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }

            var f = text.ToString().Trim().Split(' ');
            long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new RuntimeSnapshot(L(0), L(1), L(2), D(3), L(4), L(5), L(6), L(7), L(8), D(9));
        }
        catch (Exception e) when (e is SocketException or IOException or FormatException or IndexOutOfRangeException)
        {
            return null; // NativeAOT (no startup hooks) or the hook not loaded
        }
    }

    public string Since(RuntimeSnapshot before) => string.Create(CultureInfo.InvariantCulture,
        $"GC gen0/1/2 +{Gen0 - before.Gen0}/+{Gen1 - before.Gen1}/+{Gen2 - before.Gen2} pause {GcPauseMs - before.GcPauseMs:0.#} ms, " +
        $"allocated {(AllocatedBytes - before.AllocatedBytes) / 1024} KB, pool items +{WorkItems - before.WorkItems} threads {PoolThreads}, " +
        $"lock contentions +{Contentions - before.Contentions}, JIT +{JitMethods - before.JitMethods} methods {JitMs - before.JitMs:0.#} ms");
}

/// <summary>CPU (ms) and context switches of a process's threads, summed by thread name.</summary>
internal sealed record ThreadTally(IReadOnlyDictionary<string, (double CpuMs, long Voluntary, long Involuntary, int Count)> ByName)
{
    public static ThreadTally Read(int pid)
    {
        var byName = new Dictionary<string, (double, long, long, int)>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    // schedstat's first field: ns on a CPU (stat's utime/stime are 10 ms ticks, too coarse for a round).
                    var schedstat = File.ReadAllText(Path.Combine(task, "schedstat"));
                    var cpu = long.Parse(schedstat.AsSpan(0, schedstat.IndexOf(' ')), CultureInfo.InvariantCulture) / 1e6;
                    long vol = 0, invol = 0;
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            vol = long.Parse(line.AsSpan(24).Trim(), CultureInfo.InvariantCulture);
                        }
                        else if (line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            invol = long.Parse(line.AsSpan(27).Trim(), CultureInfo.InvariantCulture);
                        }
                    }

                    var (c, v, i, n) = byName.GetValueOrDefault(name);
                    byName[name] = (c + cpu, v + vol, i + invol, n + 1);
                }
                catch (IOException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        catch (IOException)
        {
        }

        return new ThreadTally(byName);
    }

    /// <summary>Per thread name with any change: CPU ms, voluntary/involuntary switches, threads (a name new since before counts whole).</summary>
    public string Since(ThreadTally before) => string.Join("; ", ByName
        .Select(kv => (kv.Key, Now: kv.Value, Was: before.ByName.GetValueOrDefault(kv.Key)))
        .Select(t => (t.Key, Cpu: t.Now.CpuMs - t.Was.CpuMs, Vol: t.Now.Voluntary - t.Was.Voluntary, Invol: t.Now.Involuntary - t.Was.Involuntary, t.Now.Count))
        .Where(t => t.Cpu >= 0.05 || t.Vol > 0 || t.Invol > 0)
        .OrderByDescending(t => t.Cpu)
        .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key}×{t.Count} {t.Cpu:0.0} ms cs {t.Vol}/{t.Invol}")));
}
