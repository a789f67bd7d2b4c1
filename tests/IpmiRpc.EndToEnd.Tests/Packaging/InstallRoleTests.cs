using IpmiRpc.EndToEnd.Tests.Wrappers;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// The collection's <c>ipmirpc.ipmi.install</c> role, from the released collection, putting the released linux-x64
/// tarball into a temp prefix with ansible-playbook on localhost: check mode writes nothing, the install runs, a second
/// run changes nothing, the unit it writes passes <c>systemd-analyze verify</c>, a wrong checksum installs nothing (two
/// tests, each well inside the suite's hang timeout).
/// </summary>
public sealed class InstallRoleTests : IClassFixture<ReleaseArtifacts>
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(4);
    private readonly ReleaseArtifacts _release;

    public InstallRoleTests(ReleaseArtifacts release) => _release = release;

    [Fact]
    public async Task Role_installs_the_verified_binary_idempotently_and_honours_check_mode()
    {
        var dir = WrapperSupport.NewTempDir("role");
        try
        {
            var (env, tarball, checksum) = await InstallCollectionAsync(dir);
            var prefix = Path.Combine(dir, "prefix");
            var systemd = Path.Combine(dir, "systemd");
            Directory.CreateDirectory(systemd);
            var unit = Path.Combine(systemd, "ipmirpc.service");

            var check = await PlaybookAsync(dir, env, tarball, checksum, prefix, systemd, "--check");
            Assert.True(check.Run.Succeeded, check.Run.ToString());
            Assert.True(check.Stats["changed"]!.Value<int>() > 0, check.Run.ToString());
            Assert.False(Directory.Exists(prefix), "check mode created the prefix");
            Assert.False(File.Exists(unit), "check mode wrote the unit");

            var first = await PlaybookAsync(dir, env, tarball, checksum, prefix, systemd);
            Assert.True(first.Run.Succeeded, first.Run.ToString());
            Assert.True(first.Stats["changed"]!.Value<int>() > 0, first.Run.ToString());
            var binary = Path.Combine(prefix, "bin", "ipmirpc");
            var version = await ProcessRunner.RunAsync(binary, ["--version"]);
            Assert.True(version.Succeeded, version.ToString());
            Assert.Equal(_release.Version + "\n", version.StdOut);
            Assert.Contains($"ExecStart={binary} serve --socket /run/ipmirpc/ipmirpc.sock", await File.ReadAllTextAsync(unit), StringComparison.Ordinal);
            // systemd's own check of the unit as written (syntax, directives, an executable ExecStart); no systemd runs
            // here (nor in the in-band QEMU guest) to start it.
            var verify = await ProcessRunner.RunAsync(Require.Tool("systemd-analyze"), ["verify", unit]);
            Assert.True(verify.Succeeded && verify.StdErr.Trim().Length == 0, verify.ToString());

            var second = await PlaybookAsync(dir, env, tarball, checksum, prefix, systemd);
            Assert.True(second.Run.Succeeded, second.Run.ToString());
            Assert.Equal(0, second.Stats["changed"]!.Value<int>());
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Role_refuses_a_tarball_whose_checksum_differs_and_installs_nothing()
    {
        var dir = WrapperSupport.NewTempDir("role");
        try
        {
            var (env, tarball, checksum) = await InstallCollectionAsync(dir);
            var prefix = Path.Combine(dir, "prefix");
            var systemd = Path.Combine(dir, "systemd");
            Directory.CreateDirectory(systemd);
            var wrong = string.Concat(checksum.Select(c => c == '0' ? '1' : '0'));
            var refused = await PlaybookAsync(dir, env, tarball, wrong, prefix, systemd);
            Assert.False(refused.Run.Succeeded, refused.Run.ToString());
            Assert.Contains($"not {wrong}: nothing installed", refused.Run.StdOut, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(prefix, "bin", "ipmirpc")), "a binary was installed from an unverified tarball");
            Assert.Empty(Directory.GetFiles(Path.Combine(prefix, "lib", "ipmirpc")));
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    /// <summary>The released collection installed into DIR/collections; the linux-x64 tarball and its SHA256SUMS line.</summary>
    private async Task<(Dictionary<string, string> Env, string Tarball, string Checksum)> InstallCollectionAsync(string dir)
    {
        var env = AnsibleEnv(dir);
        var install = await ProcessRunner.RunAsync(Require.Tool("ansible-galaxy"),
            ["collection", "install", "-p", env["ANSIBLE_COLLECTIONS_PATH"], _release.Artifact($"ipmirpc-ipmi-{_release.Version}.tar.gz")],
            env: env, timeout: Wait, workingDirectory: dir);
        Assert.True(install.Succeeded, install.ToString());
        var tarballName = $"ipmirpc-{_release.Version}-linux-x64.tar.gz";
        var checksum = File.ReadAllLines(_release.Artifact("SHA256SUMS"))
            .Select(l => l.Split("  ", 2)).Single(p => p[1] == tarballName)[0];
        return (env, _release.Artifact(tarballName), checksum);
    }

    private static Dictionary<string, string> AnsibleEnv(string dir) => new()
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
    };

    private static async Task<(ToolResult Run, JObject Stats)> PlaybookAsync(string dir, Dictionary<string, string> env,
        string tarball, string checksum, string prefix, string systemd, params string[] extra)
    {
        var vars = Path.Combine(dir, $"vars-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(vars, JsonConvert.SerializeObject(new Dictionary<string, string>
        {
            ["release_tarball"] = tarball, ["release_checksum"] = checksum, ["prefix"] = prefix, ["systemd_dir"] = systemd,
        }));
        var run = await ProcessRunner.RunAsync(Require.Tool("ansible-playbook"),
            ["-i", "localhost,", "-e", "@" + vars, Path.Combine(WrapperSupport.FixturesDir, "ansible", "install_role.yml"), .. extra],
            env: env, timeout: Wait, workingDirectory: dir);
        JObject output;
        try
        {
            output = JObject.Parse(run.StdOut);
        }
        catch (JsonReaderException e)
        {
            throw new Xunit.Sdk.XunitException($"ansible-playbook output is not JSON ({e.Message}):\n{run}");
        }

        return (run, (JObject)output["stats"]!["localhost"]!);
    }
}
