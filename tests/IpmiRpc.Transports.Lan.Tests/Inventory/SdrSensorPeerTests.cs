using System.Globalization;
using System.Text.RegularExpressions;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>
/// The SDR reader, record decoders and sensor reader driven over lanplus against ipmi_sim with the board fixture, every
/// field compared with what ipmitool (<c>sdr elist all</c>, <c>sensor list</c>) and FreeIPMI (<c>ipmi-sensors -v</c>,
/// <c>--output-sensor-thresholds</c>) print on the same simulator. Where the two peers differ the test says which one the
/// spec supports.
/// </summary>
public sealed partial class SdrSensorPeerTests : IAsyncLifetime
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // ipmitool shortens some spec state names (Table 42-2/42-3); FreeIPMI prints the spec's. Ours are the spec's.
    private static readonly Dictionary<string, string> IpmitoolShortNames = new()
    {
        ["Device Present"] = "Device Inserted/Device Present",
        ["Drive Present"] = "Drive Presence",
    };

    private BoardSim _board = null!;
    private SdrReadResult _read = null!;
    private IReadOnlyList<SdrRecord> _records = null!;

    public async Task InitializeAsync()
    {
        _board = await BoardSim.StartAsync();
        _read = await new SdrRepositoryReader(_board.Send).ReadAsync(CancellationToken.None);
        _records = _read.Records.Select(r => SdrRecordDecoder.Decode(r.Bytes)).ToArray();
    }

    public async Task DisposeAsync() => await _board.DisposeAsync();

    [Fact]
    public async Task The_repository_read_over_lanplus_holds_every_compiled_board_record_byte_for_byte()
    {
        var compiled = await IpmiSimBoard.CompiledRecordsAsync();

        Assert.Empty(_read.Warnings);
        Assert.True(compiled.Count >= 20, $"the board has {compiled.Count} SDRs");
        Assert.Equal(compiled.Count + 1, _read.Records.Count); // + the OEM record from board.emu
        Assert.Equal(_read.Info.RecordCount, _read.Records.Count);
        for (var i = 0; i < compiled.Count; i++)
        {
            // The simulator assigns record IDs; everything after them is what sdrcomp wrote.
            Assert.Equal(compiled[i].AsSpan(2).ToArray(), _read.Records[i].Bytes.AsSpan(2).ToArray());
        }

        var oem = Assert.IsType<OemRecord>(_records[^1]);
        Assert.Equal(0x000157, oem.ManufacturerId);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, oem.Data);
        Assert.DoesNotContain(_records, r => r is UnknownRecord or MalformedRecord);
        // ipmi_sim answers a whole-record read (FFh) with at most 30 bytes, so longer records take the header-and-chunks
        // path: never more than four Get SDR per record here, and the reader counts what it sends.
        Assert.Equal(_read.GetSdrRequests, _board.Count(0x0A, 0x23));
        Assert.InRange(_read.GetSdrRequests, _read.Records.Count, 4 * _read.Records.Count);
    }

    [Fact]
    public async Task Every_record_matches_ipmitool_sdr_elist_all()
    {
        var readings = await new SensorReader(_board.Send, new SensorReaderOptions { ExpandSharedRecords = false, IncludeEventOnly = true })
            .ReadAllAsync(_records, CancellationToken.None);
        var byNumber = readings.ToDictionary(r => r.SensorNumber);
        var tool = await IpmiTool.RunAsync(_board.Sim, "sdr", "elist", "all");
        Assert.True(tool.ExitCode == 0, tool.StdErr);
        var lines = Lines(tool.StdOut);

        // ipmitool lists every record but the OEM one, in repository order.
        var listed = _records.Where(r => r is not OemRecord).ToArray();
        Assert.Equal(listed.Length, lines.Count);
        for (var i = 0; i < listed.Length; i++)
        {
            var c = Columns(lines[i]);
            var record = listed[i];
            switch (record)
            {
                case SensorRecord sensor:
                    var reading = byNumber[sensor.SensorNumber];
                    Assert.Equal(sensor.Name.Text.TrimEnd(), c[0]);
                    Assert.Equal(sensor.SensorNumber.ToString("X2", Inv) + "h", c[1]);
                    Assert.Equal($"{sensor.Entity.Id}.{sensor.Entity.Instance}", c[3]);
                    Assert.Equal(IpmitoolElistStatus(reading), c[2]);
                    AssertElistReading(reading, c[4]);
                    break;
                case ManagementControllerLocatorRecord mc:
                    Assert.Equal(new[] { mc.Name.Text, "00h", "ok", $"{mc.Entity.Id}.{mc.Entity.Instance}", $"{(mc.StaticController ? "Static" : "Dynamic")} MC @ {mc.SlaveAddress:X2}h" }, c);
                    break;
                case FruDeviceLocatorRecord fru:
                    Assert.Equal(new[] { fru.Name.Text, "00h", "ns", $"{fru.Entity.Id}.{fru.Entity.Instance}", $"{(fru.Logical ? "Logical" : "Physical")} FRU @{fru.FruDeviceId:X2}h" }, c);
                    break;
                case GenericDeviceLocatorRecord gdl:
                    // ipmitool prints the OEM byte after the dot.
                    Assert.Equal(new[] { gdl.Name.Text, "00h", "ns", $"{gdl.Entity.Id}.{gdl.Entity.Instance}", $"Generic Device @{gdl.AccessAddress:X2}h:{gdl.SlaveAddress:X2}h.{gdl.Oem}" }, c);
                    break;
                default:
                    Assert.Fail($"unexpected record {record}");
                    break;
            }
        }
    }

    [Fact]
    public async Task Every_sensor_matches_ipmitool_sensor_list()
    {
        var readings = await new SensorReader(_board.Send, new SensorReaderOptions { ExpandSharedRecords = false })
            .ReadAllAsync(_records, CancellationToken.None);
        var tool = await IpmiTool.RunAsync(_board.Sim, "sensor", "list");
        Assert.True(tool.ExitCode == 0, tool.StdErr);
        var lines = Lines(tool.StdOut);

        Assert.Equal(readings.Count, lines.Count);
        for (var i = 0; i < readings.Count; i++)
        {
            var r = readings[i];
            var c = Columns(lines[i]);
            Assert.Equal(r.Name.TrimEnd(), c[0]);
            if (!r.IsThresholdBased)
            {
                // Discrete: ipmitool prints state byte 3 as the value and bytes 3-4 as the status.
                Assert.Equal($"0x{r.StateBits & 0xFF:x}", c[1]);
                Assert.Equal("discrete", c[2]);
                Assert.Equal($"0x{r.StateBits & 0xFF:x2}{r.StateBits >> 8:x2}", c[3]);
                Assert.All(c.Skip(4), t => Assert.Equal("na", t));
                continue;
            }

            if (r.Value is { } value)
            {
                Assert.Equal(value.ToString("F3", Inv), c[1]);
                Assert.Equal(r.Units!.Text, c[2]);
                Assert.Equal(r.Status switch
                {
                    SensorStatus.Ok => "ok",
                    SensorStatus.NonCritical => "nc",
                    SensorStatus.Critical => "cr",
                    SensorStatus.NonRecoverable => "nr",
                    _ => "?",
                }, c[3]);
            }
            else
            {
                // Unavailable, scanning disabled, and non-linear without factors (ipmi_sim answers C1h to Get Sensor
                // Reading Factors): ipmitool prints "na" for both value and status.
                Assert.Equal(["na", "", "na"], c[1..4]);
            }

            var t = r.Thresholds;
            Assert.Equal(
                new[] { t?.LowerNonRecoverable, t?.LowerCritical, t?.LowerNonCritical, t?.UpperNonCritical, t?.UpperCritical, t?.UpperNonRecoverable }
                    .Select(v => v is { } d ? d.ToString("F3", Inv) : "na"),
                c[4..10]);
        }
    }

    [Fact]
    public async Task Every_sensor_matches_FreeIPMI_ipmi_sensors_with_thresholds_and_shared_sensors()
    {
        var readings = await new SensorReader(_board.Send).ReadAllAsync(_records, CancellationToken.None);
        var tool = await RunFreeIpmiSensorsAsync("--output-sensor-thresholds", "--shared-sensors", "--no-header-output");
        var lines = Lines(tool);

        Assert.Equal(readings.Count, lines.Count);
        for (var i = 0; i < readings.Count; i++)
        {
            var r = readings[i];
            var c = Columns(lines[i]);
            Assert.Equal(r.Record.Header.RecordId.ToString(Inv), c[0]);
            // FreeIPMI joins a shared record's name and suffix with a space; the spec appends the modifier to the ID
            // string as is ("Drive " + "0"), so compare with spaces collapsed.
            Assert.Equal(Collapse(r.Name), Collapse(c[1]));
            Assert.Equal(r.SensorTypeName, c[2]);
            Assert.Equal(r.Value is { } v ? v.ToString("F2", Inv) : "N/A", c[3]);
            Assert.Equal(r.IsThresholdBased ? r.Units!.Abbreviation : "N/A", c[4]);
            var t = r.Thresholds;
            Assert.Equal(
                new[] { t?.LowerNonRecoverable, t?.LowerCritical, t?.LowerNonCritical, t?.UpperNonCritical, t?.UpperCritical, t?.UpperNonRecoverable }
                    .Select(x => x is { } d ? d.ToString("F2", Inv) : "N/A"),
                c[5..11]);
            Assert.Equal(FreeIpmiEvent(r), c[11]);
        }
    }

    [Fact]
    public async Task Sensor_record_fields_match_FreeIPMI_ipmi_sensors_verbose()
    {
        var readings = await new SensorReader(_board.Send).ReadAllAsync(_records, CancellationToken.None);
        var blocks = (await RunFreeIpmiSensorsAsync("-v", "--shared-sensors"))
            .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(b => Lines(b).Select(l => l.Split(": ", 2)).Where(p => p.Length == 2)
                // A discrete sensor with several states asserted prints one "Sensor Event" line per state.
                .GroupBy(p => p[0], p => p[1]).ToDictionary(g => g.Key, g => string.Join(" ", g)))
            .Where(d => d.ContainsKey("Record ID"))
            .ToArray();

        Assert.Equal(readings.Count, blocks.Length);
        for (var i = 0; i < readings.Count; i++)
        {
            var r = readings[i];
            var b = blocks[i];
            Assert.Equal(r.Record.Header.RecordId.ToString(Inv), b["Record ID"]);
            // Verbose output shows the record's ID string, without a shared sensor's suffix.
            Assert.Equal(Collapse(r.Record.Name.Text), Collapse(b["ID String"]));
            Assert.Equal($"{r.SensorTypeName} ({r.SensorType:X}h)", b["Sensor Type"]);
            Assert.Equal(r.SensorNumber.ToString(Inv), b["Sensor Number"]);
            Assert.Equal($"{r.Owner.Address:X2}h", b["Sensor Owner ID"]);
            Assert.Equal($"{r.Owner.Lun:X}h", b["Sensor Owner LUN"]);
            Assert.Equal($"{r.Owner.Channel:X}h", b["Channel Number"]);
            Assert.EndsWith($"({r.Entity.Id})", b["Entity ID"], StringComparison.Ordinal);
            // FreeIPMI shows the record's entity instance for every shared sensor. The spec (§43.2 byte 25 bit 7, set for
            // the drive slots) says it increments per shared sensor, as ours does: there the spec is on our side.
            Assert.Equal(r.Record.Entity.Instance.ToString(Inv), b["Entity Instance"]);
            Assert.Equal(r.Record.Entity.Instance + (r.SensorNumber - r.Record.SensorNumber), r.Entity.Instance);
            Assert.Equal(r.Entity.Logical ? "Logical Container Entity" : "Physical Entity", b["Entity Instance Type"]);
            Assert.Equal($"{r.EventReadingType:X}h", b["Event/Reading Type Code"]);
            // Verbose FreeIPMI spells out the spec's long state names ("Fully Redundant (formerly "Redundancy Regained")");
            // ours, like its short output, are the names without the explanation.
            Assert.StartsWith(FreeIpmiEvent(r).TrimEnd('\''), b["Sensor Event"], StringComparison.Ordinal);
            if (r.Record is not FullSensorRecord full || !r.IsThresholdBased)
            {
                continue;
            }

            var unit = " " + r.Units!.Abbreviation;
            string Value(double? d) => d is { } x ? x.ToString("F6", Inv) + unit : "N/A";
            Assert.Equal(Value(r.Value), b["Sensor Reading"]);
            if (b.TryGetValue("Sensor Min. Reading", out var min))
            {
                Assert.Equal(Value(full.Convert(full.SensorMinimum)), min);
                Assert.Equal(Value(full.Convert(full.SensorMaximum)), b["Sensor Max. Reading"]);
                Assert.Equal(Value(full.NominalReading is { } n ? full.Convert(n) : null), b["Nominal Reading"]);
                Assert.Equal(Value(full.NormalMinimum is { } lo ? full.Convert(lo) : null), b["Normal Min."]);
                Assert.Equal(Value(full.NormalMaximum is { } hi ? full.Convert(hi) : null), b["Normal Max."]);
            }
            else
            {
                // FreeIPMI omits min/max only when it cannot convert: the non-linear sensor.
                Assert.True(SensorReadingConverter.IsNonLinear(full.Linearization), r.Name);
            }

            if (r.Thresholds is { } t)
            {
                Assert.Equal(Value(t.LowerCritical), b["Lower Critical Threshold"]);
                Assert.Equal(Value(t.UpperCritical), b["Upper Critical Threshold"]);
                Assert.Equal(Value(t.LowerNonCritical), b["Lower Non-Critical Threshold"]);
                Assert.Equal(Value(t.UpperNonCritical), b["Upper Non-Critical Threshold"]);
                Assert.Equal(Value(t.LowerNonRecoverable), b["Lower Non-Recoverable Threshold"]);
                Assert.Equal(Value(t.UpperNonRecoverable), b["Upper Non-Recoverable Threshold"]);
            }
        }
    }

    [Fact]
    public async Task The_board_exercises_every_state_and_conversion_the_peers_are_compared_on()
    {
        // Guards the fixture: were a board.emu line to fail, the sim would silently drop the rest (peers-wave2 §4.1)
        // and the comparisons above would compare fewer things.
        var readings = (await new SensorReader(_board.Send).ReadAllAsync(_records, CancellationToken.None)).ToDictionary(r => r.Name);

        Assert.Equal(45, readings["CPU Temp"].Value);
        Assert.Equal((-12, SensorStatus.Critical), (readings["Inlet Temp"].Value, readings["Inlet Temp"].Status));
        Assert.Equal(3.295, readings["P3V3"].Value!.Value, 9);
        Assert.Equal((-1.5, SensorStatus.Ok), (readings["PSU1 Current"].Value, readings["PSU1 Current"].Status));
        Assert.Equal((1500, SensorStatus.NonCritical), (readings["Fan1"].Value, readings["Fan1"].Status));
        Assert.Equal(SensorStatus.ScanningDisabled, readings["Fan2"].Status);
        Assert.Equal(SensorStatus.ReadingUnavailable, readings["Fan3"].Status);
        Assert.Equal((210, SensorStatus.NonCritical), (readings["PSU1 Power"].Value, readings["PSU1 Power"].Status));
        Assert.Equal(144, readings["Airflow"].Value);
        Assert.Null(readings["Humidity"].Value);
        Assert.Contains("0xC1", readings["Humidity"].ValueNote, StringComparison.Ordinal);
        Assert.Equal("percent", readings["Humidity"].Units!.Text);
        Assert.Equal((370, "Watts*hour"), (readings["Energy"].Value, readings["Energy"].Units!.Text));
        Assert.Equal(["Presence detected"], readings["PS1 Status"].States.Select(s => s.Name));
        Assert.Empty(readings["Intrusion"].States);
        Assert.Equal(["Drive Presence", "Drive Fault"], readings["Drive 1"].States.Select(s => s.Name));
        Assert.Equal((0x55, 2), (readings["Drive 1"].SensorNumber, readings["Drive 1"].Entity.Instance));
        Assert.Equal(ThresholdSource.Command, readings["P12V"].Thresholds!.Source);
        Assert.Equal(10.8, readings["P12V"].Thresholds!.LowerCritical!.Value, 9);
    }

    private async Task<string> RunFreeIpmiSensorsAsync(params string[] args)
    {
        // A private 0700 cache directory per run: FreeIPMI refuses a shared one and would otherwise reuse a stale cache.
        var cache = Directory.CreateDirectory(Path.Combine(_board.Sim.Directory, $"freeipmi-cache-{Guid.NewGuid():N}"));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(cache.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = await FreeIpmi.RunAsync("ipmi-sensors", _board.Sim, ["--sdr-cache-directory", cache.FullName, "--quiet-cache", .. args], timeout: null);
        Assert.True(result.ExitCode == 0, result.StdErr);
        return result.StdOut;
    }

    private static string IpmitoolElistStatus(SensorReading r)
    {
        if (r.Record is EventOnlySensorRecord || r.Status is SensorStatus.ReadingUnavailable or SensorStatus.ScanningDisabled
            || (r.IsThresholdBased && r.Value is null))
        {
            return "ns";
        }

        if (!r.IsThresholdBased)
        {
            return "ok";
        }

        // Most severe first, lower before upper (ipmitool's order).
        (int Bit, string Text)[] order = [(2, "lnr"), (5, "unr"), (1, "lcr"), (4, "ucr"), (0, "lnc"), (3, "unc")];
        return order.FirstOrDefault(o => (r.StateBits & (1 << o.Bit)) != 0).Text ?? "ok";
    }

    private static void AssertElistReading(SensorReading r, string text)
    {
        switch (r)
        {
            case { Record: EventOnlySensorRecord }:
                Assert.Equal("Event-Only", text);
                break;
            case { Status: SensorStatus.ScanningDisabled }:
                Assert.Equal("Disabled", text);
                break;
            case { IsThresholdBased: true, Value: null }:
                Assert.Equal("No Reading", text);
                break;
            case { IsThresholdBased: true, Value: { } v }:
                var number = v == Math.Floor(v) ? v.ToString("F0", Inv) : v.ToString("F2", Inv);
                Assert.Equal($"{number} {r.Units!.Text}", text);
                break;
            default:
                // ipmitool prints the asserted states' names, comma-separated, some of them shortened.
                var names = text.Length == 0 ? [] : text.Split(", ").Select(n => IpmitoolShortNames.GetValueOrDefault(n, n));
                Assert.Equal(r.States.Select(s => s.Name), names);
                break;
        }
    }

    private static string FreeIpmiEvent(SensorReading r)
    {
        if (r.Status is SensorStatus.ReadingUnavailable or SensorStatus.ScanningDisabled)
        {
            return "N/A";
        }

        if (r.IsThresholdBased)
        {
            // FreeIPMI names the most severe threshold crossed (Inlet Temp has both LNC and LC bits set).
            (int Bit, string Text)[] order =
            [
                (2, "At or Below (<=) Lower Non-Recoverable Threshold"), (5, "At or Above (>=) Upper Non-Recoverable Threshold"),
                (1, "At or Below (<=) Lower Critical Threshold"), (4, "At or Above (>=) Upper Critical Threshold"),
                (0, "At or Below (<=) Lower Non-Critical Threshold"), (3, "At or Above (>=) Upper Non-Critical Threshold"),
            ];
            return "'" + (order.FirstOrDefault(o => (r.StateBits & (1 << o.Bit)) != 0).Text ?? "OK") + "'";
        }

        return r.States.Count == 0 ? "'OK'" : string.Join(" ", r.States.Select(s => $"'{s.Name}'"));
    }

    private static List<string> Lines(string text) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();

    private static string[] Columns(string line) => line.Split('|').Select(c => c.Trim()).ToArray();

    private static string Collapse(string s) => Spaces().Replace(s.Trim(), " ");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
