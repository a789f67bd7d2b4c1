using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Transports.OpenIpmi.Tests.InBand;

/// <summary>
/// A real kernel (Debian's, in QEMU) with QEMU's own BMC behind an emulated KCS interface: the published ipmirpc
/// talks to /dev/ipmi0 in the guest, and ipmitool -I open in the same guest is the cross-check.
/// Guest files: tests/inband/guests/builtin-bmc.
/// </summary>
[Collection(InBandCollection.Name)]
public sealed class BuiltInBmcGuestTests(InBandAssets assets)
{
    [Fact]
    public async Task Device_id_through_ipmirpc_in_the_guest_matches_the_bmc_and_ipmitool()
    {
        // Identity values the BMC is told to report, chosen per run so nothing can match by accident.
        var rng = Random.Shared;
        // QEMU 7.2 ignores its device_id property (it always answers 0x20), so that one is not varied.
        const int deviceId = 0x20;
        var deviceRev = rng.Next(0, 16);
        var fwMajor = rng.Next(0, 128);
        var fwMinor = rng.Next(0, 100);
        var manufacturer = rng.Next(1, 0x10_0000);
        var product = rng.Next(1, 0x1_0000);
        var props = string.Create(CultureInfo.InvariantCulture,
            $"sim:device_rev={deviceRev},fwrev1={fwMajor},fwrev2=0x{fwMinor:D2},mfg_id={manufacturer},product_id={product}");

        var run = await QemuGuest.RunAsync("builtin-bmc", props);
        Assert.True(run.ExitCode == 0, run.ToString());

        // ipmitool prints the response data (completion code stripped) as " 20 00 ...".
        var ipmitoolBytes = string.Join(' ', run.Step("ipmitool-device-id")).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        Assert.True(ipmitoolBytes.Length >= 11, run.ToString());
        Assert.Equal(deviceId, ipmitoolBytes[0]);
        Assert.Equal(manufacturer, ipmitoolBytes[6] | (ipmitoolBytes[7] << 8) | (ipmitoolBytes[8] << 16));

        var responses = run.Responses("ipmirpc");
        Assert.Equal(16, responses.Count);

        var raw = Result(responses, "raw");
        Assert.Equal(0, (int)raw["completionCode"]!);
        Assert.Equal(ipmitoolBytes, raw["data"]!.Select(t => (byte)(int)t).ToArray());
        Assert.Equal(Convert.ToHexString(ipmitoolBytes).ToLowerInvariant(), (string)raw["hex"]!);
        Assert.Equal(raw["data"], Result(responses, "byName")["data"]);

        foreach (var id in new[] { "deviceId", "explicit" })
        {
            var decoded = Result(responses, id);
            Assert.Equal(deviceId, (int)decoded["deviceId"]!);
            Assert.Equal(deviceRev, (int)decoded["deviceRevision"]!);
            Assert.Equal(fwMajor, (int)decoded["firmwareMajor"]!);
            Assert.Equal(fwMinor, (int)decoded["firmwareMinor"]!);
            Assert.Equal(manufacturer, (int)decoded["manufacturerId"]!);
            Assert.Equal(product, (int)decoded["productId"]!);
            Assert.Equal("2.0", (string)decoded["ipmiVersion"]!);
        }

        // Eight requests went in at once, two commands interleaved: each must carry its own command's answer.
        var chassis = Result(responses, "c1")["data"]!;
        Assert.True(chassis.Count() >= 3, chassis.ToString());
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal(raw["data"], Result(responses, "d" + i)["data"]);
            Assert.Equal(chassis, Result(responses, "c" + i)["data"]);
        }

        // chassis.getStatus through the kernel driver decodes what ipmitool -I open reads, field by field.
        IpmitoolChassisStatus.AssertSame(string.Join('\n', run.Step("ipmitool-chassis-status")), Result(responses, "chassisStatus"));

        // QEMU's BMC has no LAN configuration: a completion code, not a transport failure.
        var unsupported = Error(responses, "unsupported");
        Assert.Equal(-32001, (int)unsupported["code"]!);
        Assert.Equal(0xC1, (int)unsupported["data"]!["completionCode"]!);

        var noDevice = Error(responses, "noDevice");
        Assert.Equal(-32002, (int)noDevice["code"]!);
        Assert.Equal("openipmi", (string)noDevice["data"]!["transport"]!);
        Assert.Contains("modprobe", (string)noDevice["data"]!["hint"]!, StringComparison.Ordinal);

        // The default target (no target given) and the explicit one share one pooled openipmi session.
        var sessions = (JArray)responses["sessions"]["result"]!;
        var session = Assert.Single(sessions);
        Assert.Equal("openipmi", (string)session["transport"]!);
        Assert.Equal("/dev/ipmi0", (string)session["details"]!["device"]!);

        var denied = Error(run.Responses("ipmirpc-nonroot"), "denied");
        Assert.Equal(-32005, (int)denied["code"]!);
        Assert.Contains("/dev/ipmi0", (string)denied["message"]!, StringComparison.Ordinal);

        // QEMU's BMC has an SDR repository with its watchdog sensor: sdr.list and sensors.list (one process, one
        // repository read shared by both) list it as ipmitool -I open does.
        var sdrResponses = run.Responses("ipmirpc-sdr");
        var sdr = Result(sdrResponses, "sdr");
        Assert.Contains(sdr["records"]!, r => (string?)r["name"] == "Watchdog");
        IpmitoolSdrRows.AssertSdrElistAll(sdr, string.Join('\n', run.Step("ipmitool-sdr")));
        IpmitoolSdrRows.AssertSensorList((JArray)Result(sdrResponses, "sensors")["sensors"]!, string.Join('\n', run.Step("ipmitool-sensor")));

        Assert.False(string.IsNullOrEmpty(assets.PublishInfo));
    }

    private static JObject Result(IReadOnlyDictionary<string, JObject> responses, string id)
    {
        Assert.True(responses.TryGetValue(id, out var response), $"no response {id}");
        Assert.True(response["result"] is JObject, $"{id}: {response}");
        return (JObject)response["result"]!;
    }

    private static JObject Error(IReadOnlyDictionary<string, JObject> responses, string id)
    {
        Assert.True(responses.TryGetValue(id, out var response), $"no response {id}");
        Assert.True(response["error"] is JObject, $"{id}: {response}");
        return (JObject)response["error"]!;
    }
}
