using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// <c>sdr.list</c> and <c>sensors.list</c> through the real <c>ipmirpc</c> against ipmi_sim with the board fixture
/// (tests/fixtures/ipmi_sim/board.*), every answer validated against schema/ and cross-checked with ipmitool
/// (<c>sdr elist all</c>, <c>sensor list</c>) and FreeIPMI (<c>ipmi-sensors</c>) on the same simulator; the SDR cache
/// in memory (the warm call sends no Get SDR) and on disk (<c>--sdr-cache</c>, shared by a second process).
/// (Decoder-level agreement with both peers, field by field: Transports.Lan.Tests/Inventory/SdrSensorPeerTests.)
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SensorTests
{
    // The variable ChassisTests.Target's passwordEnv names.
    private const string PasswordVariable = "IPMIRPC_TEST_BMC_PASSWORD";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Fact]
    public async Task Sdr_list_matches_ipmitool_sdr_elist_all_record_by_record()
    {
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync());
        await using var rpc = await ChassisTests.StartRpcAsync(sim);

        var sdr = await ChassisTests.CallAsync(rpc, "sdr.list", new JObject { ["target"] = ChassisTests.Target(sim) });
        var elist = await IpmiTool.RunAsync(sim, "sdr", "elist", "all");
        Assert.True(elist.ExitCode == 0, elist.ToString());

        var records = (JArray)sdr["records"]!;
        Assert.True(records.Count >= 21, $"{records.Count} records");
        Assert.Equal("read", (string?)sdr["cache"]!["outcome"]);
        Assert.Empty((JArray)sdr["warnings"]!);
        // ipmitool lists every record but the OEM one, in repository order.
        IpmitoolSdrRows.AssertSdrElistAll(sdr, elist.StdOut);

        var oem = Assert.Single(records, r => (string?)r["kind"] == "oem");
        Assert.Equal(0x000157, (int)oem["oem"]!["manufacturerId"]!);
    }

    [Fact]
    public async Task Sensors_list_matches_ipmitool_sensor_and_FreeIPMI_ipmi_sensors_and_the_warm_call_reads_no_SDR()
    {
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync());
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        var target = ChassisTests.Target(sim);

        // ipmitool reads only the first sensor of a shared record.
        var unshared = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target, ["sharedSensors"] = false });
        Assert.Equal("read", (string?)unshared["cache"]!["outcome"]);
        Assert.True((int)unshared["cache"]!["getSdrRequests"]! >= 21);
        var tool = await IpmiTool.RunAsync(sim, "sensor", "list");
        Assert.True(tool.ExitCode == 0, tool.ToString());
        var sensors = (JArray)unshared["sensors"]!;
        IpmitoolSdrRows.AssertSensorList(sensors, tool.StdOut);

        // The warm call: the cached repository is still valid (timestamps, count, identity), so not one Get SDR.
        var warm = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target });
        Assert.Equal(("hit", 0), ((string?)warm["cache"]!["outcome"], (int)warm["cache"]!["getSdrRequests"]!));

        var freeIpmi = await FreeIpmiSensorsAsync(sim, "--output-sensor-thresholds", "--shared-sensors", "--no-header-output");
        var lines = IpmitoolSdrRows.Rows(freeIpmi);
        sensors = (JArray)warm["sensors"]!;
        Assert.Equal(lines.Count, sensors.Count);
        foreach (var (s, c) in sensors.Zip(lines))
        {
            Assert.Equal(((int)s["recordId"]!).ToString(Inv), c[0]);
            Assert.Equal(string.Join(' ', ((string?)s["name"])!.Split(' ', StringSplitOptions.RemoveEmptyEntries)), string.Join(' ', c[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            Assert.Equal((string?)s["sensorTypeName"], c[2]);
            Assert.Equal((double?)s["reading"] is { } v ? v.ToString("F2", Inv) : "N/A", c[3]);
            Assert.Equal((bool)s["thresholdBased"]! ? (string?)s["unitsAbbreviation"] : "N/A", c[4]);
            Assert.Equal(IpmitoolSdrRows.Thresholds(s, "F2", "N/A"), c[5..11]);
        }

        var fan2 = sensors.Single(s => (string?)s["name"] == "Fan2");
        Assert.Equal("scanningDisabled", (string?)fan2["status"]);
        var drive = sensors.First(s => ((string?)s["name"])!.StartsWith("Drive", StringComparison.Ordinal) && ((JArray)s["states"]!).Count > 1);
        Assert.Equal(["Drive Presence", "Drive Fault"], drive["states"]!.Select(x => (string?)x["name"]));
    }

    [Fact]
    public async Task Names_and_types_filter_before_reading_and_quirks_are_applied_and_echoed()
    {
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync());
        await using var rpc = await ChassisTests.StartRpcAsync(sim);
        var target = ChassisTests.Target(sim);

        var temps = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target, ["types"] = new JArray("temperature") });
        Assert.NotEmpty((JArray)temps["sensors"]!);
        Assert.All(temps["sensors"]!, s => Assert.Equal("Temperature", (string?)s["sensorTypeName"]));
        var byNumber = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target, ["types"] = new JArray("0x01") });
        Assert.Equal(temps["sensors"]!.Select(s => (string?)s["name"]), byNumber["sensors"]!.Select(s => (string?)s["name"]));

        var named = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target, ["names"] = new JArray("cpu temp", "Fan2") });
        Assert.Equal(["CPU Temp", "Fan2"], named["sensors"]!.Select(s => (string?)s["name"]));
        Assert.Equal(45.0, (double)named["sensors"]![0]!["reading"]!);

        // ignoreScanningDisabled, declared on the target (as a --targets file would): Fan2's reading is used although
        // the BMC says it is not scanned, and the result names the quirks applied.
        var quirkedTarget = (JObject)target.DeepClone();
        quirkedTarget["quirks"] = new JArray("ignoreScanningDisabled");
        var quirked = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = quirkedTarget, ["names"] = new JArray("Fan2") });
        Assert.Equal(["ignoreScanningDisabled"], quirked["quirks"]!.Select(q => (string?)q));
        Assert.NotEqual("scanningDisabled", (string?)quirked["sensors"]![0]!["status"]);
        Assert.NotNull((double?)quirked["sensors"]![0]!["reading"]);

        quirkedTarget["quirks"] = new JArray("noSuchQuirk");
        var bad = await rpc.CallAsync("sensors.list", new JObject { ["target"] = quirkedTarget });
        Assert.Equal(-32602, (int)bad["error"]!["code"]!);
        Assert.Contains("quirks", bad["error"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sdr_cache_directory_is_private_and_a_second_process_reuses_the_repository()
    {
        var directory = Path.Combine(Directory.CreateTempSubdirectory("ipmirpc-sdr-").FullName, "cache");
        try
        {
            await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync());
            var env = new Dictionary<string, string> { [PasswordVariable] = sim.Password };
            var target = ChassisTests.Target(sim);
            JToken first;
            await using (var rpc = await IpmiRpcProcess.StartAsync(["--sdr-cache", directory], env))
            {
                first = await ChassisTests.CallAsync(rpc, "sdr.list", new JObject { ["target"] = target });
            }

            Assert.Equal("read", (string?)first["cache"]!["outcome"]);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            var file = Assert.Single(Directory.GetFiles(directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

            await using (var rpc = await IpmiRpcProcess.StartAsync(["--sdr-cache", directory], env))
            {
                var second = await ChassisTests.CallAsync(rpc, "sdr.list", new JObject { ["target"] = target });
                // A new process matches the BMC on identity, record count and its first two records, then loads the file.
                Assert.Equal("persistedHit", (string?)second["cache"]!["outcome"]);
                Assert.InRange((int)second["cache"]!["getSdrRequests"]!, 1, 8);
                Assert.True((int)first["cache"]!["getSdrRequests"]! > 3 * (int)second["cache"]!["getSdrRequests"]!);
                Assert.Equal(first["records"]!.ToString(), second["records"]!.ToString());
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(directory)!, recursive: true);
        }
    }

    private static async Task<string> FreeIpmiSensorsAsync(IpmiSim sim, params string[] args)
    {
        // A private 0700 cache directory per run: FreeIPMI refuses a shared one and would otherwise reuse a stale cache.
        var cache = Directory.CreateDirectory(Path.Combine(sim.Directory, $"freeipmi-cache-{Guid.NewGuid():N}"));
        File.SetUnixFileMode(cache.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await FreeIpmi.RunAsync("ipmi-sensors", sim, ["--sdr-cache-directory", cache.FullName, "--quiet-cache", .. args], timeout: null);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut;
    }

}
