using IpmiRpc.Core.Sel;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Sel;

public class SelRecordDecoderTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private sealed class Names : ISensorNames
    {
        public string? Find(byte ownerId, byte ownerLun, byte sensorNumber) =>
            (ownerId, ownerLun, sensorNumber) == (0x20, 0, 0x30) ? "CPU Temp" : null;
    }

    [Fact]
    public void A_threshold_event_carries_its_trigger_reading_and_threshold_as_ipmitool_prints_them()
    {
        // Record 1 as ipmi_sim returned it: id 0001, type 02, uptime 434 s, generator 0020, EvM 04, Temperature #30,
        // assertion, threshold, data 59 5A 55 (ipmitool: "Upper Critical going high | Asserted", FreeIPMI:
        // "Sensor Reading = 5Ah ; Threshold = 55h").
        var record = SelRecordDecoder.Decode(Hex("0100 02 B2010000 2000 04 01 30 01 59 5A 55"), SelTimeContext.Uncorrected, new Names());

        var e = Assert.IsType<SystemEventRecord>(record);
        Assert.Equal(1, e.RecordId);
        Assert.Equal(434u, e.Time.Raw);
        Assert.Equal(SelTimeQuality.PreInit, e.Time.Quality);
        Assert.Null(e.Time.Utc);
        Assert.Equal(TimeSpan.FromSeconds(434), e.Time.SinceInitialization);
        Assert.Equal(0x0020, e.Generator.Raw);
        Assert.False(e.Generator.IsSoftware);
        Assert.Equal(0x20, e.Generator.Address);
        Assert.Equal(0, e.Generator.Channel);
        Assert.Equal(0, e.Generator.Lun);
        Assert.Equal(4, e.EvMRevision);
        Assert.Equal("Temperature", e.SensorTypeName);
        Assert.Equal(0x30, e.SensorNumber);
        Assert.Equal("CPU Temp", e.SensorName);
        Assert.Equal(SelEventDirection.Assertion, e.Direction);
        Assert.Equal(SelEventClass.Threshold, e.EventClass);
        Assert.Equal(9, e.Offset);
        Assert.Equal("Upper Critical - going high", e.Description);
        Assert.Equal(SelEventDataUsage.TriggerReading, e.EventData.Data2Usage);
        Assert.Equal(SelEventDataUsage.TriggerThreshold, e.EventData.Data3Usage);
        Assert.Equal((byte)0x5A, e.EventData.TriggerReading);
        Assert.Equal((byte)0x55, e.EventData.TriggerThreshold);
    }

    [Fact]
    public void A_sensor_specific_deassertion_from_system_software_names_its_offset_and_severity()
    {
        // Generator 41h = software id 20h (BIOS range), channel 0, LUN 0; Power Supply #31 deasserted, offset 1,
        // data 2 usage 01b: previous state 2, severity offset 1 (Non-Critical from OK).
        var e = Assert.IsType<SystemEventRecord>(
            SelRecordDecoder.Decode(Hex("0700 02 00000060 4100 04 08 31 EF 41 12 FF"), SelTimeContext.Uncorrected));

        Assert.True(e.Generator.IsSoftware);
        Assert.Equal((byte)0x20, e.Generator.SoftwareId);
        Assert.Null(e.SensorName);
        Assert.Equal(SelEventDirection.Deassertion, e.Direction);
        Assert.Equal(SelEventClass.SensorSpecific, e.EventClass);
        Assert.Equal("Power Supply Failure detected", e.Description);
        Assert.Equal(SelEventDataUsage.PreviousStateAndSeverity, e.EventData.Data2Usage);
        Assert.Equal((byte)2, e.EventData.PreviousStateOffset);
        Assert.Equal((byte)1, e.EventData.SeverityOffset);
        Assert.Equal("transition to Non-Critical from OK", e.EventData.SeverityText);
        Assert.Equal(SelTimeQuality.BmcClock, e.Time.Quality);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x60000000), e.Time.Utc);
    }

    [Fact]
    public void Oem_records_keep_manufacturer_id_and_raw_data()
    {
        var ts = Assert.IsType<OemTimestampedRecord>(
            SelRecordDecoder.Decode(Hex("0300 C1 B2010000 911200 010203040506"), SelTimeContext.Uncorrected));
        Assert.Equal(0x001291u, ts.ManufacturerId);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, ts.OemData);
        Assert.Equal(434u, ts.Time.Raw);

        var nts = Assert.IsType<OemNonTimestampedRecord>(
            SelRecordDecoder.Decode(Hex("0400 E0 0102030405060708090A0B0C0D"), SelTimeContext.Uncorrected));
        Assert.Equal(Hex("0102030405060708090A0B0C0D"), nts.OemData);
        Assert.Equal(0xE0, nts.RecordType);

        var odd = Assert.IsType<UnknownSelRecord>(
            SelRecordDecoder.Decode(Hex("0500 10 00000000000000000000000000"), SelTimeContext.Uncorrected));
        Assert.Equal(16, odd.Raw.Length);
    }

    [Fact]
    public void The_assumeSystemEventRecord_quirk_decodes_an_invalid_record_type_as_a_system_event()
    {
        // The threshold event above as an HP DL380 G5 writes it (FreeIPMI assumesystemevent): record type 0x00.
        var bytes = Hex("0100 00 B2010000 2000 04 01 30 01 59 5A 55");

        Assert.IsType<UnknownSelRecord>(SelRecordDecoder.Decode(bytes, SelTimeContext.Uncorrected, new Names()));
        var e = Assert.IsType<SystemEventRecord>(
            SelRecordDecoder.Decode(bytes, SelTimeContext.Uncorrected, new Names(), BmcQuirks.AssumeSystemEventRecord));
        Assert.Equal(0x00, e.RecordType);
        Assert.Equal("CPU Temp", e.SensorName);
        Assert.Equal(SelEventClass.Threshold, e.EventClass);
        Assert.Equal(434u, e.Time.Raw);

        // OEM ranges keep their meaning under the quirk.
        Assert.IsType<OemTimestampedRecord>(
            SelRecordDecoder.Decode(Hex("0300 C1 B2010000 911200 010203040506"), SelTimeContext.Uncorrected, quirks: BmcQuirks.AssumeSystemEventRecord));
    }

    [Fact]
    public void A_short_record_is_a_decode_error()
    {
        Assert.Throws<IpmiDecodeException>(() => SelRecordDecoder.Decode(new byte[15], SelTimeContext.Uncorrected));
    }

    [Fact]
    public void Pre_init_stamps_are_corrected_by_the_BMC_uptime_and_calendar_stamps_only_when_asked()
    {
        var host = new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);
        var preInitOnly = new SelTimeContext(1000, host, SelTimeCorrection.PreInitOnly);
        var corrected = preInitOnly.Interpret(400);
        Assert.Equal(SelTimeQuality.Corrected, corrected.Quality);
        Assert.Equal(host.AddSeconds(-600), corrected.Utc);
        Assert.True(corrected.IsPreInit);
        Assert.Equal(SelTimeQuality.BmcClock, preInitOnly.Interpret(0x60000000).Quality);
        Assert.Equal(SelTimeQuality.Unspecified, preInitOnly.Interpret(0xFFFFFFFF).Quality);
        Assert.Null(preInitOnly.Interpret(0xFFFFFFFF).Utc);

        // BMC clock 100 s behind the host: calendar stamps move forward by 100 s under All.
        var bmcNow = (uint)host.AddSeconds(-100).ToUnixTimeSeconds();
        var all = new SelTimeContext(bmcNow, host, SelTimeCorrection.All);
        var stamp = all.Interpret(bmcNow - 50);
        Assert.Equal(SelTimeQuality.Corrected, stamp.Quality);
        Assert.Equal(host.AddSeconds(-50), stamp.Utc);
        // A pre-init record cannot be placed against a calendar clock reading: it stays pre-init.
        Assert.Equal(SelTimeQuality.PreInit, all.Interpret(400).Quality);
    }

    [Theory]
    [InlineData(0x01, 0x01, 0x02, "Lower Critical - going low")]
    [InlineData(0x07, 0x07, 0x00, "transition to OK")]
    [InlineData(0x6F, 0x07, 0x00, "IERR")]
    [InlineData(0x6F, 0x0C, 0x00, "Correctable ECC/other correctable memory error")]
    [InlineData(0x6F, 0x23, 0x08, "Timer interrupt")]
    [InlineData(0x6F, 0x23, 0x05, null)]
    [InlineData(0x6F, 0x01, 0x00, null)]
    [InlineData(0x01, 0x01, 0x0C, null)]
    public void Offsets_are_named_from_the_spec_tables(byte eventType, byte sensorType, byte offset, string? expected)
    {
        Assert.Equal(expected, DiscreteStates.KnownName(eventType, sensorType, offset));
    }
}
