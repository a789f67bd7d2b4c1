using IpmiRpc.Core.Commands.SensorEvent;

namespace IpmiRpc.Core.Tests.Commands.SensorEvent;

public class SensorCommandsTests
{
    [Fact]
    public void Get_Sensor_Reading_decodes_a_threshold_answer_from_ipmi_sim()
    {
        // Inlet Temp on the board: raw F4h (-12 C), events disabled, scanning on, at or below LNC and LC.
        var r = new GetSensorReading(0x02).Decode([0xF4, 0x40, 0x03, 0x00]);
        Assert.Equal((0xF4, false, true, false, true, 0x03), (r.Raw, r.EventMessagesEnabled, r.ScanningEnabled, r.ReadingUnavailable, r.StatePresent, r.States));
        Assert.Equal(new byte[] { 0x02 }, new GetSensorReading(0x02).RequestData.ToArray());
    }

    [Fact]
    public void Get_Sensor_Reading_flags_and_the_fifteen_state_bits()
    {
        var r = new GetSensorReading(1).Decode([0x00, 0xA0, 0xFF, 0xFF]);
        Assert.True(r.EventMessagesEnabled && r.ReadingUnavailable && !r.ScanningEnabled);
        Assert.Equal(0x7FFF, r.States); // bit 15 is reserved

        var minimal = new GetSensorReading(1).Decode([0x10, 0x40]);
        Assert.False(minimal.StatePresent);
        Assert.Equal(0, minimal.States);
        Assert.Throws<IpmiDecodeException>(() => new GetSensorReading(1).Decode([0x10]));
    }

    [Fact]
    public void Get_Sensor_Thresholds_keeps_only_readable_values()
    {
        // P12V on the board: LC 180, LNC 190, UNC 210, UC 220 readable (mask 1Bh).
        var t = new GetSensorThreshold(0x10).Decode([0x1B, 190, 180, 0, 210, 220, 0]);
        Assert.Equal(ThresholdMask.LowerNonCritical | ThresholdMask.LowerCritical | ThresholdMask.UpperNonCritical | ThresholdMask.UpperCritical, t.Readable);
        Assert.Equal(new RawThresholds(190, 180, null, 210, 220, null), t.Thresholds);
        Assert.Throws<IpmiDecodeException>(() => new GetSensorThreshold(1).Decode(new byte[6]));
    }

    [Fact]
    public void Get_Sensor_Reading_Factors_decodes_next_reading_and_factors()
    {
        // Next reading 80h; M = 0x3FF (-1), tolerance 5, B = 0x1EC (492), accuracy 0x105, exp 2, R-exp -3, B-exp 1.
        var f = new GetSensorReadingFactors(0x41, 55).Decode([0x80, 0xFF, 0xC5, 0xEC, 0x45, 0x48, 0xD1]);
        Assert.Equal(0x80, f.NextReading);
        Assert.Equal(new Core.Sensors.ConversionFactors(-1, 5, 492, 0x105, 2, -3, 1), f.Factors);
        Assert.Equal(new byte[] { 0x41, 55 }, new GetSensorReadingFactors(0x41, 55).RequestData.ToArray());
    }
}
