namespace IpmiRpc.Core.Sensors;

/// <summary>
/// The reading conversion factors of IPMI v2.0 §36.3: y = L[(M·x + B·10^Bexp)·10^Rexp] (units), from full-SDR bytes
/// 25–30 or a Get Sensor Reading Factors response.
/// </summary>
/// <param name="M">10-bit two's complement multiplier.</param>
/// <param name="Tolerance">6-bit tolerance in ±½ raw counts.</param>
/// <param name="B">10-bit two's complement offset.</param>
/// <param name="Accuracy">10-bit unsigned accuracy in 1/100 percent, scaled by 10^AccuracyExponent.</param>
/// <param name="AccuracyExponent">2-bit unsigned accuracy exponent.</param>
/// <param name="ResultExponent">4-bit two's complement R (result) exponent.</param>
/// <param name="OffsetExponent">4-bit two's complement B exponent.</param>
public sealed record ConversionFactors(int M, int Tolerance, int B, int Accuracy, int AccuracyExponent, int ResultExponent, int OffsetExponent)
{
    /// <summary>Decodes the six factor bytes (M, M/tolerance, B, B/accuracy, accuracy/exp/direction, R-exp/B-exp).</summary>
    public static ConversionFactors Decode(ReadOnlySpan<byte> six)
    {
        IpmiDecodeException.ThrowIfShorter(six, 6, "Sensor conversion factors");
        return new ConversionFactors(
            M: SignExtend(six[0] | ((six[1] & 0b1100_0000) << 2), 10),
            Tolerance: six[1] & 0b0011_1111,
            B: SignExtend(six[2] | ((six[3] & 0b1100_0000) << 2), 10),
            Accuracy: (six[3] & 0b0011_1111) | ((six[4] & 0b1111_0000) << 2),
            AccuracyExponent: (six[4] >> 2) & 0b11,
            ResultExponent: SignExtend(six[5] >> 4, 4),
            OffsetExponent: SignExtend(six[5] & 0x0F, 4));
    }

    /// <summary>Sign-extends the low <paramref name="bits"/> bits of <paramref name="value"/> (two's complement).</summary>
    public static int SignExtend(int value, int bits)
    {
        var sign = 1 << (bits - 1);
        value &= (1 << bits) - 1;
        return (value ^ sign) - sign;
    }
}
