using System.Globalization;
using System.Text.RegularExpressions;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>What the wrapper tests (Ansible, PowerShell, batch scripts) share: paths, temp dirs, ipmitool parsing.</summary>
internal static partial class WrapperSupport
{
    public static string ModulesDir => Path.Combine(RepoPaths.Root, "modules");

    public static string AnsibleCollectionDir => Path.Combine(ModulesDir, "ansible");

    public static string PowerShellModuleManifest => Path.Combine(ModulesDir, "powershell", "IpmiRpc", "IpmiRpc.psd1");

    /// <summary>What modules/generator/generate_wrappers.py generated: Ansible modules, cmdlets, aliases.</summary>
    public static JObject Manifest => JObject.Parse(File.ReadAllText(Path.Combine(ModulesDir, "wrappers.manifest.json")));

    public static string ExamplesDir => Path.Combine(RepoPaths.Root, "examples");

    /// <summary>Playbooks, scripts and fixtures of these tests.</summary>
    public static string FixturesDir => Path.Combine(RepoPaths.Root, "tests", "wrappers");

    /// <summary>The built host; the wrappers find it through IPMIRPC_PATH.</summary>
    public static string HostExe
    {
        get
        {
            var exe = IpmiRpcProcess.ExecutablePath;
            Assert.True(File.Exists(exe), $"ipmirpc not built at {exe}");
            return exe;
        }
    }

    public static string NewTempDir(string prefix) => Directory.CreateTempSubdirectory("ipmirpc-" + prefix + "-").FullName;

    public static void DeleteQuietly(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A file only the owner can read (vars with the test-only password).</summary>
    public static async Task WritePrivateFileAsync(string path, string text)
    {
        await File.WriteAllTextAsync(path, "");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(path, text);
    }

    /// <summary>"Key   : value" lines of ipmitool's mc info / lan print (first occurrence of each key).</summary>
    public static Dictionary<string, string> ParseIpmitoolFields(string output)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in output.Split('\n'))
        {
            var m = FieldLine().Match(line);
            if (m.Success)
                fields.TryAdd(m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim());
        }

        return fields;
    }

    /// <summary>ipmitool's view of the BMC's LAN channel 1 (values written by ipmitool or by us).</summary>
    public static async Task<Dictionary<string, string>> IpmitoolLanPrintAsync(IpmiSim sim)
    {
        var r = await IpmiTool.RunAsync(sim, "lan", "print", "1");
        Assert.True(r.Succeeded, r.ToString());
        return ParseIpmitoolFields(r.StdOut);
    }

    /// <summary>ipmitool's reading of a system info parameter (it exits 0 even on C1: check the text).</summary>
    public static async Task<string> IpmitoolGetSysInfoAsync(IpmiSim sim, string name)
    {
        var r = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", name);
        Assert.True(r.Succeeded, r.ToString());
        Assert.DoesNotContain("Invalid command", r.StdOut + r.StdErr, StringComparison.OrdinalIgnoreCase);
        return r.StdOut.Trim();
    }

    public static async Task IpmitoolSetSysInfoAsync(IpmiSim sim, string name, string value)
    {
        var r = await IpmiTool.RunAsync(sim, "mc", "setsysinfo", name, value);
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal(value, await IpmitoolGetSysInfoAsync(sim, name));
    }

    public static async Task IpmitoolLanSetAsync(IpmiSim sim, string what, string value)
    {
        var r = await IpmiTool.RunAsync(sim, "lan", "set", "1", what, value);
        Assert.True(r.Succeeded, r.ToString());
    }

    /// <summary>Get Device ID through ipmitool raw: the response bytes as lowercase hex.</summary>
    public static async Task<string> IpmitoolRawHexAsync(IpmiSim sim, params string[] netFnCmdData)
    {
        var r = await IpmiTool.RunAsync(sim, ["raw", .. netFnCmdData]);
        Assert.True(r.Succeeded, r.ToString());
        return string.Concat(r.StdOut.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
    }

    public static int ParseInt(string text) =>
        int.Parse(text.Split(' ', 2)[0], NumberStyles.Integer, CultureInfo.InvariantCulture);

    /// <summary>Some ipmi_sim state (LAN addresses) is distinct per test so a cross-talk bug cannot pass.</summary>
    public static string DistinctIp(IpmiSim sim) =>
        string.Create(CultureInfo.InvariantCulture, $"10.{sim.Port / 256 % 256}.{sim.Port % 256}.{sim.Port % 200 + 20}");

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9 .+/()-]*?)\s+:\s?(.*)$")]
    private static partial Regex FieldLine();
}
