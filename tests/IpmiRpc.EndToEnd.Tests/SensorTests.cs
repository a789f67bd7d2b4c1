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
        var rows = Rows(elist.StdOut);

        var records = (JArray)sdr["records"]!;
        Assert.Equal((int)sdr["repository"]!["recordCount"]!, records.Count);
        Assert.True(records.Count >= 21, $"{records.Count} records");
        Assert.Equal("read", (string?)sdr["cache"]!["outcome"]);
        Assert.Empty((JArray)sdr["warnings"]!);
        // ipmitool lists every record but the OEM one, in repository order.
        var listed = records.Where(r => (string?)r["kind"] != "oem").ToArray();
        Assert.Equal(listed.Length, rows.Count);
        foreach (var (record, row) in listed.Zip(rows))
        {
            Assert.Equal(((string?)record["name"])!.TrimEnd(), row[0]);
            Assert.Equal($"{(int)record["entity"]!["id"]!}.{(int)record["entity"]!["instance"]!}", row[3]);
            switch ((string?)record["kind"])
            {
                case "fullSensor" or "compactSensor" or "eventOnlySensor":
                    Assert.Equal(((int)record["sensor"]!["sensorNumber"]!).ToString("X2", Inv) + "h", row[1]);
                    break;
                case "managementControllerLocator":
                    Assert.Equal($"{((bool)record["locator"]!["staticController"]! ? "Static" : "Dynamic")} MC @ {(int)record["locator"]!["slaveAddress"]!:X2}h", row[4]);
                    break;
                case "fruDeviceLocator":
                    Assert.Equal($"{((bool)record["locator"]!["logical"]! ? "Logical" : "Physical")} FRU @{(int)record["locator"]!["fruDeviceId"]!:X2}h", row[4]);
                    break;
                case "genericDeviceLocator":
                    Assert.Equal($"Generic Device @{(int)record["locator"]!["accessAddress"]!:X2}h:{(int)record["locator"]!["slaveAddress"]!:X2}h.{(int)record["locator"]!["oem"]!}", row[4]);
                    break;
                default:
                    Assert.Fail($"unexpected record {record}");
                    break;
            }
        }

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
        var rows = Rows(tool.StdOut);
        var sensors = (JArray)unshared["sensors"]!;
        Assert.Equal(rows.Count, sensors.Count);
        foreach (var (s, row) in sensors.Zip(rows))
        {
            Assert.Equal(((string?)s["name"])!.TrimEnd(), row[0]);
            if (!(bool)s["thresholdBased"]!)
            {
                Assert.Equal("discrete", row[2]);
                Assert.Equal($"0x{(int)s["stateBits"]! & 0xFF:x2}{(int)s["stateBits"]! >> 8:x2}", row[3]);
                continue;
            }

            var reading = (double?)s["reading"];
            Assert.Equal(reading is { } v ? v.ToString("F3", Inv) : "na", row[1]);
            if (reading is not null)
            {
                Assert.Equal((string?)s["units"], row[2]);
                Assert.Equal((string?)s["status"] switch { "ok" => "ok", "nonCritical" => "nc", "critical" => "cr", "nonRecoverable" => "nr", var x => x }, row[3]);
            }

            Assert.Equal(Thresholds(s, "F3", "na"), row[4..10]);
        }

        // The warm call: the cached repository is still valid (timestamps, count, identity), so not one Get SDR.
        var warm = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject { ["target"] = target });
        Assert.Equal(("hit", 0), ((string?)warm["cache"]!["outcome"], (int)warm["cache"]!["getSdrRequests"]!));

        var freeIpmi = await FreeIpmiSensorsAsync(sim, "--output-sensor-thresholds", "--shared-sensors", "--no-header-output");
        var lines = Rows(freeIpmi);
        sensors = (JArray)warm["sensors"]!;
        Assert.Equal(lines.Count, sensors.Count);
        foreach (var (s, c) in sensors.Zip(lines))
        {
            Assert.Equal(((int)s["recordId"]!).ToString(Inv), c[0]);
            Assert.Equal(string.Join(' ', ((string?)s["name"])!.Split(' ', StringSplitOptions.RemoveEmptyEntries)), string.Join(' ', c[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            Assert.Equal((string?)s["sensorTypeName"], c[2]);
            Assert.Equal((double?)s["reading"] is { } v ? v.ToString("F2", Inv) : "N/A", c[3]);
            Assert.Equal((bool)s["thresholdBased"]! ? (string?)s["unitsAbbreviation"] : "N/A", c[4]);
            Assert.Equal(Thresholds(s, "F2", "N/A"), c[5..11]);
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

        // ignoreScanningDisabled: Fan2's reading is used although the BMC says it is not scanned.
        var quirked = await ChassisTests.CallAsync(rpc, "sensors.list", new JObject
        {
            ["target"] = target, ["names"] = new JArray("Fan2"), ["quirks"] = new JArray("ignoreScanningDisabled"),
        });
        Assert.Equal(["ignoreScanningDisabled"], quirked["quirks"]!.Select(q => (string?)q));
        Assert.NotEqual("scanningDisabled", (string?)quirked["sensors"]![0]!["status"]);
        Assert.NotNull((double?)quirked["sensors"]![0]!["reading"]);

        var bad = await rpc.CallAsync("sensors.list", new JObject { ["target"] = target, ["quirks"] = new JArray("noSuchQuirk") });
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

    private static string[] Thresholds(JToken sensor, string format, string missing) =>
        new[] { "lowerNonRecoverable", "lowerCritical", "lowerNonCritical", "upperNonCritical", "upperCritical", "upperNonRecoverable" }
            .Select(n => sensor["thresholds"] is JObject t && (double?)t[n] is { } d ? d.ToString(format, Inv) : missing)
            .ToArray();

    private static async Task<string> FreeIpmiSensorsAsync(IpmiSim sim, params string[] args)
    {
        // A private 0700 cache directory per run: FreeIPMI refuses a shared one and would otherwise reuse a stale cache.
        var cache = Directory.CreateDirectory(Path.Combine(sim.Directory, $"freeipmi-cache-{Guid.NewGuid():N}"));
        File.SetUnixFileMode(cache.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await FreeIpmi.RunAsync("ipmi-sensors", sim, ["--sdr-cache-directory", cache.FullName, "--quiet-cache", .. args], timeout: null);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdOut;
    }

    private static List<string[]> Rows(string text) =>
        text.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
}
