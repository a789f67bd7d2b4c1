using System.Globalization;
using Newtonsoft.Json.Linq;
using Xunit;

namespace IpmiRpc.TestSupport;

/// <summary>
/// ipmitool's <c>sdr elist all</c> and <c>sensor list</c> tables against an <c>sdr.list</c> / <c>sensors.list</c>
/// result, row by row: the same comparison out-of-band (lanplus) and in-band (<c>-I open</c> in the QEMU guest).
/// </summary>
public static class IpmitoolSdrRows
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>"a | b | c" lines → trimmed cells; blank lines dropped.</summary>
    public static List<string[]> Rows(string text) =>
        text.Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();

    /// <summary>
    /// Every record of <paramref name="sdrList"/> but the OEM ones (ipmitool does not list those) matches the
    /// <c>sdr elist all</c> row at its position: name, sensor number, entity, locator description.
    /// </summary>
    public static void AssertSdrElistAll(JToken sdrList, string elistAll)
    {
        var rows = Rows(elistAll);
        var records = (JArray)sdrList["records"]!;
        Assert.Equal((int)sdrList["repository"]!["recordCount"]!, records.Count);
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
    }

    /// <summary>
    /// <paramref name="sensors"/> (read with <c>sharedSensors: false</c>: ipmitool reads only the first sensor of a
    /// shared record) matches <c>sensor list</c> row by row: name, reading (3 decimals), units, status, thresholds;
    /// discrete sensors by their state bits.
    /// </summary>
    public static void AssertSensorList(JArray sensors, string sensorList)
    {
        var rows = Rows(sensorList);
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
    }

    /// <summary>The six thresholds LNR, LC, LNC, UNC, UC, UNR formatted with <paramref name="format"/>, or <paramref name="missing"/>.</summary>
    public static string[] Thresholds(JToken sensor, string format, string missing) =>
        new[] { "lowerNonRecoverable", "lowerCritical", "lowerNonCritical", "upperNonCritical", "upperCritical", "upperNonRecoverable" }
            .Select(n => sensor["thresholds"] is JObject t && (double?)t[n] is { } d ? d.ToString(format, Inv) : missing)
            .ToArray();
}
