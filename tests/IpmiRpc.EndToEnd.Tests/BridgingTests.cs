using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using static IpmiRpc.EndToEnd.Tests.LanConfigurationTests;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// ipmi.requestResponse with responderAddress/channel over lanplus (Send Message bridging) against ipmi_sim with a
/// second controller (tests/fixtures/ipmi_sim/bridged.emu), the same call the openipmi transport serves through the kernel.
/// </summary>
public sealed class BridgingTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RequestResponse_bridged_to_0x30_answers_as_ipmitool_b_t_raw_does()
    {
        var emu = await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "bridged.emu"));
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraEmu = emu });
        await using var rpc = await IpmiRpcProcess.StartAsync();

        var bridged = Result(await CallValidatedAsync(rpc, "ipmi.requestResponse",
            new JObject { ["target"] = Target(sim), ["command"] = "GetDeviceId", ["responderAddress"] = 0x30, ["channel"] = 0 }, CallTimeout));
        var own = Result(await CallValidatedAsync(rpc, "ipmi.requestResponse",
            new JObject { ["target"] = Target(sim), ["command"] = "GetDeviceId" }, CallTimeout));
        var absent = await CallValidatedAsync(rpc, "ipmi.requestResponse",
            new JObject { ["target"] = Target(sim), ["command"] = "GetDeviceId", ["responderAddress"] = 0x40, ["channel"] = 0 }, CallTimeout);

        var tool = await IpmiTool.RunAsync(sim, "-b", "0", "-t", "0x30", "raw", "6", "1");
        Assert.True(tool.ExitCode == 0, tool.StdErr);
        Assert.Equal(string.Concat(tool.StdOut.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), (string?)bridged["hex"]);
        Assert.Equal(0x42, (int)bridged["data"]![0]!);
        Assert.NotEqual((string?)own["hex"], (string?)bridged["hex"]);
        Assert.Equal(-32001, (int)absent["error"]!["code"]!);
        Assert.Equal(0x83, (int)absent["error"]!["data"]!["completionCode"]!);
    }
}
