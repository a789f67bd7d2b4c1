using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.TestSupport;

/// <summary>
/// The ipmi_sim plugin that answers Get/Set System Info Parameters (06/59, 06/58). ipmitool's getsysinfo and
/// setsysinfo exit 0 even when the BMC refuses, so these compare output and raw bytes.
/// </summary>
public sealed class SysInfoPluginTests
{
    [Fact]
    public async Task Without_the_plugin_the_simulator_refuses_system_info_with_c1()
    {
        await using var sim = await IpmiSim.StartAsync();

        var r = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x04", "0x00", "0x00");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("rsp=0xc1", r.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ipmitool_setsysinfo_then_getsysinfo_round_trips_through_the_plugin()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });

        var before = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "os_name");
        var set = await IpmiTool.RunAsync(sim, "mc", "setsysinfo", "os_name", "Debian");
        var after = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "os_name");
        var raw = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x04", "0x00", "0x00");

        Assert.True(before.ExitCode == 0 && before.StdOut.Trim().Length == 0, before.ToString());
        Assert.True(set.ExitCode == 0 && set.StdErr.Trim().Length == 0, set.ToString());
        Assert.Equal("Debian", after.StdOut.Trim());
        // revision 0x11, set selector 0, encoding 0 (ASCII), length 6, "Debian", zero padding
        Assert.Equal("11 00 00 06 44 65 62 69 61 6e 00 00 00 00 00 00 00 00", Normalize(raw.StdOut));
    }

    [Fact]
    public async Task Parameters_are_stored_per_selector_and_set_selector()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        const string longName = "host-0123456789-abcdefghijklmnopqrstuvwxyz.example.net";

        await IpmiTool.RunAsync(sim, "mc", "setsysinfo", "system_name", longName);
        await IpmiTool.RunAsync(sim, "mc", "setsysinfo", "system_fw_version", "1.2.3");
        var name = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "system_name");
        var fw = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "system_fw_version");
        var os = await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "os_name");
        var block1 = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x02", "0x01", "0x00");

        Assert.Equal(longName, name.StdOut.Trim());
        Assert.Equal("1.2.3", fw.StdOut.Trim());
        Assert.Equal("", os.StdOut.Trim());
        // Set selector 1 carries characters 14..29 of the string.
        var expected = "11 01 " + string.Join(' ', longName.Substring(14, 16).Select(c => ((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(expected, Normalize(block1.StdOut));
    }

    [Fact]
    public async Task Set_in_progress_revision_only_and_unsupported_parameters_follow_the_spec()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions
        {
            SystemInfoPlugin = true,
            SystemInfoPluginOptions = "unsupported=5",
        });

        var begin = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x58", "0x00", "0x01");
        var inProgress = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x00", "0x00", "0x00");
        var again = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x58", "0x00", "0x01");
        var commit = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x58", "0x00", "0x02");
        var complete = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x00", "0x00", "0x00");
        var revOnly = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x80", "0x01", "0x00", "0x00");
        var reserved = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x08", "0x00", "0x00");
        var disabled = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x05", "0x00", "0x00");
        var enabled = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x06", "0x00", "0x00");
        var shortSet = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x58", "0x04");

        Assert.True(begin.ExitCode == 0, begin.ToString());
        Assert.Equal("11 01", Normalize(inProgress.StdOut));
        Assert.Contains("rsp=0x81", again.StdErr, StringComparison.Ordinal);
        Assert.True(commit.ExitCode == 0, commit.ToString());
        Assert.Equal("11 00", Normalize(complete.StdOut));
        Assert.Equal("11", Normalize(revOnly.StdOut));
        Assert.Contains("rsp=0x80", reserved.StdErr, StringComparison.Ordinal);
        Assert.Contains("rsp=0x80", disabled.StdErr, StringComparison.Ordinal);
        Assert.True(enabled.ExitCode == 0, enabled.ToString());
        Assert.Contains("rsp=0xc7", shortSet.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Freeipmi_bmc_info_reads_what_the_plugin_stores()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await IpmiTool.RunAsync(sim, "mc", "setsysinfo", "os_name", "Debian GNU/Linux 12");

        var r = await FreeIpmi.RunAsync("bmc-info", sim, "--get-system-info");

        Assert.Matches(@"Operating System Name\s+:\s+Debian GNU/Linux 12", r.StdOut);
    }

    private static string Normalize(string ipmitoolRaw) =>
        string.Join(' ', ipmitoolRaw.Split([' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
}
