using System.Diagnostics;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.TestSupport;

/// <summary>The test fixtures themselves: if these fail, every simulator-based test is suspect.</summary>
public sealed class IpmiSimTests
{
    // Get Device ID as configured by the emu file's mc_add line (device 0, rev 3, fw 9.08, IPMI 2.0,
    // support 0x9f, manufacturer 0x001291, product 0x0f02).
    private const string ExpectedDeviceId = "00 03 09 08 02 9f 91 12 00 02 0f";

    [Fact]
    public async Task Sim_answers_get_device_id_as_its_emu_file_says()
    {
        await using var sim = await IpmiSim.StartAsync();
        Assert.True(sim.IsRunning);
        Assert.InRange(sim.Port, 20000, 59999);

        var r = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x01");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith(ExpectedDeviceId, r.StdOut.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sim_serves_lan_configuration_that_ipmitool_lan_print_reads()
    {
        await using var sim = await IpmiSim.StartAsync();

        var set = await IpmiTool.RunAsync(sim, "lan", "set", "1", "ipaddr", "10.1.2.3");
        var r = await IpmiTool.RunAsync(sim, "lan", "print", "1");

        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches(@"IP Address\s+:\s+10\.1\.2\.3", r.StdOut);
        Assert.Contains("RMCP+ Cipher Suites", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sim_answers_freeipmi_with_the_peers_md_workarounds()
    {
        await using var sim = await IpmiSim.StartAsync();

        var r = await FreeIpmi.RunAsync("ipmi-raw", sim, "00", "06", "01");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("rcvd: 01 00 " + ExpectedDeviceId.ToUpperInvariant(), r.StdOut.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_is_refused_and_extra_users_can_log_in()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [("alice", "wonderland1")] });

        var alice = await IpmiTool.RunAsUserAsync(sim, "alice", "wonderland1", ["raw", "6", "1"]);
        var wrong = await IpmiTool.RunAsUserAsync(sim, sim.User, "not-the-password", ["raw", "6", "1"]);

        Assert.True(alice.ExitCode == 0, alice.ToString());
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Fact]
    public async Task Simulators_get_distinct_ports_and_a_taken_port_is_seen_as_taken()
    {
        await using var a = await IpmiSim.StartAsync();
        await using var b = await IpmiSim.StartAsync();

        Assert.NotEqual(a.Port, b.Port);
        Assert.False(Ports.IsUdpPortFree(a.Port));
        Assert.False(Ports.IsUdpPortFree(b.Port));
        Assert.True((await IpmiTool.RunAsync(a, "raw", "6", "1")).Succeeded);
        Assert.True((await IpmiTool.RunAsync(b, "raw", "6", "1")).Succeeded);
    }

    [Fact]
    public void Free_ports_are_distinct_and_in_range()
    {
        var udp = Enumerable.Range(0, 20).Select(_ => Ports.GetFreeUdpPort()).ToList();
        var tcp = Enumerable.Range(0, 5).Select(_ => Ports.GetFreeTcpPort()).ToList();

        Assert.Equal(udp.Count, udp.Distinct().Count());
        Assert.All(udp.Concat(tcp), p => Assert.InRange(p, 20000, 59999));
        Assert.All(tcp, p => Assert.True(Ports.IsTcpPortFree(p)));
    }

    [Fact]
    public async Task Stop_silences_the_bmc_and_start_again_serves_the_same_port_with_fresh_state()
    {
        await using var sim = await IpmiSim.StartAsync();
        var port = sim.Port;
        Assert.True((await IpmiTool.RunAsync(sim, "lan", "set", "1", "ipaddr", "10.9.8.7")).Succeeded);

        await sim.StopAsync();
        Assert.False(sim.IsRunning);
        Assert.True(Ports.IsUdpPortFree(port));
        var silent = await IpmiTool.RunAsync(sim, ["-N", "1", "-R", "1", "raw", "6", "1"], null, TimeSpan.FromSeconds(20));
        Assert.NotEqual(0, silent.ExitCode);

        await sim.StartAgainAsync();
        Assert.True(sim.IsRunning);
        Assert.Equal(port, sim.Port);
        var r = await IpmiTool.RunAsync(sim, "lan", "print", "1");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotMatch(@"IP Address\s+:\s+10\.9\.8\.7", r.StdOut);
    }

    [Fact]
    public async Task Dispose_kills_the_simulator_and_deletes_its_directory()
    {
        var sim = await IpmiSim.StartAsync();
        var pid = sim.ProcessId!.Value;
        var dir = sim.Directory;
        Assert.True(File.Exists(sim.LanConfPath));

        await sim.DisposeAsync();

        Assert.False(Directory.Exists(dir));
        Assert.False(IsAlive(pid), $"ipmi_sim pid {pid} still alive");
        Assert.True(Ports.IsUdpPortFree(sim.Port));
    }

    [Fact]
    public async Task A_broken_configuration_fails_fast_with_the_simulator_log()
    {
        // Fast means the simulator's exit is noticed, not the start-up timeout spent: the exception says which.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            IpmiSim.StartAsync(new IpmiSimOptions { ExtraLanConf = ["this_is_not_a_command 1 2 3"] }));

        Assert.Contains("exited with code", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sim.log", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_tool_finds_installed_tools_and_fails_with_the_install_hint_otherwise()
    {
        Assert.EndsWith("/ipmitool", Require.Tool("ipmitool"), StringComparison.Ordinal);
        var ex = Assert.ThrowsAny<Exception>(() => Require.Tool("no-such-tool-ipmirpc-xyz"));
        Assert.Contains("tests/setup/install-deps.sh", ex.Message, StringComparison.Ordinal);
    }

    internal static bool IsAlive(int pid)
    {
        // A killed child is reaped by .NET; /proc/PID vanishes (or is reused, unlikely within a test).
        return Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
    }
}
