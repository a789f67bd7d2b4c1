using System.Buffers.Binary;
using IpmiRpc.EndToEnd.Tests.Mcp;
using IpmiRpc.EndToEnd.Tests.Wrappers;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// Installs every release artifact the way its users do, into temp locations, and runs it against ipmi_sim: the .NET
/// tool (dotnet tool install), the NativeAOT tarball, the Ansible collection (ansible-galaxy collection install)
/// and the PowerShell module (Install-PSResource from a local repository). Device IDs are checked against ipmitool.
/// </summary>
public sealed class ReleaseInstallTests : IClassFixture<ReleaseArtifacts>
{
    private const string PasswordVariable = "IPMIRPC_TEST_BMC_PASSWORD";
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);
    private readonly ReleaseArtifacts _release;

    public ReleaseInstallTests(ReleaseArtifacts release) => _release = release;

    [Fact]
    public async Task Checksums_cover_every_artifact_and_match()
    {
        var sums = File.ReadAllLines(_release.Artifact("SHA256SUMS"));
        var v = _release.Version;
        string[] expected =
        [
            $"ipmirpc-{v}-linux-x64.tar.gz", $"ipmirpc-{v}-linux-arm64.tar.gz", $"ipmirpc-{v}-win-x64.zip",
            $"ipmirpc.{v}.nupkg", $"ipmirpc-ipmi-{v}.tar.gz", $"powershell/IpmiRpc.{v}.nupkg",
        ];
        var listed = sums.Select(l => l.Split("  ", 2)[1]).ToArray();
        Assert.Equal(expected.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        // Downloaded into one folder on Windows or macOS, names that differ only in case overwrite each other.
        Assert.Equal(listed.Length, listed.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        var check = await ProcessRunner.RunAsync("sha256sum", ["--check", "--strict", "SHA256SUMS"], workingDirectory: ReleaseArtifacts.Dir);
        Assert.True(check.Succeeded, check.ToString());
    }

    [Theory]
    [InlineData("linux-x64", "ipmirpc", "ipmirpc-mcp")]
    [InlineData("linux-arm64", "ipmirpc")]
    public async Task Linux_tarballs_hold_the_binary_license_and_readme(string rid, params string[] binaries)
    {
        var dir = WrapperSupport.NewTempDir("tarball");
        try
        {
            var name = $"ipmirpc-{_release.Version}-{rid}";
            var untar = await ProcessRunner.RunAsync("tar", ["-xzf", _release.Artifact(name + ".tar.gz"), "-C", dir]);
            Assert.True(untar.Succeeded, untar.ToString());
            Assert.Equal(["LICENSE", "README.txt", .. binaries],
                Directory.GetFiles(Path.Combine(dir, name)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Contains("MIT License", await File.ReadAllTextAsync(Path.Combine(dir, name, "LICENSE")), StringComparison.Ordinal);
            Assert.Contains($"ipmirpc {_release.Version} ({rid})", await File.ReadAllTextAsync(Path.Combine(dir, name, "README.txt")), StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Windows_zip_holds_the_exe_license_and_readme()
    {
        var list = await ProcessRunner.RunAsync("unzip", ["-Z1", _release.Artifact($"ipmirpc-{_release.Version}-win-x64.zip")]);
        Assert.True(list.Succeeded, list.ToString());
        var prefix = $"ipmirpc-{_release.Version}-win-x64/";
        Assert.Equal([prefix, prefix + "LICENSE", prefix + "README.txt", prefix + "ipmirpc.exe"],
            list.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Windows_exe_is_a_64_bit_console_PE_image()
    {
        // Its header says what Windows would load: PE32+, x64, console subsystem.
        var zip = _release.Artifact($"ipmirpc-{_release.Version}-win-x64.zip");
        var dir = WrapperSupport.NewTempDir("winzip");
        try
        {
            var unzip = await ProcessRunner.RunAsync("unzip", ["-q", zip, $"ipmirpc-{_release.Version}-win-x64/ipmirpc.exe", "-d", dir]);
            Assert.True(unzip.Succeeded, unzip.ToString());
            var image = await File.ReadAllBytesAsync(Path.Combine(dir, $"ipmirpc-{_release.Version}-win-x64", "ipmirpc.exe"));
            Assert.True(image.Length > 1024 * 1024, $"ipmirpc.exe is only {image.Length} bytes (a self-contained build is tens of MB)");
            Assert.Equal("MZ"u8.ToArray(), image[..2]);
            var pe = BinaryPrimitives.ReadInt32LittleEndian(image.AsSpan(0x3C));
            Assert.Equal("PE\0\0"u8.ToArray(), image[pe..(pe + 4)]);
            const ushort amd64 = 0x8664, pe32Plus = 0x20B, consoleSubsystem = 3;
            Assert.Equal(amd64, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(pe + 4)));
            var optionalHeader = pe + 24;
            Assert.Equal(pe32Plus, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(optionalHeader)));
            Assert.Equal(consoleSubsystem, BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(optionalHeader + 68)));
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Windows_exe_under_wine_answers_getDeviceId_like_ipmitool()
    {
        // Debian's wine64 runs the self-contained single-file exe (lanplus over loopback, Windows' CNG crypto as wine
        // implements it): not Windows, but the same binary taking the same path through the code.
        var wine = Require.Tool("/usr/lib/wine/wine64");
        var dir = WrapperSupport.NewTempDir("wine");
        try
        {
            var name = $"ipmirpc-{_release.Version}-win-x64";
            var unzip = await ProcessRunner.RunAsync("unzip", ["-q", _release.Artifact(name + ".zip"), "-d", dir]);
            Assert.True(unzip.Succeeded, unzip.ToString());
            var env = new Dictionary<string, string> { ["WINEPREFIX"] = Path.Combine(dir, "wine"), ["WINEDEBUG"] = "-all" };
            await AssertAnswersGetDeviceIdAsync(Path.Combine(dir, name, "ipmirpc.exe"), env, wine);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Arm64_tarball_binary_under_qemu_answers_getDeviceId_like_ipmitool()
    {
        // An arm64 Debian root (C/C++ runtimes, OpenSSL) from tests/setup/arm64-sysroot.sh, which install-deps.sh runs.
        var qemu = Require.Tool("qemu-aarch64-static");
        var sysroot = Environment.GetEnvironmentVariable("IPMIRPC_ARM64_SYSROOT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache", "ipmirpc-arm64-sysroot");
        Assert.True(File.Exists(Path.Combine(sysroot, "lib", "ld-linux-aarch64.so.1")),
            $"no arm64 root at {sysroot}: run tests/setup/arm64-sysroot.sh ({Require.InstallHint})");
        var dir = WrapperSupport.NewTempDir("arm64");
        try
        {
            var name = $"ipmirpc-{_release.Version}-linux-arm64";
            var untar = await ProcessRunner.RunAsync("tar", ["-xzf", _release.Artifact(name + ".tar.gz"), "-C", dir]);
            Assert.True(untar.Succeeded, untar.ToString());
            var binary = Path.Combine(dir, name, "ipmirpc");
            var elf = new byte[20];
            await using (var stream = File.OpenRead(binary))
                await stream.ReadExactlyAsync(elf);
            const ushort aarch64 = 183;
            Assert.Equal(aarch64, BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(18)));
            await AssertAnswersGetDeviceIdAsync(binary, qemu, "-L", sysroot);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Tarball_binary_answers_getDeviceId_like_ipmitool()
    {
        var dir = WrapperSupport.NewTempDir("tarball");
        try
        {
            await AssertAnswersGetDeviceIdAsync(Path.Combine(await UntarLinuxX64Async(dir), "ipmirpc"));
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Tarball_ipmirpc_mcp_runs_the_sibling_server_which_answers_like_ipmitool()
    {
        // The tarball's ipmirpc is built without the MCP server: `ipmirpc mcp` execs ipmirpc-mcp beside it. The official
        // SDK client initializes, lists the tools and calls one, through the path a user's MCP configuration takes.
        var dir = WrapperSupport.NewTempDir("tarball-mcp");
        try
        {
            var unpacked = await UntarLinuxX64Async(dir);
            await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [(McpServerTests.User, McpServerTests.Password)] });
            using var work = new McpServerTests.TempDir();
            var targets = McpServerTests.WriteTargets(work, sim, deadPort: 9);

            var run = await McpServerTests.RunClientAsync(work, ["mcp", "--targets", targets],
                [McpServerTests.Step("listTools"), McpServerTests.Call("bmc_getDeviceId", new JObject { ["target"] = "sim" })],
                executable: Path.Combine(unpacked, "ipmirpc"));

            var steps = (JArray)run["steps"]!;
            var tools = ((JArray)McpServerTests.Value(steps[0])["tools"]!).Select(t => (string)t["name"]!).ToArray();
            Assert.Contains("bmc_getDeviceId", tools);
            var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
            var device = McpServerTests.Structured(steps[1]);
            Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), (int)device["productId"]!);
            Assert.Equal(mcInfo["Firmware Revision"], (string?)device["firmwareVersion"]);
            McpServerTests.AssertNoSecret(run);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Tarball_ipmirpc_without_its_sibling_names_the_missing_server_for_mcp_and_still_calls()
    {
        // Only ipmirpc copied somewhere (a user who took the one file): every other command works, and `mcp` says which
        // file is missing instead of starting a server that cannot exist in this image.
        var dir = WrapperSupport.NewTempDir("tarball-alone");
        try
        {
            var unpacked = await UntarLinuxX64Async(dir, "ipmirpc");
            var alone = Path.Combine(unpacked, "ipmirpc");
            var mcp = await ProcessRunner.RunAsync(alone, ["mcp"], stdin: "", timeout: Wait);
            Assert.Equal(1, mcp.ExitCode);
            Assert.Equal("", mcp.StdOut);
            Assert.Contains($"{Path.Combine(unpacked, "ipmirpc-mcp")}, which is missing", mcp.StdErr, StringComparison.Ordinal);
            await AssertAnswersGetDeviceIdAsync(alone);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Dotnet_tool_installed_into_a_tool_path_answers_getDeviceId_like_ipmitool()
    {
        var dir = WrapperSupport.NewTempDir("tool");
        try
        {
            // Only the release folder as a package source: a package of the same name elsewhere cannot stand in.
            var config = Path.Combine(dir, "nuget.config");
            await File.WriteAllTextAsync(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="release" value="{ReleaseArtifacts.Dir}" />
                  </packageSources>
                </configuration>
                """);
            _release.Artifact($"ipmirpc.{_release.Version}.nupkg");
            var tools = Path.Combine(dir, "tools");
            var install = await ProcessRunner.RunAsync("dotnet",
                ["tool", "install", "ipmirpc", "--tool-path", tools, "--configfile", config, "--version", _release.Version],
                env: new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(dir, "packages"), ["DOTNET_NOLOGO"] = "1" },
                timeout: Wait, workingDirectory: dir);
            Assert.True(install.Succeeded, install.ToString());
            await AssertAnswersGetDeviceIdAsync(Path.Combine(tools, "ipmirpc"));
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Collection_installed_with_ansible_galaxy_runs_a_playbook_through_the_tarball_binary()
    {
        var dir = WrapperSupport.NewTempDir("collection");
        try
        {
            var tarball = _release.Artifact($"ipmirpc-ipmi-{_release.Version}.tar.gz");
            var listing = await ProcessRunner.RunAsync("tar", ["-tzf", tarball]);
            Assert.True(listing.Succeeded, listing.ToString());
            Assert.Contains("LICENSE", listing.StdOut.Split('\n'));
            Assert.Contains("CHANGELOG.md", listing.StdOut.Split('\n'));

            var binaryName = $"ipmirpc-{_release.Version}-linux-x64";
            var untar = await ProcessRunner.RunAsync("tar", ["-xzf", _release.Artifact(binaryName + ".tar.gz"), "-C", dir]);
            Assert.True(untar.Succeeded, untar.ToString());
            var env = new Dictionary<string, string>
            {
                ["ANSIBLE_COLLECTIONS_PATH"] = Path.Combine(dir, "collections"),
                ["ANSIBLE_HOME"] = Path.Combine(dir, "home"),
                ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(dir, "tmp"),
                ["ANSIBLE_REMOTE_TEMP"] = Path.Combine(dir, "tmp"),
                ["ANSIBLE_PYTHON_INTERPRETER"] = "/usr/bin/python3",
                ["ANSIBLE_LOCALHOST_WARNING"] = "False",
                ["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "False",
                ["ANSIBLE_NOCOLOR"] = "1",
                ["ANSIBLE_STDOUT_CALLBACK"] = "json",
                ["IPMIRPC_PATH"] = Path.Combine(dir, binaryName, "ipmirpc"),
            };
            var install = await ProcessRunner.RunAsync(Require.Tool("ansible-galaxy"),
                ["collection", "install", "-p", Path.Combine(dir, "collections"), tarball], env: env, timeout: Wait, workingDirectory: dir);
            Assert.True(install.Succeeded, install.ToString());

            await using var sim = await IpmiSim.StartAsync();
            var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
            var vars = Path.Combine(dir, "vars.json");
            await WrapperSupport.WritePrivateFileAsync(vars, JsonConvert.SerializeObject(new Dictionary<string, object>
            {
                ["bmc_host"] = sim.Host, ["bmc_port"] = sim.Port, ["bmc_user"] = sim.User, ["bmc_password"] = sim.Password,
            }));
            var playbook = Path.Combine(dir, "device.yml");
            await File.WriteAllTextAsync(playbook, """
                - name: Device ID through the installed collection
                  hosts: localhost
                  connection: local
                  gather_facts: false
                  module_defaults:
                    group/ipmirpc.ipmi.ipmi:
                      host: "{{ bmc_host }}"
                      port: "{{ bmc_port }}"
                      username: "{{ bmc_user }}"
                      password: "{{ bmc_password }}"
                      cipher_suite: 3
                  tasks:
                    - name: Read the device ID
                      ipmirpc.ipmi.ipmi_bmc_info:
                        gather: [device]
                """);
            var run = await ProcessRunner.RunAsync(Require.Tool("ansible-playbook"), ["-i", "localhost,", "-e", "@" + vars, playbook],
                env: env, timeout: Wait, workingDirectory: dir);
            Assert.True(run.Succeeded, run.ToString());
            var task = JObject.Parse(run.StdOut)["plays"]![0]!["tasks"]![0]!["hosts"]!["localhost"]!;
            Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), task["device"]!["product_id"]!.Value<int>());
            Assert.Equal(mcInfo["Firmware Revision"], task["device"]!["firmware_version"]!.Value<string>());
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task PowerShell_module_installed_from_a_local_repository_runs_a_cmdlet()
    {
        var dir = WrapperSupport.NewTempDir("psresource");
        try
        {
            var repository = Path.Combine(dir, "repository");
            Directory.CreateDirectory(repository);
            File.Copy(_release.Artifact($"powershell/IpmiRpc.{_release.Version}.nupkg"), Path.Combine(repository, $"IpmiRpc.{_release.Version}.nupkg"));
            var binaryName = $"ipmirpc-{_release.Version}-linux-x64";
            var untar = await ProcessRunner.RunAsync("tar", ["-xzf", _release.Artifact(binaryName + ".tar.gz"), "-C", dir]);
            Assert.True(untar.Succeeded, untar.ToString());

            await using var sim = await IpmiSim.StartAsync();
            var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
            const string script = """
                $ErrorActionPreference = 'Stop'
                Register-PSResourceRepository -Name Release -Uri $env:RELEASE_REPOSITORY -Trusted
                Install-PSResource -Name IpmiRpc -Repository Release -Scope CurrentUser -Version $env:RELEASE_VERSION
                Import-Module IpmiRpc
                $module = Get-Module IpmiRpc
                $password = ConvertTo-SecureString $env:IPMIRPC_TEST_BMC_PASSWORD -AsPlainText -Force
                $credential = [pscredential]::new($env:BMC_USER, $password)
                $device = Get-IpmiDeviceId -BmcHost $env:BMC_HOST -Port ([int]$env:BMC_PORT) -Credential $credential -CipherSuite 3
                [ordered]@{ Version = $module.Version.ToString(); Base = $module.ModuleBase; ProductId = $device.ProductId; Firmware = $device.FirmwareVersion } |
                    ConvertTo-Json -Compress
                """;
            var scriptPath = Path.Combine(dir, "install.ps1");
            await File.WriteAllTextAsync(scriptPath, script);
            var home = Path.Combine(dir, "home");
            // .NET resolves an XDG folder that does not exist to "" (PSResourceGet would then use the current folder).
            foreach (var xdg in new[] { ".local/share", ".config", ".cache" })
                Directory.CreateDirectory(Path.Combine(home, xdg));
            // A private HOME: the repository registration and the CurrentUser install stay inside the temp folder.
            var run = await ProcessRunner.RunAsync(Require.Tool("pwsh"), ["-NoProfile", "-NonInteractive", "-File", scriptPath],
                env: new Dictionary<string, string>
                {
                    ["HOME"] = home,
                    ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
                    ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
                    ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
                    ["PSModulePath"] = "",
                    ["RELEASE_REPOSITORY"] = repository,
                    ["RELEASE_VERSION"] = _release.Version,
                    ["IPMIRPC_PATH"] = Path.Combine(dir, binaryName, "ipmirpc"),
                    ["IPMIRPC_TEST_BMC_PASSWORD"] = sim.Password,
                    ["BMC_USER"] = sim.User,
                    ["BMC_HOST"] = sim.Host,
                    ["BMC_PORT"] = sim.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                timeout: Wait, workingDirectory: dir);
            Assert.True(run.Succeeded, run.ToString());
            var result = JObject.Parse(run.StdOut.Trim().Split('\n')[^1]);
            Assert.Equal(_release.Version, result["Version"]!.Value<string>());
            Assert.StartsWith(home, result["Base"]!.Value<string>(), StringComparison.Ordinal);
            Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), result["ProductId"]!.Value<int>());
            Assert.Equal(mcInfo["Firmware Revision"], result["Firmware"]!.Value<string>());
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    /// <summary>Unpacks the linux-x64 tarball (only <paramref name="members"/> of its folder, when given) into <paramref name="dir"/>; its folder.</summary>
    private async Task<string> UntarLinuxX64Async(string dir, params string[] members)
    {
        var name = $"ipmirpc-{_release.Version}-linux-x64";
        var untar = await ProcessRunner.RunAsync("tar", ["-xzf", _release.Artifact(name + ".tar.gz"), "-C", dir, .. members.Select(m => $"{name}/{m}")]);
        Assert.True(untar.Succeeded, untar.ToString());
        return Path.Combine(dir, name);
    }

    private Task AssertAnswersGetDeviceIdAsync(string exe, params string[] launcher) =>
        AssertAnswersGetDeviceIdAsync(exe, new Dictionary<string, string>(), launcher);

    /// <summary>
    /// <paramref name="exe"/> run directly, or through <paramref name="launcher"/> (an emulator and its options) when
    /// given, with <paramref name="launcherEnv"/> added to its environment.
    /// </summary>
    private async Task AssertAnswersGetDeviceIdAsync(string exe, Dictionary<string, string> launcherEnv, params string[] launcher)
    {
        var file = launcher.Length > 0 ? launcher[0] : exe;
        string[] prefix = launcher.Length > 0 ? [.. launcher[1..], exe] : [];
        var version = await ProcessRunner.RunAsync(file, [.. prefix, "--version"], env: launcherEnv, timeout: Wait);
        Assert.True(version.Succeeded, version.ToString());
        Assert.Equal(_release.Version + "\n", version.StdOut);

        await using var sim = await IpmiSim.StartAsync();
        var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
        var target = new JObject
        {
            ["host"] = sim.Host,
            ["port"] = sim.Port,
            ["username"] = sim.User,
            ["passwordEnv"] = PasswordVariable,
            ["cipherSuite"] = 3,
        };
        var call = await ProcessRunner.RunAsync(file,
            [.. prefix, "call", "bmc.getDeviceId", "--params", new JObject { ["target"] = target }.ToString(Formatting.None)],
            env: new Dictionary<string, string>(launcherEnv) { [PasswordVariable] = sim.Password }, timeout: Wait);
        Assert.True(call.Succeeded, call.ToString());
        var device = JObject.Parse(call.StdOut);
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Manufacturer ID"]), device["manufacturerId"]!.Value<int>());
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), device["productId"]!.Value<int>());
        Assert.Equal(mcInfo["Firmware Revision"], device["firmwareVersion"]!.Value<string>());
    }
}
