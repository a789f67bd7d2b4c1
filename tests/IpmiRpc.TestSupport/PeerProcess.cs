using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace IpmiRpc.TestSupport;

/// <summary>
/// What every BMC peer a test starts as a process needs (pyghmi's fakebmc, dellish_bmc.py): killed when the test
/// process exits even if a test never disposed it, stopped once with a bounded wait, and ipmitool lanplus against it.
/// </summary>
internal static class PeerProcess
{
    private static readonly ConcurrentDictionary<Process, byte> Live = new();

    static PeerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Live.Keys)
                ProcessRunner.KillQuietly(process);
        };
    }

    public static void Track(Process process) => Live[process] = 0;

    public static async ValueTask StopAsync(Process process)
    {
        ProcessRunner.KillQuietly(process);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Live.TryRemove(process, out _);
        process.Dispose();
    }

    /// <summary>ipmitool lanplus, cipher suite 3; the password goes through IPMI_PASSWORD (-E), never argv.</summary>
    public static Task<ToolResult> IpmiToolAsync(string host, int port, string user, string password, string[] args) =>
        ProcessRunner.RunAsync(Require.Tool("ipmitool"),
            ["-I", "lanplus", "-C", "3", "-H", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", user, "-E", .. args],
            env: new Dictionary<string, string> { ["IPMI_PASSWORD"] = password }, timeout: TimeSpan.FromSeconds(60));
}
