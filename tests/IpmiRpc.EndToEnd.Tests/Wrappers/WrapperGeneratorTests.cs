using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// The Ansible modules and PowerShell cmdlets are generated from the OpenRPC document
/// (modules/generator/generate_wrappers.py): the committed files must equal what the generator writes.
/// </summary>
public sealed class WrapperGeneratorTests
{
    private static string Generator => Path.Combine(WrapperSupport.ModulesDir, "generator", "generate_wrappers.py");

    [Fact]
    public async Task Committed_wrappers_equal_the_generated_ones()
    {
        var r = await RunGeneratorAsync(RepoPaths.Root, "--check");
        Assert.True(r.ExitCode == 0,
            $"generated wrappers differ from the committed ones; run python3 modules/generator/generate_wrappers.py\n{r}");
    }

    [Fact]
    public async Task Check_fails_and_names_the_files_when_the_schema_changed_or_a_file_is_stale()
    {
        // A copy of what the generator reads and writes, with one schema description changed and one stray cmdlet.
        var root = WrapperSupport.NewTempDir("gen");
        try
        {
            CopyTree(Path.Combine(RepoPaths.Root, "schema"), Path.Combine(root, "schema"));
            CopyTree(WrapperSupport.ModulesDir, Path.Combine(root, "modules"));
            // The PowerShell manifest's version comes from there.
            File.Copy(Path.Combine(RepoPaths.Root, "Directory.Build.props"), Path.Combine(root, "Directory.Build.props"));
            var methodFile = Path.Combine(root, "schema", "methods", "bmc.getDeviceId.json");
            var text = await File.ReadAllTextAsync(methodFile);
            Assert.Contains("\"summary\": \"", text, StringComparison.Ordinal);
            await File.WriteAllTextAsync(methodFile, text.Replace("\"summary\": \"", "\"summary\": \"Changed. ", StringComparison.Ordinal));
            await File.WriteAllTextAsync(Path.Combine(root, "modules", "powershell", "IpmiRpc", "Public", "Get-IpmiStray.ps1"), "function Get-IpmiStray {}\n");

            var check = await RunGeneratorAsync(root, "--check");
            Assert.Equal(1, check.ExitCode);
            Assert.Contains("differs from the generated version: modules/ansible/plugins/modules/ipmi_bmc_info.py", check.StdOut, StringComparison.Ordinal);
            Assert.Contains("differs from the generated version: modules/powershell/IpmiRpc/Public/Get-IpmiDeviceId.ps1", check.StdOut, StringComparison.Ordinal);
            Assert.Contains("not generated (remove it, or declare its method in the schema): modules/powershell/IpmiRpc/Public/Get-IpmiStray.ps1", check.StdOut, StringComparison.Ordinal);
            Assert.DoesNotContain("ipmi_lan.py", check.StdOut, StringComparison.Ordinal);

            // Writing brings the copy back in line.
            var write = await RunGeneratorAsync(root);
            Assert.True(write.Succeeded, write.ToString());
            var again = await RunGeneratorAsync(root, "--check");
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains("Changed. Get Device ID",
                await File.ReadAllTextAsync(Path.Combine(root, "modules", "powershell", "IpmiRpc", "Public", "Get-IpmiDeviceId.ps1")),
                StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(root);
        }
    }

    private static Task<ToolResult> RunGeneratorAsync(string root, params string[] args) =>
        ProcessRunner.RunAsync(Require.Tool("python3"), [Generator, "--root", root, .. args], timeout: TimeSpan.FromMinutes(1));

    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            if (file.Contains("__pycache__", StringComparison.Ordinal))
                continue;
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
