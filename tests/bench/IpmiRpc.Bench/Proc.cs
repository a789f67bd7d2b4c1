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

    /// <summary>Peak RSS (KiB) of a finished child as GNU time reports it; used for the peers' per-process memory.</summary>
    public static async Task<(ProcResult Result, long MaxRssKb)> RunWithMaxRssAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? env = null)
    {
        var timeFile = Path.GetTempFileName();
        try
        {
            var r = await RunAsync("/usr/bin/time", new[] { "-f", "%M", "-o", timeFile, file }.Concat(args), env);
            var text = (await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1];
            return (r, long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb : 0);
        }
        finally
        {
            File.Delete(timeFile);
        }
    }
}
