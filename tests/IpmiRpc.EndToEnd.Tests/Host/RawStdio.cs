using System.Diagnostics;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>Runs ipmirpc with exact stdin bytes and returns exact stdout bytes (ProcessRunner is line-based).</summary>
internal static class RawStdio
{
    public static async Task<(int ExitCode, byte[] StdOut, string StdErr)> RunAsync(IEnumerable<string> args, byte[] stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(IpmiRpcProcess.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var stdout = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, cts.Token);
            var readErr = process.StandardError.ReadToEndAsync(cts.Token);
            await process.StandardInput.BaseStream.WriteAsync(stdin, cts.Token);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cts.Token);
            await copyOut;
            return (process.ExitCode, stdout.ToArray(), await readErr);
        }
        finally
        {
            if (!process.HasExited)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }
}
