using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpmiRpc.TestSupport;

/// <summary>
/// One OpenIPMI <c>ipmi_sim</c> BMC on its own free loopback UDP port, with its own temp dir (lan.conf,
/// sim.emu, state dir, log). Killed and deleted on dispose. Facts about the simulator: tests/fixtures/ipmi_sim/peers.md.
/// </summary>
public sealed class IpmiSim : IAsyncDisposable
{
    // Processes still alive when the test host exits (a test that forgot to dispose) die with it.
    private static readonly ConcurrentDictionary<IpmiSim, byte> Live = new();

    static IpmiSim()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var sim in Live.Keys)
                sim.KillNow();
        };
    }

    private readonly IpmiSimOptions _options;
    private readonly object _logLock = new();
    private Process? _process;
    private StreamWriter? _log;
    private bool _disposed;

    private IpmiSim(IpmiSimOptions options, int port, string dir)
    {
        _options = options;
        Port = port;
        Directory = dir;
        StateDir = Path.Combine(dir, "state");
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string User => "ipmiusr";

    public string Password => "test";

    /// <summary>The temp dir holding lan.conf, sim.emu, sim.log and the state dir.</summary>
    public string Directory { get; }

    public string StateDir { get; }

    public string LanConfPath => Path.Combine(Directory, "lan.conf");

    public string EmuPath => Path.Combine(Directory, "sim.emu");

    public string LogPath => Path.Combine(Directory, "sim.log");

    public IpmiSimOptions Options => _options;

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Process id of the running simulator (for tests that need to signal it).</summary>
    public int? ProcessId => IsRunning ? _process!.Id : null;

    /// <summary>What ipmi_sim printed so far.</summary>
    public string LogText
    {
        get
        {
            lock (_logLock)
            {
                _log?.Flush();
                try
                {
                    using var fs = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                    using var reader = new StreamReader(fs);
                    return reader.ReadToEnd();
                }
                catch (IOException)
                {
                    return "";
                }
            }
        }
    }

    public static async Task<IpmiSim> StartAsync(IpmiSimOptions? options = null, CancellationToken ct = default)
    {
        options ??= new IpmiSimOptions();
        Require.Tool("ipmi_sim");
        string? plugin = null;
        if (options.SystemInfoPlugin)
            plugin = await SimPlugin.EnsureBuiltAsync(ct);

        var dir = System.IO.Directory.CreateTempSubdirectory("ipmirpc-sim-").FullName;
        var sim = new IpmiSim(options, Ports.GetFreeUdpPort(), dir);
        try
        {
            await File.WriteAllTextAsync(sim.LanConfPath, sim.BuildLanConf(plugin), ct);
            await File.WriteAllTextAsync(sim.EmuPath, sim.BuildEmu(), ct);
            await sim.LaunchAsync(ct);
            return sim;
        }
        catch
        {
            await sim.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the simulator (SIGKILL, no goodbye), as a crashed or rebooting BMC would vanish.</summary>
    public async Task StopAsync()
    {
        var p = _process;
        if (p is null)
            return;
        ProcessRunner.KillQuietly(p);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Live.TryRemove(this, out _);
    }

    /// <summary>Starts the simulator again on the same port with a wiped state dir (a rebooted BMC).</summary>
    public async Task StartAgainAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await StopAsync();
        _process?.Dispose();
        _process = null;
        await LaunchAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await StopAsync();
        _process?.Dispose();
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public override string ToString() => $"ipmi_sim 127.0.0.1:{Port} ({Directory})";

    private async Task LaunchAsync(CancellationToken ct)
    {
        if (System.IO.Directory.Exists(StateDir))
            System.IO.Directory.Delete(StateDir, recursive: true);
        System.IO.Directory.CreateDirectory(StateDir);

        if (!Ports.IsUdpPortFree(Port))
            throw new InvalidOperationException($"UDP port {Port} is already in use; refusing to start a second simulator on it");

        lock (_logLock)
        {
            _log ??= new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
            {
                AutoFlush = true,
            };
            _log.WriteLine($"=== start {DateTime.UtcNow:O} port {Port}");
        }

        var psi = new ProcessStartInfo(Require.Tool("ipmi_sim"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var a in new[] { "-c", LanConfPath, "-f", EmuPath, "-s", StateDir, "-n" })
            psi.ArgumentList.Add(a);

        var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => WriteLog(e.Data);
        p.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        Live[this] = 0;

        var deadline = Stopwatch.StartNew();
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, Port);
        var buffer = new byte[512];
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (p.HasExited)
                throw new InvalidOperationException($"ipmi_sim exited with code {p.ExitCode} at start\n{Describe()}");
            if (deadline.Elapsed > _options.StartTimeout)
            {
                ProcessRunner.KillQuietly(p);
                throw new TimeoutException($"ipmi_sim did not answer within {_options.StartTimeout.TotalSeconds:0.#} s\n{Describe()}");
            }

            await udp.SendToAsync(GetChannelAuthCapProbe, SocketFlags.None, target, ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromMilliseconds(50));
            try
            {
                var r = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                if (r.ReceivedBytes >= 4 && buffer[0] == 0x06 && SerialPortReady())
                    return;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            catch (SocketException)
            {
                // ICMP port unreachable before the simulator binds: try again shortly.
                await Task.Delay(20, ct);
            }
        }
    }

    // RMCP + IPMI 1.5 session-less Get Channel Authentication Capabilities (channel E, admin, v2.0 bit):
    // answered by any IPMI LAN BMC outside a session, and harmless (opens nothing).
    internal static readonly byte[] GetChannelAuthCapProbe =
    [
        0x06, 0x00, 0xff, 0x07, // RMCP: version, reserved, seq (no ack), class IPMI
        0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x09, // auth none, seq 0, session 0, length 9
        0x20, 0x18, 0xc8, 0x81, 0x00, 0x38, 0x8e, 0x04, 0xb5,
    ];

    // QEMU must find the BMC's serial port listening when it starts; a test connection would be taken
    // for the VM, so look at the kernel's socket table instead.
    private bool SerialPortReady()
    {
        if (_options.QemuSerialPort is not { } port)
            return true;
        var needle = string.Create(CultureInfo.InvariantCulture, $":{port:X4} ");
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table))
                continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var cols = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (cols.Length > 3 && (cols[1] + " ").EndsWith(needle, StringComparison.Ordinal) && cols[3] == "0A")
                    return true;
            }
        }

        return false;
    }

    private void WriteLog(string? line)
    {
        if (line is null)
            return;
        lock (_logLock)
            _log?.WriteLine(line);
    }

    private string Describe() =>
        $"--- lan.conf ---\n{SafeRead(LanConfPath)}\n--- sim.emu ---\n{SafeRead(EmuPath)}\n--- sim.log ---\n{LogText}";

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "(unreadable)";
        }
    }

    private void KillNow()
    {
        if (_process is { } p)
            ProcessRunner.KillQuietly(p);
    }

    private string BuildLanConf(string? plugin)
    {
        var inv = CultureInfo.InvariantCulture;
        var loadlib = new List<string>();
        if (plugin is not null)
        {
            var pluginOptions = string.IsNullOrWhiteSpace(_options.SystemInfoPluginOptions) ? "ipmirpc" : _options.SystemInfoPluginOptions;
            loadlib.Add($"loadlib \"{plugin}\" \"{pluginOptions}\"");
        }

        var lan = new List<string>();
        if (_options.LanConfigProgram is { } program)
            lan.Add($"  lan_config_program \"{program}\"");
        lan.AddRange(_options.ExtraLanChannelConf.Select(l => "  " + l));

        var users = new List<string>();
        var n = 3;
        foreach (var (user, password) in _options.ExtraUsers)
        {
            if (n > 63)
                throw new ArgumentException("ipmi_sim supports at most 63 users");
            users.Add(string.Create(inv, $"user {n++} true \"{user}\" \"{password}\" admin 10 none md2 md5 straight"));
        }

        var top = new List<string>();
        if (_options.QemuSerialPort is { } serial)
            top.Add(string.Create(inv, $"serial 15 127.0.0.1 {serial} codec VM"));
        top.AddRange(_options.ExtraLanConf);

        var sb = new StringBuilder();
        foreach (var line in File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "lan.conf.in")))
        {
            var lines = line.Trim() switch
            {
                "@LOADLIB@" => loadlib,
                "@LAN_EXTRA@" => lan,
                "@USERS_EXTRA@" => users,
                "@TOP_EXTRA@" => top,
                _ => [line.Replace("@PORT@", Port.ToString(inv), StringComparison.Ordinal)],
            };
            foreach (var l in lines)
                sb.Append(l).Append('\n');
        }

        return sb.ToString();
    }

    private string BuildEmu()
    {
        var sb = new StringBuilder(File.ReadAllText(Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "sim.emu")));
        foreach (var line in _options.ExtraEmu)
            sb.Append(line).Append('\n');
        return sb.ToString();
    }
}
