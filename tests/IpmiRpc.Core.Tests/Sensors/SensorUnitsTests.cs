using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Tests.Sensors;

public class SensorUnitsTests
{
    [Theory]
    // units1 byte: [5:3] rate, [2:1] modifier relation, [0] percentage. Texts as ipmitool prints, abbreviations as FreeIPMI.
    [InlineData(0x00, 1, 0, "degrees C", "C")]
    [InlineData(0x00, 4, 0, "Volts", "V")]
    [InlineData(0x00, 18, 0, "RPM", "RPM")]
    [InlineData(0x02, 6, 24, "Watts/hour", "W / hr")]
    [InlineData(0x04, 6, 24, "Watts*hour", "W * hr")]
    [InlineData(0x01, 0, 0, "percent", "%")]
    [InlineData(0x01, 18, 0, "% RPM", "% RPM")]
    [InlineData(0x18, 88, 0, "error per s", "error per s")]
    [InlineData(0x00, 92, 0, "grams", "grams")]
    [InlineData(0x00, 200, 0, "unit 0xC8", "unit 0xC8")]
    public void Unit_strings(byte units1, byte baseUnit, byte modifier, string text, string abbreviation)
    {
        var units = SensorUnits.Decode(units1, baseUnit, modifier);
        Assert.Equal(text, units.Text);
        Assert.Equal(abbreviation, units.Abbreviation);
    }

    [Fact]
    public void Fields_decode_by_name()
    {
        var units = SensorUnits.Decode(0b0010_1101, 6, 24);
        Assert.Equal((RateUnit.PerHour, ModifierUnitRelation.Multiply, true), (units.Rate, units.Relation, units.Percentage));
        Assert.Equal(("Watts", "hour"), (units.BaseName, units.ModifierName));
    }
}
