using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Tests.Sensors;

/// <summary>Tables 42-2 (generic) and 42-3 (sensor-specific); the names FreeIPMI printed for the board are in the peer tests.</summary>
public class DiscreteStatesTests
{
    [Theory]
    [InlineData(0x6F, 0x08, 0, "Presence detected")]
    [InlineData(0x6F, 0x08, 1, "Power Supply Failure detected")]
    [InlineData(0x6F, 0x0D, 1, "Drive Fault")]
    [InlineData(0x6F, 0x05, 0, "General Chassis Intrusion")]
    [InlineData(0x6F, 0x23, 8, "Timer interrupt")]
    [InlineData(0x6F, 0x2C, 7, "FRU Communication Lost")]
    [InlineData(0x03, 0x02, 0, "State Deasserted")]
    [InlineData(0x08, 0x07, 1, "Device Inserted/Device Present")]
    [InlineData(0x0B, 0x09, 0, "Fully Redundant")]
    [InlineData(0x07, 0x01, 8, "Informational")]
    [InlineData(0x0C, 0x01, 3, "D3 Power State")]
    [InlineData(0x6F, 0x01, 0, "State 0")]   // temperature has no sensor-specific offsets
    [InlineData(0x03, 0x02, 9, "State 9")]
    [InlineData(0x72, 0xC0, 2, "OEM State 2")]
    public void State_names(int eventReadingType, int sensorType, int offset, string name) =>
        Assert.Equal(name, DiscreteStates.Name(eventReadingType, sensorType, offset));

    [Fact]
    public void Every_asserted_bit_is_named_in_offset_order()
    {
        var states = DiscreteStates.Decode(0x6F, 0x0D, 0b0100_0000_0000_0011);
        Assert.Equal([(0, "Drive Presence"), (1, "Drive Fault"), (14, "State 14")], states.Select(s => (s.Offset, s.Name)));
    }

    [Theory]
    [InlineData(0x01, "Temperature")]
    [InlineData(0x0B, "Other Units Based Sensor")]
    [InlineData(0x2C, "FRU State")]
    [InlineData(0xC5, "OEM Reserved")]
    [InlineData(0x50, "Unknown (0x50)")]
    public void Sensor_type_names(int type, string name) => Assert.Equal(name, SensorTypeTable.TypeName(type));

    [Theory]
    [InlineData(0b00_0000, SensorStatus.Ok)]
    [InlineData(0b00_0001, SensorStatus.NonCritical)]
    [InlineData(0b00_1000, SensorStatus.NonCritical)]
    [InlineData(0b00_0011, SensorStatus.Critical)]
    [InlineData(0b01_0000, SensorStatus.Critical)]
    [InlineData(0b00_0111, SensorStatus.NonRecoverable)]
    [InlineData(0b10_0000, SensorStatus.NonRecoverable)]
    public void Threshold_status_is_the_most_severe_bit(int bits, SensorStatus status) =>
        Assert.Equal(status, SensorReader.ThresholdStatus(bits));
}
