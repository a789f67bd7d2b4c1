using System.Collections.Concurrent;
using System.Globalization;

namespace IpmiRpc.TestSupport;

/// <summary>
/// tests/fixtures/lockingbmc/lockingbmc.py on a free loopback port: an RMCP+ BMC (pyghmi, cipher suite 3) whose
/// System Info Parameters enforce the set-in-progress lock (81h while held), which ipmi_sim does not. Its stdout lines
/// ("refused 1", "state 1", …) are events a test can wait for.
/// </summary>
public sealed class LockingBmc : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly StdioProcess _process;
    private readonly ConcurrentQueue<string> _events = new();

    private LockingBmc(int port, Func<LockingBmc, StdioProcess> start)
    {
        Port = port;
        _process = start(this);
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public string User => "admin";

    public string Password => "locking-bmc";

    /// <summary>Every event line so far, in order.</summary>
    public IReadOnlyCollection<string> Events => _events;

    public static async Task<LockingBmc> StartAsync()
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} (with python3-pyghmi) is required: {Require.InstallHint}");
        var script = Path.Combine(RepoPaths.Fixtures, "lockingbmc", "lockingbmc.py");
        var port = Ports.GetFreeUdpPort();
        var bmc = new LockingBmc(port, self => StdioProcess.Start(
            Python,
            [script, port.ToString(CultureInfo.InvariantCulture), "admin"],
            new Dictionary<string, string> { ["IPMI_PASSWORD"] = "locking-bmc" },
            workingDirectory: null,
            line => self._events.Enqueue(line),
            () => { }));
        await bmc.WaitForAsync("ready");
        return bmc;
    }

    /// <summary>Waits (bounded poll, 30 s) until the BMC printed <paramref name="line"/>; fails with its output otherwise.</summary>
    public async Task WaitForAsync(string line, int occurrences = 1)
    {
        for (var i = 0; _events.Count(e => e == line) < occurrences; i++)
        {
            if (i >= 1500 || _process.HasExited)
                throw new TimeoutException($"locking BMC never printed '{line}' (exited: {_process.HasExited})\n{string.Join("\n", _events)}\n{_process.StdErrText}");
            await Task.Delay(20);
        }
    }

    /// <summary>ipmitool lanplus against this BMC (password via IPMI_PASSWORD).</summary>
    public Task<ToolResult> IpmiToolAsync(params string[] args)
    {
        var all = new List<string> { "-I", "lanplus", "-C", "3", "-H", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-E" };
        all.AddRange(args);
        return ProcessRunner.RunAsync(Require.Tool("ipmitool"), all, env: new Dictionary<string, string> { ["IPMI_PASSWORD"] = Password },
            timeout: TimeSpan.FromSeconds(60));
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
