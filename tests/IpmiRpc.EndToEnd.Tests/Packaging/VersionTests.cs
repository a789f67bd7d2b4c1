using System.Text.RegularExpressions;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// One version for everything that ships: &lt;Version&gt; in Directory.Build.props is what <c>ipmirpc --version</c>
/// prints, what the PowerShell manifest is generated with and what the Ansible collection's galaxy.yml must say.
/// </summary>
public sealed partial class VersionTests
{
    internal static string ProjectVersion()
    {
        var props = File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"));
        var match = VersionElement().Match(props);
        Assert.True(match.Success, "Directory.Build.props has no <Version>");
        return match.Groups[1].Value.Trim();
    }

    [Fact]
    public async Task Ipmirpc_version_prints_the_project_version_alone()
    {
        var run = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["--version"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(ProjectVersion() + "\n", run.StdOut);
    }

    [Fact]
    public void Galaxy_yml_carries_the_project_version()
    {
        var galaxy = File.ReadAllText(Path.Combine(RepoPaths.Root, "modules", "ansible", "galaxy.yml"));
        var match = GalaxyVersion().Match(galaxy);
        Assert.True(match.Success, "modules/ansible/galaxy.yml has no version: line");
        Assert.Equal(ProjectVersion(), match.Groups[1].Value);
    }

    [Fact]
    public void PowerShell_manifest_carries_the_project_version()
    {
        var psd1 = File.ReadAllText(Path.Combine(RepoPaths.Root, "modules", "powershell", "IpmiRpc", "IpmiRpc.psd1"));
        var match = ModuleVersion().Match(psd1);
        Assert.True(match.Success, "IpmiRpc.psd1 has no ModuleVersion");
        Assert.Equal(ProjectVersion(), match.Groups[1].Value);
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    [GeneratedRegex(@"^version:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex GalaxyVersion();

    [GeneratedRegex(@"^\s*ModuleVersion\s*=\s*'([^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleVersion();
}
