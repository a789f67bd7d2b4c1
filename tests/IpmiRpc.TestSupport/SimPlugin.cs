namespace IpmiRpc.TestSupport;

/// <summary>
/// Builds tests/fixtures/ipmi_sim/sysinfo_plugin.so (once per test process; the script itself skips the
/// compile when the .so is newer than its source and installs it atomically, so parallel test processes are safe).
/// </summary>
public static class SimPlugin
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _built;

    public static string SourceDir => Path.Combine(RepoPaths.Fixtures, "ipmi_sim");

    public static string OutputDir => Path.Combine(SourceDir, ".build");

    public static string SystemInfoPluginPath => Path.Combine(OutputDir, "sysinfo_plugin.so");

    public static async Task<string> EnsureBuiltAsync(CancellationToken ct = default)
    {
        if (_built is not null)
            return _built;
        await Gate.WaitAsync(ct);
        try
        {
            if (_built is not null)
                return _built;
            Require.Tool("gcc");
            var script = Path.Combine(SourceDir, "build-plugin.sh");
            var r = await ProcessRunner.RunAsync("/bin/bash", [script, OutputDir], timeout: TimeSpan.FromSeconds(120), ct: ct);
            if (r.ExitCode != 0 || !File.Exists(SystemInfoPluginPath))
                throw new InvalidOperationException($"building the ipmi_sim plugin failed ({Require.InstallHint}):\n{r}");
            _built = SystemInfoPluginPath;
            return _built;
        }
        finally
        {
            Gate.Release();
        }
    }
}
