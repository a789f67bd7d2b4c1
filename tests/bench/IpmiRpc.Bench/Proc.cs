using System.Diagnostics;
using System.Globalization;

namespace IpmiRpc.Bench;

public sealed record ProcResult(int ExitCode, double ElapsedMs, string StdOut, string StdErr, long PeakRssKb);

/// <summary>Runs one process to exit (start to exit wall time), output captured, with a hard timeout.</summary>
public static class Proc
{
    public static async Task<ProcResult> RunAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null,
        TimeSpan? timeout = null, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        var stderrTask = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            return new ProcResult(-1, sw.Elapsed.TotalMilliseconds, await stdoutTask, "timeout\n" + await stderrTask, 0);
        }

        var elapsed = sw.Elapsed.TotalMilliseconds;
        return new ProcResult(p.ExitCode, elapsed, await stdoutTask, await stderrTask, 0);
    }

    /// <summary>Runs a bash snippet (for xargs pipelines) and times it.</summary>
    public static Task<ProcResult> BashAsync(string script, IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null) =>
        RunAsync("/bin/bash", ["-c", script], env, timeout);

    /// <summary>
    /// Runs under GNU time: wall time, peak RSS (KiB) of the largest process, and user+system CPU (ms) of the process
    /// and every descendant it waited for (so a bash | xargs pipeline counts all its ipmitool children).
    /// </summary>
    public static async Task<(ProcResult Result, long MaxRssKb, double CpuMs)> RunTimedAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? env = null, TimeSpan? timeout = null, string? stdin = null)
    {
        var timeFile = Path.GetTempFileName();
        try
        {
            var r = await RunAsync("/usr/bin/time", new[] { "-f", "%M %U %S", "-o", timeFile, file }.Concat(args), env, timeout, stdin);
            var parts = (await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1].Split(' ');
            if (parts.Length < 3 || !long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
            {
                return (r, 0, double.NaN);
            }

            var cpu = (double.Parse(parts[1], CultureInfo.InvariantCulture) + double.Parse(parts[2], CultureInfo.InvariantCulture)) * 1000;
            return (r, kb, cpu);
        }
        finally
        {
            File.Delete(timeFile);
        }
    }
}
