using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using static IpmiRpc.EndToEnd.Tests.LanConfigurationTests;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// systemInfo.get / systemInfo.set against ipmi_sim with the system info plugin, cross-checked with ipmitool's
/// <c>mc getsysinfo</c>/<c>setsysinfo</c> in both directions (they exit 0 even on failure: compare output).
/// </summary>
public sealed class SystemInfoTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    // ipmitool's names for parameters 1–4 (5–7 have no ipmitool name).
    private static readonly (string Ipmitool, string Ours)[] Names =
    [
        ("system_fw_version", "systemFirmwareVersion"),
        ("system_name", "systemName"),
        ("primary_os_name", "primaryOperatingSystemName"),
        ("os_name", "operatingSystemName"),
    ];

    [Fact]
    public async Task Values_written_by_ipmitool_read_back_through_ipmirpc()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        string[] values = ["1.2.3-fw", "rack7-node-0042.datacenter.example.org", "Linux", "Debian GNU/Linux 12 (bookworm)"];
        for (var i = 0; i < Names.Length; i++)
        {
            await IpmiTool.RunAsync(sim, "mc", "setsysinfo", Names[i].Ipmitool, values[i]);
        }

        await using var rpc = await IpmiRpcProcess.StartAsync();
        var result = Result(await CallValidatedAsync(rpc, "systemInfo.get", new JObject { ["target"] = Target(sim) }, CallTimeout));

        Assert.Equal(7, result.Count);
        for (var i = 0; i < Names.Length; i++)
        {
            var shown = (await IpmiTool.RunAsync(sim, "mc", "getsysinfo", Names[i].Ipmitool)).StdOut.TrimEnd('\n');
            Assert.Equal(values[i], shown);
            Assert.Equal(shown, (string?)result[Names[i].Ours]);
        }

        Assert.Equal("", (string?)result["presentOperatingSystemVersion"]);
        Assert.Equal("", (string?)result["bmcUrl"]);
        Assert.Equal("", (string?)result["hypervisorUrl"]);
    }

    [Fact]
    public async Task Values_written_by_ipmirpc_read_back_with_ipmitool()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await IpmiTool.RunAsync(sim, "mc", "setsysinfo", "primary_os_name", "to-be-emptied");
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var values = new JObject
        {
            ["systemName"] = "node-with-a-name-longer-than-one-block.example", // 46 bytes: 3 blocks
            ["operatingSystemName"] = "Ubuntu 24.04 LTS – Grüße, 世界",        // UTF-8
            ["primaryOperatingSystemName"] = "",                                 // the empty string
            ["systemFirmwareVersion"] = "BIOS 2.19.1",
        };

        var result = Result(await CallValidatedAsync(rpc, "systemInfo.set", new JObject { ["target"] = Target(sim), ["values"] = values }, CallTimeout));

        Assert.True((bool)result["changed"]!);
        Assert.Equal("to-be-emptied", (string?)result["previous"]!["primaryOperatingSystemName"]);
        foreach (var (ipmitool, ours) in Names)
        {
            var shown = (await IpmiTool.RunAsync(sim, "mc", "getsysinfo", ipmitool)).StdOut.TrimEnd('\n');
            Assert.Equal((string?)values[ours], shown);
            Assert.Equal((string?)values[ours], (string?)result["current"]![ours]);
        }

        // The UTF-8 string is stored with encoding 1 and its byte length.
        var raw = await IpmiTool.RunAsync(sim, "raw", "0x06", "0x59", "0x00", "0x04", "0x00", "0x00");
        var bytes = raw.StdOut.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("01", bytes[2]);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount((string)values["operatingSystemName"]!), Convert.ToInt32(bytes[3], 16));
    }

    [Fact]
    public async Task Set_is_idempotent_and_dry_run_writes_nothing()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var set = new JObject { ["target"] = Target(sim), ["values"] = new JObject { ["systemName"] = "alpha" } };

        var first = Result(await CallValidatedAsync(rpc, "systemInfo.set", set, CallTimeout));
        var second = Result(await CallValidatedAsync(rpc, "systemInfo.set", set, CallTimeout));
        var dry = Result(await CallValidatedAsync(rpc, "systemInfo.set",
            new JObject { ["target"] = Target(sim), ["values"] = new JObject { ["systemName"] = "beta" }, ["dryRun"] = true }, CallTimeout));

        Assert.True((bool)first["changed"]!);
        Assert.False((bool)second["changed"]!);
        Assert.Empty(second["changedParameters"]!);
        Assert.True((bool)dry["changed"]!);
        Assert.Equal("beta", (string?)dry["current"]!["systemName"]);
        Assert.Equal("alpha", (await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "system_name")).StdOut.TrimEnd('\n'));
    }

    [Fact]
    public async Task Strings_up_to_255_bytes_round_trip_and_longer_ones_are_invalid_params()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var longest = string.Concat(Enumerable.Range(0, 255).Select(i => (char)('a' + (i % 26))));

        var ok = Result(await CallValidatedAsync(rpc, "systemInfo.set",
            new JObject { ["target"] = Target(sim), ["values"] = new JObject { ["bmcUrl"] = longest } }, CallTimeout));
        var read = Result(await CallValidatedAsync(rpc, "systemInfo.get",
            new JObject { ["target"] = Target(sim), ["parameters"] = new JArray("bmcUrl") }, CallTimeout));
        var tooLong = await CallValidatedAsync(rpc, "systemInfo.set",
            new JObject { ["target"] = Target(sim), ["values"] = new JObject { ["bmcUrl"] = longest + "z" } }, CallTimeout);

        Assert.True((bool)ok["changed"]!);
        Assert.Equal(longest, (string?)read["bmcUrl"]);
        Assert.Equal(-32602, (int)tooLong["error"]!["code"]!);
        Assert.Equal("values.bmcUrl", (string?)tooLong["error"]!["data"]!["field"]);
    }

    [Fact]
    public async Task Unsupported_parameters_are_null()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true, SystemInfoPluginOptions = "unsupported=5,7" });
        await using var plain = await IpmiSim.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();

        var partial = Result(await CallValidatedAsync(rpc, "systemInfo.get", new JObject { ["target"] = Target(sim) }, CallTimeout));
        var none = Result(await CallValidatedAsync(rpc, "systemInfo.get", new JObject { ["target"] = Target(plain) }, CallTimeout));
        var unknown = await CallValidatedAsync(rpc, "systemInfo.get", new JObject { ["target"] = Target(sim), ["parameters"] = new JArray("osName") }, CallTimeout);

        Assert.Equal(JTokenType.Null, partial["presentOperatingSystemVersion"]!.Type);
        Assert.Equal(JTokenType.Null, partial["hypervisorUrl"]!.Type);
        Assert.Equal("", (string?)partial["operatingSystemName"]);
        // Plain ipmi_sim answers C1 (invalid command) to 06/59: every parameter null, not an error.
        Assert.Equal(7, none.Count);
        Assert.All(none.Properties(), p => Assert.Equal(JTokenType.Null, p.Value.Type));
        Assert.Equal(-32602, (int)unknown["error"]!["code"]!);
    }

    /// <summary>The original post: tie the BMC to its host (IP + MAC), then stamp the host's OS name into the BMC.</summary>
    [Fact]
    public async Task Read_bmc_ip_and_mac_then_stamp_the_os_name_from_os_release()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await IpmiTool.ExecAsync(sim, ["lan set 1 ipaddr 192.0.2.10", "lan set 1 macaddr 02:42:c0:00:02:0a"]);
        var prettyName = File.ReadLines("/etc/os-release")
            .Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            .Select(l => l["PRETTY_NAME=".Length..].Trim('"'))
            .Single();
        await using var rpc = await IpmiRpcProcess.StartAsync();

        var lan = Result(await CallValidatedAsync(rpc, "lan.getConfiguration", new JObject { ["target"] = Target(sim) }, CallTimeout));
        var stamp = Result(await CallValidatedAsync(rpc, "systemInfo.set",
            new JObject { ["target"] = Target(sim), ["values"] = new JObject { ["operatingSystemName"] = prettyName } }, CallTimeout));
        var read = Result(await CallValidatedAsync(rpc, "systemInfo.get",
            new JObject { ["target"] = Target(sim), ["parameters"] = new JArray("operatingSystemName") }, CallTimeout));

        Assert.Equal("192.0.2.10", (string?)lan["ipAddress"]);
        Assert.Equal("02:42:c0:00:02:0a", (string?)lan["macAddress"]);
        Assert.True((bool)stamp["changed"]!);
        Assert.Equal(prettyName, (string?)read["operatingSystemName"]);
        Assert.Equal(prettyName, (await IpmiTool.RunAsync(sim, "mc", "getsysinfo", "os_name")).StdOut.TrimEnd('\n'));
    }
}
