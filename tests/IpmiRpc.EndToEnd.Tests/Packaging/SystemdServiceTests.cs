using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// The release's service under a real systemd (this machine's PID 1 is not systemd): tests/setup/systemd-service-check.sh
/// boots a Debian 12 root with <c>systemd-nspawn -b --private-network</c>, installs the released collection, runs the
/// <c>ipmirpc.ipmi.install</c> role with the service on (systemctl enables and starts it), and calls bmc.getDeviceId on
/// an ipmi_sim inside the container through the service's socket, raw and with <c>ipmi_bmc_info</c> in socket mode;
/// then a second role run changes nothing and stopping the service removes the socket. tests/run.sh builds the root
/// (debootstrap) beforehand; the script builds it itself when absent.
/// </summary>
public sealed class SystemdServiceTests : IClassFixture<ReleaseArtifacts>
{
    private readonly ReleaseArtifacts _release;

    public SystemdServiceTests(ReleaseArtifacts release) => _release = release;

    [Fact]
    public async Task Systemd_starts_the_role_installed_service_and_it_answers_on_its_socket()
    {
        Require.Tool("systemd-nspawn");
        Require.Tool("debootstrap");
        _release.Artifact($"ipmirpc-{_release.Version}-linux-x64.tar.gz");
        var run = await ProcessRunner.RunAsync("/bin/bash",
            [Path.Combine(RepoPaths.Root, "tests", "setup", "systemd-service-check.sh")],
            env: new Dictionary<string, string> { ["IPMIRPC_SYSTEMD_CHECK_ARTIFACTS"] = ReleaseArtifacts.Dir },
            timeout: TimeSpan.FromMinutes(4.5));
        Assert.True(run.Succeeded, run.ToString());
        Assert.Contains("systemd-service-check: PASS", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("[check] one server, the service's", run.StdErr, StringComparison.Ordinal);
    }
}
