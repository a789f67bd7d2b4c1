using System.Diagnostics;
using System.Globalization;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.TestSupport;

/// <summary>
/// tests/peers/dellish_bmc.py on pyghmi's BMC framework: an RMCP+ BMC (cipher suite 3, user root) that answers like a
/// Dell iDRAC — D5h to power down, soft shutdown, cycle, reset or NMI on a powered-off host, CCh to a boot device it
/// cannot boot from (floppy, remote floppy) — and logs every authenticated request datagram it receives, so a test
/// counts what really arrived (<see cref="ChassisControlRequests"/>) rather than what a client says it sent.
/// <see cref="SendAsync"/> is a hand on the chassis outside IPMI: <c>power on|off</c>, <c>stale N</c> (the next N
/// Get Chassis Status still show the state before the last change), <c>mute N [ACTION]</c> (carry out, never answer).
/// </summary>
public sealed class DellishBmc : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    private readonly Process _process;
    private readonly List<JObject> _events = [];
    private readonly List<string> _otherOutput = [];

    private DellishBmc(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public static string Script => Path.Combine(RepoPaths.Root, "tests", "peers", "dellish_bmc.py");

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string User => "root";

    /// <summary>Test-only, handed to the BMC through its environment.</summary>
    public string Password => "calvin-" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Everything the BMC logged so far, in order.</summary>
    public IReadOnlyList<JObject> Events
    {
        get
        {
            lock (_events)
                return _events.ToArray();
        }
    }

    /// <summary>The data byte (hex) of every Chassis Control datagram that arrived, retransmissions and replays included.</summary>
    public IReadOnlyList<string> ChassisControlRequests => Requests(0x00, 0x02).Select(e => (string)e["data"]!).ToArray();

    /// <summary>Every request datagram of this NetFn and command that arrived, in order.</summary>
    public IReadOnlyList<JObject> Requests(int netFn, int command) =>
        Events.Where(e => (string?)e["event"] == "request" && (int?)e["netFn"] == netFn && (int?)e["cmd"] == command).ToArray();

    /// <summary>The completion codes the BMC answered to this NetFn and command (muted requests left out).</summary>
    public IReadOnlyList<int> AnswerCodes(int netFn, int command) =>
        Events.Where(e => (string?)e["event"] == "answer" && (int?)e["netFn"] == netFn && (int?)e["cmd"] == command && (bool?)e["answered"] != false)
            .Select(e => (int)e["code"]!).ToArray();

    public string OutputText
    {
        get
        {
            lock (_events)
                return string.Join("\n", _events.Select(e => e.ToString(Newtonsoft.Json.Formatting.None)).Concat(_otherOutput));
        }
    }

    public static async Task<DellishBmc> StartAsync(bool powerOn = true, CancellationToken ct = default)
    {
        Require.Tool(Python);
        Require.Tool("fakebmc"); // Debian python3-pyghmi: the framework this BMC is built on
        var port = Ports.GetFreeUdpPort();
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-u", Script, "--port", port.ToString(CultureInfo.InvariantCulture), "--power", powerOn ? "on" : "off" })
            psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi };
        var bmc = new DellishBmc(process, port);
        psi.Environment["DELLISH_BMC_PASSWORD"] = bmc.Password;
        process.OutputDataReceived += (_, e) => bmc.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bmc.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        PeerProcess.Track(process);
        try
        {
            // The socket is bound before "listening" is printed.
            await Poll.UntilAsync(() => bmc.Events.Any(e => (string?)e["event"] == "listening") || process.HasExited, $"{bmc} to listen");
            if (process.HasExited)
                throw new InvalidOperationException($"dellish_bmc.py exited with code {process.ExitCode} at start\n{bmc.OutputText}");
            return bmc;
        }
        catch
        {
            await bmc.DisposeAsync();
            throw;
        }
    }

    /// <summary>One stdin command (see the class summary); returns once the BMC acknowledged it.</summary>
    public async Task SendAsync(string command)
    {
        var before = Events.Count;
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        await Poll.UntilAsync(() => Events.Skip(before).Any(e => (string?)e["command"] == command), $"{this} to acknowledge '{command}'");
        if (Events.Skip(before).Any(e => (string?)e["event"] == "error" && (string?)e["command"] == command))
            throw new ArgumentException($"dellish_bmc.py refused the command '{command}'", nameof(command));
    }

    /// <summary>ipmitool lanplus against this BMC; the password goes through IPMI_PASSWORD (-E), never argv.</summary>
    public Task<ToolResult> IpmiToolAsync(params string[] args) => PeerProcess.IpmiToolAsync(Host, Port, User, Password, args);

    public ValueTask DisposeAsync() => PeerProcess.StopAsync(_process);

    public override string ToString() => $"dellish_bmc 127.0.0.1:{Port}";

    private void Append(string? line)
    {
        if (line is null)
            return;
        JObject? parsed = null;
        if (line.StartsWith('{'))
        {
            try
            {
                parsed = JObject.Parse(line);
            }
            catch (Newtonsoft.Json.JsonReaderException)
            {
            }
        }

        lock (_events)
        {
            if (parsed is not null)
                _events.Add(parsed);
            else
                _otherOutput.Add(line);
        }
    }
}
