using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// Quirks against the real simulator: ipmi_sim set up to lie the way a named board does (tests/fixtures/ipmi_sim/
/// quirks.sdrs and quirks.emu; fru.emu's device 1), the lie shown without the quirk and worked around with it, through
/// the real <c>ipmirpc</c> with the quirk declared on the target, and FreeIPMI's workaround flag of the same name on the
/// same simulator as the oracle. ipmitool has none of these workarounds: it bridges to the bogus owner and fails (asserted
/// here), prints a discrete sensor's states only, and prints a damaged FRU area without checking it (FruSimTests).
/// Not on the simulator: sdrTimestampsUnreliable and assumeMaxSdrRecordCount, because ipmi_sim stamps every SDR
/// addition, cannot delete one (Delete SDR reads the record ID from its response buffer and answers CBh), and always
/// chains exactly the records it counts; both are covered by Core.Tests/Sdr against a scripted BMC.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class QuirkSimTests
{
    private static JObject Quirked(IpmiSim sim, string quirk)
    {
        var target = ChassisTests.Target(sim);
        target["quirks"] = new JArray(quirk);
        return target;
    }

    private static async Task<JToken> SensorAsync(IpmiRpcProcess rpc, JObject target, string name)
    {
        var list = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target, ["names"] = new JArray(name) });
        return Assert.Single((JArray)list["sensors"]!);
    }

    /// <summary>FreeIPMI's row for <paramref name="name"/>: record id, name, type, reading, units, event.</summary>
    private static async Task<string[]> FreeIpmiRowAsync(IpmiSim sim, string name, string workarounds)
    {
        var cache = Directory.CreateDirectory(Path.Combine(sim.Directory, $"freeipmi-cache-{Guid.NewGuid():N}"));
        File.SetUnixFileMode(cache.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // One -W replaces another: the simulator's own workaround (FreeIpmi.RunAsync) is repeated with the quirk's.
        var result = await FreeIpmi.RunAsync("ipmi-sensors", sim, ["--sdr-cache-directory", cache.FullName, "--quiet-cache", "--no-header-output", "-W", workarounds], timeout: null);
        Assert.True(result.ExitCode == 0, result.ToString());
        return Assert.Single(IpmitoolSdrRows.Rows(result.StdOut), r => r[1] == name).ToArray();
    }

    [Fact]
    public async Task AssumeBmcOwner_reads_a_sensor_whose_SDR_names_an_owner_that_is_not_there_as_FreeIPMI_assumebmcowner_does()
    {
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.QuirksOptionsAsync());
        await using var rpc = await ChassisTests.StartRpcAsync(sim);

        // The SDR names owner 2Ch: Get Sensor Reading is bridged there, and the simulator NAKs it on the IPMB.
        var plain = await SensorAsync(rpc, ChassisTests.Target(sim), "Bogus Owner Temp");
        Assert.Equal("readingUnavailable", (string?)plain["status"]);
        Assert.Null((double?)plain["reading"]);
        Assert.Equal(0x2C, (int)plain["owner"]!["address"]!);
        Assert.NotNull((int?)plain["completionCode"]);
        // ipmitool bridges too, and gets no reading either.
        var elist = await IpmiTool.RunAsync(sim, "sdr", "elist");
        Assert.True(elist.ExitCode == 0, elist.ToString());
        var row = Assert.Single(IpmitoolSdrRows.Rows(elist.StdOut), r => r[0] == "Bogus Owner Temp");
        Assert.Equal(("ns", "No Reading"), (row[2], row[4]));

        var quirked = await SensorAsync(rpc, Quirked(sim, "assumeBmcOwner"), "Bogus Owner Temp");
        Assert.Equal(("ok", 33.0, (int?)null), ((string?)quirked["status"], (double?)quirked["reading"], (int?)quirked["completionCode"]));

        // FreeIPMI does not bridge by default (N/A) and reads it from the BMC with its workaround: the same value.
        Assert.Equal("N/A", (await FreeIpmiRowAsync(sim, "Bogus Owner Temp", "opensesspriv"))[3]);
        Assert.Equal("33.00", (await FreeIpmiRowAsync(sim, "Bogus Owner Temp", "opensesspriv,assumebmcowner"))[3]);
    }

    [Fact]
    public async Task DiscreteReading_converts_the_analog_byte_behind_a_discrete_type_as_FreeIPMI_discretereading_does()
    {
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.QuirksOptionsAsync());
        await using var rpc = await ChassisTests.StartRpcAsync(sim);

        var plain = await SensorAsync(rpc, ChassisTests.Target(sim), "Discrete Fan");
        Assert.Null((double?)plain["reading"]);
        Assert.Equal(60, (int)plain["raw"]!);
        Assert.Equal(["State Deasserted"], plain["states"]!.Select(s => (string?)s["name"]));

        var quirked = await SensorAsync(rpc, Quirked(sim, "discreteReading"), "Discrete Fan");
        Assert.Equal(3000.0, (double?)quirked["reading"]);
        Assert.Equal("RPM", (string?)quirked["unitsAbbreviation"]);
        Assert.Equal(plain["states"]!.ToString(), quirked["states"]!.ToString());

        var freeIpmi = await FreeIpmiRowAsync(sim, "Discrete Fan", "opensesspriv");
        Assert.Equal(("N/A", "'State Deasserted'"), (freeIpmi[3], freeIpmi[5]));
        var freeQuirked = await FreeIpmiRowAsync(sim, "Discrete Fan", "opensesspriv,discretereading");
        Assert.Equal(("3000.00", "RPM", "'State Deasserted'"), (freeQuirked[3], freeQuirked[4], freeQuirked[5]));
    }

    [Fact]
    public async Task SkipFruChecks_decodes_a_board_area_with_a_bad_checksum_as_FreeIPMI_skipchecks_does()
    {
        // fru.emu's device 1 is device 0 with one bit flipped in the board manufacturer; the board's FRU locator
        // ("PSU1 FRU") lets FreeIPMI find the device.
        var fru = await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "fru.emu"));
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.QuirksOptionsAsync(fru));
        await using var rpc = await ChassisTests.StartRpcAsync(sim);

        var plain = await ChassisTests.CallAsync(rpc, "fru.read", new JObject { ["target"] = ChassisTests.Target(sim), ["deviceId"] = 1 });
        var board = plain["inventory"]!["board"]!;
        Assert.False((bool)board["status"]!["checksumOk"]!);
        Assert.True(board["manufacturer"] is null or { Type: JTokenType.Null }, board.ToString());

        var quirked = await ChassisTests.CallAsync(rpc, "fru.read", new JObject { ["target"] = Quirked(sim, "skipFruChecks"), ["deviceId"] = 1 });
        var decoded = quirked["inventory"]!["board"]!;
        Assert.False((bool)decoded["status"]!["checksumOk"]!);
        Assert.Equal("HpmiRpc Labs", (string?)decoded["manufacturer"]!["text"]);
        Assert.Equal("Test Mainboard", (string?)decoded["productName"]!["text"]);

        var strictTool = await FreeIpmi.RunAsync("ipmi-fru", sim, ["--device-id", "1", "-W", "opensesspriv"], timeout: null);
        Assert.True(strictTool.ExitCode == 0, strictTool.ToString());
        Assert.Contains("FRU Error: board info area checksum invalid", strictTool.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("FRU Board Manufacturer", strictTool.StdOut, StringComparison.Ordinal);
        var skipTool = await FreeIpmi.RunAsync("ipmi-fru", sim, ["--device-id", "1", "-W", "opensesspriv,skipchecks"], timeout: null);
        Assert.True(skipTool.ExitCode == 0, skipTool.ToString());
        var pairs = ChassisTests.ParseColonLines(skipTool.StdOut);
        Assert.Equal((string?)decoded["manufacturer"]!["text"], pairs["FRU Board Manufacturer"]);
        Assert.Equal((string?)decoded["productName"]!["text"], pairs["FRU Board Product Name"]);
    }
}
