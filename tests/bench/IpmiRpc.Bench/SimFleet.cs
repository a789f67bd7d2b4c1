using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpmiRpc.Bench;

/// <summary>
/// N ipmi_sim BMCs on a contiguous block of free loopback UDP ports (FreeIPMI's host ranges need contiguous
/// ports), each with its own temp dir built from tests/fixtures/ipmi_sim. Every PID goes to the pid file so
/// run.sh's trap can kill them even if this process dies.
/// </summary>
public sealed class SimFleet : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly string _dir;

    private SimFleet(int basePort, int count, string dir)
    {
        BasePort = basePort;
        Count = count;
        _dir = dir;
    }

    public int BasePort { get; }

    public int Count { get; }

    public IEnumerable<int> Ports => Enumerable.Range(BasePort, Count);

    public int LastPort => BasePort + Count - 1;

    /// <param name="extraEmu">Emu lines appended to sim.emu for every BMC (e.g. the sensor board).</param>
    public static async Task<SimFleet> StartAsync(int count, string fixtures, string pidFile, string workDir, string? extraEmu = null)
    {
        var basePort = FindFreeBlock(count);
        var dir = Path.Combine(workDir, $"sims-{basePort}");
        Directory.CreateDirectory(dir);
        var fleet = new SimFleet(basePort, count, dir);
        try
        {
            var template = await File.ReadAllLinesAsync(Path.Combine(fixtures, "lan.conf.in"));
            var emu = await File.ReadAllTextAsync(Path.Combine(fixtures, "sim.emu")) + "\n" + extraEmu;
            foreach (var port in fleet.Ports)
            {
                fleet.Launch(port, template, emu, pidFile);
            }

            // All start at once: a thousand on a busy machine take longer than one to answer their first request.
            await Task.WhenAll(fleet.Ports.Select(p => WaitReadyAsync(p, TimeSpan.FromSeconds(15 + (count / 10)))));
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    private void Launch(int port, string[] template, string emu, string pidFile)
    {
        var simDir = Path.Combine(_dir, port.ToString(CultureInfo.InvariantCulture));
        var state = Path.Combine(simDir, "state");
        Directory.CreateDirectory(state);
        var conf = new StringBuilder();
        foreach (var line in template)
        {
            if (line.Trim() is { Length: > 2 } t && t[0] == '@' && t[^1] == '@')
            {
                continue;
            }

            conf.Append(line.Replace("@PORT@", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)).Append('\n');
        }

        File.WriteAllText(Path.Combine(simDir, "lan.conf"), conf.ToString());
        File.WriteAllText(Path.Combine(simDir, "sim.emu"), emu);
        // exec keeps the PID: the one we record is the simulator itself.
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = simDir,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec ipmi_sim -c lan.conf -f sim.emu -s state -n </dev/null >sim.log 2>&1");
        var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start ipmi_sim");
        _processes.Add(p);
        File.AppendAllText(pidFile, p.Id.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    private static int FindFreeBlock(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var start = Random.Shared.Next(20000, 59999 - count);
            if (Enumerable.Range(start, count).All(IsUdpPortFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException($"no block of {count} free UDP ports");
    }

    private static bool IsUdpPortFree(int port)
    {
        try
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.ExclusiveAddressUse = true;
            s.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Session-less Get Channel Authentication Capabilities: any IPMI LAN BMC answers it and it opens nothing.
    private static readonly byte[] Probe =
    [
        0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x09,
        0x20, 0x18, 0xc8, 0x81, 0x00, 0x38, 0x8e, 0x04, 0xb5,
    ];

    private static async Task WaitReadyAsync(int port, TimeSpan timeout)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var buffer = new byte[512];
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            await udp.SendToAsync(Probe, SocketFlags.None, target);
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            try
            {
                var r = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                if (r.ReceivedBytes >= 4 && buffer[0] == 0x06)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new TimeoutException($"ipmi_sim on port {port} did not answer within {timeout.TotalSeconds} s");
    }

    /// <summary>Sum of the simulators' current RSS (KiB), for context in the memory table.</summary>
    /// <summary>User + system CPU of every simulator so far (ms).</summary>
    public double TotalCpuMs() => _processes.Where(p => !p.HasExited).Sum(p => ProcStatus.CpuMs(p.Id));

    /// <summary>Time the simulators' threads were runnable but waited for a core, so far (ms).</summary>
    public double TotalRunQueueWaitMs() => _processes.Where(p => !p.HasExited).Sum(p => ProcStatus.RunQueueWaitMs(p.Id));

    /// <summary>CPU of every simulator so far from schedstat (ms, to the nanosecond; see <see cref="ProcStatus.RunTimeMs"/>).</summary>
    public double TotalRunTimeMs() => _processes.Where(p => !p.HasExited).Sum(p => ProcStatus.RunTimeMs(p.Id));

    public long TotalRssKb() => _processes.Where(p => !p.HasExited).Sum(p => ProcStatus.ReadKb(p.Id, "VmRSS:"));

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            try
            {
                if (!p.HasExited)
                {
                    p.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        foreach (var p in _processes)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await p.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }

            p.Dispose();
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class ProcStatus
{
    /// <summary>User + system CPU time of a process so far (ms; 10 ms resolution), or 0 if gone.</summary>
    public static double CpuMs(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command (which may hold spaces) start after the last ')'; utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks * 1000.0 / 100;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Time every thread of a process spent runnable but waiting for a core (/proc/PID/task/*/schedstat, second field,
    /// ns), in ms; threads that ended are not counted. 0 without schedstats.
    /// </summary>
    public static double RunQueueWaitMs(int pid) => SchedstatMs(pid, 1);

    /// <summary>
    /// Time every thread of a process ran on a core (/proc/PID/task/*/schedstat, first field, ns), in ms: the CPU time
    /// to the nanosecond, where /proc/PID/stat counts 10 ms ticks; threads that ended are not counted.
    /// </summary>
    public static double RunTimeMs(int pid) => SchedstatMs(pid, 0);

    private static double SchedstatMs(int pid, int field)
    {
        double ns = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    var fields = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ');
                    ns += fields.Length > field ? double.Parse(fields[field], CultureInfo.InvariantCulture) : 0;
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

        return ns / 1e6;
    }

    /// <summary>A "kB" field of /proc/PID/status (VmHWM: peak RSS, VmRSS: current), or 0 if gone.</summary>
    /// <summary>
    /// The kernel's count of UDP datagrams dropped because a socket's receive buffer was full (/proc/net/snmp, Udp
    /// RcvbufErrors). Machine-wide (this network namespace): the simulators' sockets count too.
    /// </summary>
    public static long UdpRcvbufErrors()
    {
        var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp:", StringComparison.Ordinal)).ToArray();
        if (lines.Length < 2)
        {
            return -1;
        }

        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var i = Array.IndexOf(names, "RcvbufErrors");
        return i > 0 && i < values.Length ? long.Parse(values[i], CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>Open file descriptors of a process (sockets included).</summary>
    public static int FdCount(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    public static long ReadKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
