using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IpmiRpc.TestSupport;

/// <summary>
/// pyghmi's <c>fakebmc</c> (Debian python3-pyghmi): a second, independent RMCP+ BMC (user admin, password
/// "password", cipher suite 3) that keeps a power state (starts off) and the boot device. It answers Chassis Control
/// 0/1/3/5 (cycle and diag: CCh), no identify or restore policy (C1h). Bound to 127.0.0.1 on a free UDP port (the
/// packaged script binds every address, so it is started through the same entry point with the bind address set).
/// Every power action it performs prints a line, kept in <see cref="ActionLines"/> (reset prints nothing).
/// </summary>
public sealed class FakeBmcProcess : IAsyncDisposable
{
    // Runs pyghmi's fakebmc main() with Bmc's bind address defaulting to loopback instead of '::'.
    private const string Launcher = """
        import sys
        import pyghmi.ipmi.bmc as bmc
        original = bmc.Bmc.__init__
        def loopback(self, authdata, port=623, bmcuuid=None, address='127.0.0.1'):
            original(self, authdata, port, bmcuuid, address)
        bmc.Bmc.__init__ = loopback
        from pyghmi.cmd.fakebmc import main
        sys.argv = ['fakebmc', '--port', sys.argv[1]]
        sys.exit(main())
        """;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FakeBmcProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string User => "admin";

    public string Password => "password";

    /// <summary>What fakebmc printed so far (stdout and stderr).</summary>
    public string OutputText
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>The power actions fakebmc performed: "powered on", "abruptly remove power", "politely shut down the system".</summary>
    public IReadOnlyList<string> ActionLines =>
        OutputText.Split('\n').Where(l => l is "powered on" or "abruptly remove power" or "politely shut down the system").ToArray();

    public static async Task<FakeBmcProcess> StartAsync(CancellationToken ct = default)
    {
        var script = Require.Tool("fakebmc");
        // The script's own interpreter has pyghmi; another python3 on PATH may not.
        var shebang = File.ReadLines(script).First();
        var python = shebang.StartsWith("#!", StringComparison.Ordinal) ? shebang[2..].Trim() : "python3";
        var port = Ports.GetFreeUdpPort();
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-u", "-c", Launcher, port.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi };
        var bmc = new FakeBmcProcess(process, port);
        process.OutputDataReceived += (_, e) => bmc.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bmc.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        PeerProcess.Track(process);
        try
        {
            await bmc.WaitUntilAnsweringAsync(ct);
            return bmc;
        }
        catch
        {
            await bmc.DisposeAsync();
            throw;
        }
    }

    /// <summary>ipmitool lanplus against this BMC; the password goes through IPMI_PASSWORD (-E), never argv.</summary>
    public Task<ToolResult> IpmiToolAsync(params string[] args) => PeerProcess.IpmiToolAsync(Host, Port, User, Password, args);

    public ValueTask DisposeAsync() => PeerProcess.StopAsync(_process);

    public override string ToString() => $"fakebmc 127.0.0.1:{Port}";

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.Append(line).Append('\n');
    }

    /// <summary>Probes with a session-less Get Channel Authentication Capabilities until fakebmc answers (bounded: 30 s).</summary>
    private async Task WaitUntilAnsweringAsync(CancellationToken ct)
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, Port);
        var buffer = new byte[512];
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"fakebmc exited with code {_process.ExitCode} at start\n{OutputText}");
            await udp.SendToAsync(IpmiSim.GetChannelAuthCapProbe, SocketFlags.None, target, ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromMilliseconds(100));
            try
            {
                var r = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                if (r.ReceivedBytes >= 4 && buffer[0] == 0x06)
                    return;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            catch (SocketException)
            {
                // ICMP port unreachable before fakebmc binds: the next probe follows the 100 ms wait of this one.
                await Task.Delay(100, ct);
            }
        }

        throw new TimeoutException($"fakebmc did not answer on 127.0.0.1:{Port} within 30 s\n{OutputText}");
    }
}
