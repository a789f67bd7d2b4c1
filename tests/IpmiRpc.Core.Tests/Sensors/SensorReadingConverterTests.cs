using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Tests.Sensors;

/// <summary>IPMI v2.0 §36.3: y = L[(M·x + B·10^Bexp)·10^Rexp].</summary>
public class SensorReadingConverterTests
{
    private static ConversionFactors Factors(int m = 1, int b = 0, int rExp = 0, int bExp = 0) => new(m, 0, b, 0, 0, rExp, bExp);

    [Theory]
    [InlineData(0x00, AnalogDataFormat.Unsigned, 0)]
    [InlineData(0xFF, AnalogDataFormat.Unsigned, 255)]
    [InlineData(0xF4, AnalogDataFormat.TwosComplement, -12)]
    [InlineData(0x80, AnalogDataFormat.TwosComplement, -128)]
    [InlineData(0xF0, AnalogDataFormat.OnesComplement, -15)]
    [InlineData(0xFF, AnalogDataFormat.OnesComplement, 0)] // "-0"
    [InlineData(0x7F, AnalogDataFormat.OnesComplement, 127)]
    public void Raw_bytes_by_analog_format(byte raw, AnalogDataFormat format, int expected) =>
        Assert.Equal(expected, SensorReadingConverter.RawToInteger(raw, format));

    [Fact]
    public void No_analog_reading_converts_to_null() =>
        Assert.Null(SensorReadingConverter.Convert(10, AnalogDataFormat.NoAnalogReading, 0, Factors()));

    [Theory]
    [InlineData(200, 6, 0, -2, 0, 12.0)]      // P12V: 0.06 V per count
    [InlineData(195, 17, -20, -3, 0, 3.295)]  // P3V3: negative B
    [InlineData(80, 2, 5, 0, 1, 210.0)]       // PSU1 Power: B·10^Bexp
    [InlineData(10, -1, 0, 0, 0, -10.0)]      // negative M
    [InlineData(1, 511, -512, 0, 0, -1.0)]    // 10-bit extremes
    public void Linear_conversion(byte raw, int m, int b, int rExp, int bExp, double expected) =>
        Assert.Equal(expected, SensorReadingConverter.Convert(raw, AnalogDataFormat.Unsigned, 0, Factors(m, b, rExp, bExp))!.Value, 9);

    [Theory]
    [InlineData(Linearization.Ln, 1, 0.0)]
    [InlineData(Linearization.Log10, 100, 2.0)]
    [InlineData(Linearization.Log2, 8, 3.0)]
    [InlineData(Linearization.E, 0, 1.0)]
    [InlineData(Linearization.Exp10, 2, 100.0)]
    [InlineData(Linearization.Exp2, 3, 8.0)]
    [InlineData(Linearization.Inverse, 4, 0.25)]
    [InlineData(Linearization.Square, 12, 144.0)]
    [InlineData(Linearization.Cube, 3, 27.0)]
    [InlineData(Linearization.SquareRoot, 16, 4.0)]
    [InlineData(Linearization.CubeRoot, 27, 3.0)]
    public void Linearization_functions(Linearization l, byte raw, double expected) =>
        Assert.Equal(expected, SensorReadingConverter.Convert(raw, AnalogDataFormat.Unsigned, (int)l, Factors())!.Value, 9);

    [Theory]
    [InlineData(Linearization.Inverse, 0)]     // 1/0
    [InlineData(Linearization.Ln, 0)]          // ln 0
    [InlineData(Linearization.NonLinear, 5)]   // needs Get Sensor Reading Factors
    [InlineData((Linearization)0x0C, 5)]       // reserved
    public void Undefined_results_are_null(Linearization l, byte raw) =>
        Assert.Null(SensorReadingConverter.Convert(raw, AnalogDataFormat.Unsigned, (int)l, Factors()));

    [Fact]
    public void Ln_of_a_negative_value_is_null() =>
        Assert.Null(SensorReadingConverter.Convert(0xF4, AnalogDataFormat.TwosComplement, (int)Linearization.Ln, Factors()));

    [Theory]
    [InlineData(0x70, true)]
    [InlineData(0x7F, true)]
    [InlineData(0x0B, false)]
    public void Non_linear_range(int linearization, bool nonLinear) => Assert.Equal(nonLinear, SensorReadingConverter.IsNonLinear(linearization));

    [Theory]
    [InlineData(0x1FF, 10, 511)]
    [InlineData(0x200, 10, -512)]
    [InlineData(0x3FF, 10, -1)]
    [InlineData(0x8, 4, -8)]
    [InlineData(0x7, 4, 7)]
    public void Sign_extension(int value, int bits, int expected) => Assert.Equal(expected, ConversionFactors.SignExtend(value, bits));
}
