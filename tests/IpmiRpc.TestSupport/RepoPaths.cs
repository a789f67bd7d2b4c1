namespace IpmiRpc.TestSupport;

/// <summary>Where the repository and the build outputs are, seen from a running test assembly.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The directory that holds IpmiRpc.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>Release or Debug: the configuration the running tests were built with.</summary>
    public static string Configuration
    {
        get
        {
            var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar);
            var bin = Array.LastIndexOf(parts, "bin");
            return bin >= 0 && bin + 1 < parts.Length && parts[bin + 1].Length > 0 ? parts[bin + 1] : "Debug";
        }
    }

    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    private static string FindRoot()
    {
        var overridden = Environment.GetEnvironmentVariable("IPMIRPC_ROOT");
        if (!string.IsNullOrEmpty(overridden) && File.Exists(Path.Combine(overridden, "IpmiRpc.sln")))
            return overridden;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IpmiRpc.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException($"IpmiRpc.sln not found above {AppContext.BaseDirectory}");
    }
}
