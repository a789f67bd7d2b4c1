using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Transports.OpenIpmi.Tests.InBand;

/// <summary>
/// <c>sdr.list</c> and <c>sensors.list</c> through /dev/ipmi0 in the guest equal ipmitool <c>-I open</c> in the same
/// guest, for an ipmi_sim on the host with the board fixture (threshold and discrete sensors, negative and non-linear
/// readings, locators, an OEM record) behind ipmi-bmc-extern. (QEMU's own BMC and its watchdog sensor:
/// <see cref="BuiltInBmcGuestTests"/>.) Guest files: tests/inband/guests/board-bmc.
/// </summary>
[Collection(InBandCollection.Name)]
public sealed class SdrGuestTests(InBandAssets assets)
{
    [Fact]
    public async Task Board_sdr_and_sensors_read_in_band_equal_ipmitool_open()
    {
        Assert.NotNull(assets);
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync(baseOptions: new IpmiSimOptions { QemuSerialPort = Ports.GetFreeTcpPort() }));

        var run = await QemuGuest.RunAsync("board-bmc", "extern:" + sim.Options.QemuSerialPort);
        Assert.True(run.ExitCode == 0, run + "\n--- ipmi_sim ---\n" + sim.LogText);

        var responses = run.Responses("ipmirpc");
        var sdr = Result(responses, "sdr");
        Assert.True(((JArray)sdr["records"]!).Count >= 21, sdr.ToString());
        Assert.Contains(sdr["records"]!, r => (string?)r["kind"] == "oem");
        IpmitoolSdrRows.AssertSdrElistAll(sdr, string.Join('\n', run.Step("ipmitool-sdr")));

        var sensors = (JArray)Result(responses, "sensors")["sensors"]!;
        IpmitoolSdrRows.AssertSensorList(sensors, string.Join('\n', run.Step("ipmitool-sensor")));
        // The board's tricky readings came through the kernel driver converted, not just listed.
        Assert.Contains(sensors, s => (double?)s["reading"] < 0);
        Assert.Contains(sensors, s => (string?)s["status"] == "critical");
    }

    private static JObject Result(IReadOnlyDictionary<string, JObject> responses, string id)
    {
        Assert.True(responses.TryGetValue(id, out var response), $"no response {id}");
        Assert.True(response["result"] is JObject, $"{id}: {response}");
        return (JObject)response["result"]!;
    }
}
