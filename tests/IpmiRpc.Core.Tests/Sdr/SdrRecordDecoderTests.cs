using IpmiRpc.Core.Commands.SensorEvent;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Tests.Sdr;

/// <summary>Records compiled by sdrcomp from tests/fixtures/ipmi_sim/board.sdrs (ipmitool and FreeIPMI agree on them).</summary>
public class SdrRecordDecoderTests
{
    private static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    [Fact]
    public void Full_sensor_record_P3V3_with_negative_B_and_R_exponent()
    {
        var r = Assert.IsType<FullSensorRecord>(SdrRecordDecoder.Decode(Hex(
            "08 00 51 01 2e 20 00 11 07 01 41 04 02 01 00 00 00 00 12 00 00 04 00 00 11 00 ec c0 00 d0 00 00 00 00 00 00 00 d7 00 00 af 00 00 00 00 00 00 84 f0 64 4f")));

        Assert.Equal(new SdrHeader(8, 0x51, 1, 0x2E), r.Header);
        Assert.Equal(new SensorOwner(0x20, false, 0, 0), r.Owner);
        Assert.Equal((0x11, new EntityRef(7, 1, false), 0x02, 0x01), (r.SensorNumber, r.Entity, r.SensorType, r.EventReadingType));
        Assert.Equal("P3V3", r.Name.Text);
        Assert.Equal(ThresholdAccess.Readable, r.Capabilities.ThresholdAccess);
        Assert.True(r.Capabilities.InitScanning);
        Assert.Equal(ThresholdMask.LowerCritical | ThresholdMask.UpperCritical, r.Masks.ReadableThresholds);
        Assert.Equal((AnalogDataFormat.Unsigned, 4, 0), (r.AnalogFormat, r.Units.BaseUnit, r.Linearization));
        Assert.Equal(new ConversionFactors(17, 0, -20, 0, 0, -3, 0), r.Factors);
        Assert.Equal((byte)0xD7, r.Thresholds.UpperCritical);
        Assert.Equal((byte)0xAF, r.Thresholds.LowerCritical);
        Assert.Equal(3.295, r.Convert(195)!.Value, 9);
        Assert.Null(r.NominalReading);
        Assert.True(r.IsThresholdBased);
    }

    [Fact]
    public void Compact_shared_record_names_and_numbers_its_instances()
    {
        var r = Assert.IsType<CompactSensorRecord>(SdrRecordDecoder.Decode(Hex(
            "15 00 51 02 21 20 00 54 04 01 41 00 0d 6f 00 00 00 00 00 00 c0 00 00 02 80 00 00 00 00 00 00 c6 44 72 69 76 65 20")));

        Assert.Equal(("Drive ", 0x54, 0x0D, 0x6F), (r.Name.Text, r.SensorNumber, r.SensorType, r.EventReadingType));
        Assert.Equal(new SensorSharing(2, false, 0, true), r.Sharing);
        Assert.Equal(["0", "1"], new[] { r.Share.Suffix(0), r.Share.Suffix(1) });
        Assert.Equal("C", new SensorSharing(3, true, 2, false).Suffix(0));
        Assert.Equal("AB", new SensorSharing(40, true, 0, false).Suffix(27));
    }

    [Fact]
    public void Event_only_record()
    {
        var r = Assert.IsType<EventOnlySensorRecord>(SdrRecordDecoder.Decode(Hex(
            "17 00 51 03 14 20 00 60 07 01 23 6f 00 00 00 00 c8 57 61 74 63 68 64 6f 67")));
        Assert.Equal(("Watchdog", 0x60, 0x23, 0x6F, 1), (r.Name.Text, r.SensorNumber, r.SensorType, r.EventReadingType, r.Share.Count));
    }

    [Fact]
    public void Locator_records()
    {
        var mc = Assert.IsType<ManagementControllerLocatorRecord>(SdrRecordDecoder.Decode(Hex(
            "01 00 51 12 14 20 00 00 8f 00 00 00 06 01 00 c9 42 6f 61 72 64 20 42 4d 43")));
        Assert.Equal(("Board BMC", 0x20, 0, false, new EntityRef(6, 1, false)), (mc.Name.Text, mc.SlaveAddress, mc.Channel, mc.StaticController, mc.Entity));
        Assert.Equal(new ControllerCapabilities(true, false, false, false, true, true, true, true), mc.Capabilities);

        var fru = Assert.IsType<FruDeviceLocatorRecord>(SdrRecordDecoder.Decode(Hex(
            "02 00 51 11 14 20 00 80 00 00 10 00 07 01 00 c9 42 6f 61 72 64 20 46 52 55")));
        Assert.Equal(("Board FRU", 0x20, 0, true, 0x10), (fru.Name.Text, fru.AccessAddress, fru.FruDeviceId, fru.Logical, fru.DeviceType));

        var gdl = Assert.IsType<GenericDeviceLocatorRecord>(SdrRecordDecoder.Decode(Hex(
            "04 00 51 10 16 20 98 11 00 00 02 00 07 01 00 cb 4c 4d 37 35 20 53 65 6e 73 6f 72")));
        Assert.Equal(("LM75 Sensor", 0x20, 0x98, 0, 2, 1, 2), (gdl.Name.Text, gdl.AccessAddress, gdl.SlaveAddress, gdl.Channel, gdl.AccessLun, gdl.PrivateBusId, gdl.DeviceType));
    }

    [Fact]
    public void Oem_and_unknown_records_stay_raw()
    {
        var oem = Assert.IsType<OemRecord>(SdrRecordDecoder.Decode(Hex("19 00 51 c0 08 57 01 00 01 02 03 04 05")));
        Assert.Equal(0x157, oem.ManufacturerId);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, oem.Data);

        var association = Assert.IsType<UnknownRecord>(SdrRecordDecoder.Decode(Hex("20 00 51 08 0b 17 01 00 0a 01 0a 02 00 00 00 00")));
        Assert.Equal(8, association.Header.RecordType);
    }

    [Fact]
    public void A_record_too_short_for_its_type_is_kept_as_malformed_by_the_lenient_decoder()
    {
        var bytes = Hex("05 00 51 01 05 20 00 01 03 01");
        Assert.Throws<IpmiDecodeException>(() => SdrRecordDecoder.Decode(bytes));
        var malformed = Assert.IsType<MalformedRecord>(SdrRecordDecoder.DecodeLenient(bytes));
        Assert.Contains("Full sensor record", malformed.Error, StringComparison.Ordinal);
        Assert.Equal(5, malformed.Header.RecordId);
    }

    [Fact]
    public void Owner_software_ids_and_logical_entities()
    {
        Assert.Equal(new SensorOwner(0x40, true, 3, 2), SensorOwner.Decode(0x41, 0x23));
        Assert.Equal(new EntityRef(3, 5, true), EntityRef.Decode(3, 0x85));
    }
}
