using Xunit.Sdk;

namespace IpmiRpc.TestSupport;

/// <summary>
/// A missing tool fails the test, never skips it: the README's test command installs everything.
/// </summary>
public static class Require
{
    public const string InstallHint = "install with tests/setup/install-deps.sh";

    /// <summary>Returns the full path of <paramref name="name"/> on PATH (or an absolute path that exists).</summary>
    public static string Tool(string name)
    {
        var found = Which(name);
        if (found is null)
            throw new XunitException($"required tool '{name}' not found on PATH: {InstallHint}");
        return found;
    }

    /// <summary>The full path of a program, or null. Also looks in ~/.dotnet/tools (where pwsh goes).</summary>
    public static string? Which(string name)
    {
        if (Path.IsPathRooted(name))
            return File.Exists(name) ? name : null;
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).ToList();
        var home = Environment.GetEnvironmentVariable("HOME");
        if (!string.IsNullOrEmpty(home))
            dirs.Add(Path.Combine(home, ".dotnet", "tools"));
        dirs.AddRange(["/usr/sbin", "/sbin"]);
        foreach (var dir in dirs.Where(d => d.Length > 0))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }

        return null;
    }
}
