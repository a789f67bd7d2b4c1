namespace IpmiRpc.Core.Sensors;

/// <summary>Linearization function L of IPMI v2.0 §36.3 (full SDR byte 24 bits 6:0, Table 43-1).</summary>
public enum Linearization
{
    Linear = 0x00,
    Ln = 0x01,
    Log10 = 0x02,
    Log2 = 0x03,
    E = 0x04,
    Exp10 = 0x05,
    Exp2 = 0x06,
    Inverse = 0x07,
    Square = 0x08,
    Cube = 0x09,
    SquareRoot = 0x0A,
    CubeRoot = 0x0B,

    /// <summary>70h: the factors vary with the reading; read them with Get Sensor Reading Factors. 71h–7Fh: OEM non-linear.</summary>
    NonLinear = 0x70,
}

/// <summary>Converts raw sensor bytes to values (IPMI v2.0 §36.3).</summary>
public static class SensorReadingConverter
{
    /// <summary>True for 70h–7Fh: the SDR's M/B do not apply and the factors must be read per reading.</summary>
    public static bool IsNonLinear(int linearization) => linearization is >= 0x70 and <= 0x7F;

    /// <summary>The raw byte as the signed or unsigned number the format says it is; null without an analog reading.</summary>
    public static int? RawToInteger(byte raw, AnalogDataFormat format) => format switch
    {
        AnalogDataFormat.Unsigned => raw,
        // One's complement: a set sign bit means the value is minus the inverted low bits (FFh is "-0").
        AnalogDataFormat.OnesComplement => (raw & 0x80) != 0 ? -(~raw & 0x7F) : raw,
        AnalogDataFormat.TwosComplement => (sbyte)raw,
        _ => null,
    };

    /// <summary>
    /// y = L[(M·x + B·10^Bexp)·10^Rexp]. Null when the format has no analog reading, the linearization is non-linear or
    /// reserved, or the result is not a finite number (ln of a negative, 1/0).
    /// </summary>
    public static double? Convert(byte raw, AnalogDataFormat format, int linearization, ConversionFactors factors)
    {
        if (RawToInteger(raw, format) is not { } x)
        {
            return null;
        }

        var linear = ((factors.M * (double)x) + (factors.B * Math.Pow(10, factors.OffsetExponent))) * Math.Pow(10, factors.ResultExponent);
        double? y = (linearization & 0x7F) switch
        {
            (int)Linearization.Linear => linear,
            (int)Linearization.Ln => Math.Log(linear),
            (int)Linearization.Log10 => Math.Log10(linear),
            (int)Linearization.Log2 => Math.Log2(linear),
            (int)Linearization.E => Math.Exp(linear),
            (int)Linearization.Exp10 => Math.Pow(10, linear),
            (int)Linearization.Exp2 => Math.Pow(2, linear),
            (int)Linearization.Inverse => 1 / linear,
            (int)Linearization.Square => linear * linear,
            (int)Linearization.Cube => linear * linear * linear,
            (int)Linearization.SquareRoot => Math.Sqrt(linear),
            (int)Linearization.CubeRoot => Math.Cbrt(linear),
            _ => null,
        };
        return y is { } value && double.IsFinite(value) ? value : null;
    }
}
