namespace IpmiRpc.Core.Commands.SensorEvent;

/// <summary>Get Sensor Thresholds (Sensor/Event 27h). IPMI v2.0 §35.9.</summary>
public sealed record GetSensorThreshold(byte SensorNumber) : IIpmiCommand<SensorThresholdsResponse>
{
    /// <summary>Readable mask plus the six raw threshold bytes.</summary>
    public const int ResponseLength = 7;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSensorThreshold));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { SensorNumber };

    public SensorThresholdsResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, ResponseLength, "Get Sensor Thresholds response");
        var readable = (ThresholdMask)(data[0] & 0b0011_1111);
        return new SensorThresholdsResponse(readable, new RawThresholds(
            LowerNonCritical: Pick(readable, ThresholdMask.LowerNonCritical, data[1]),
            LowerCritical: Pick(readable, ThresholdMask.LowerCritical, data[2]),
            LowerNonRecoverable: Pick(readable, ThresholdMask.LowerNonRecoverable, data[3]),
            UpperNonCritical: Pick(readable, ThresholdMask.UpperNonCritical, data[4]),
            UpperCritical: Pick(readable, ThresholdMask.UpperCritical, data[5]),
            UpperNonRecoverable: Pick(readable, ThresholdMask.UpperNonRecoverable, data[6])));
    }

    private static byte? Pick(ThresholdMask readable, ThresholdMask bit, byte value) =>
        (readable & bit) != 0 ? value : null;
}

/// <summary>The six thresholds as one bit each, in the order every threshold mask uses (IPMI v2.0 §35.8, Table 43-1).</summary>
[Flags]
public enum ThresholdMask : byte
{
    None = 0,
    LowerNonCritical = 1 << 0,
    LowerCritical = 1 << 1,
    LowerNonRecoverable = 1 << 2,
    UpperNonCritical = 1 << 3,
    UpperCritical = 1 << 4,
    UpperNonRecoverable = 1 << 5,
}

/// <summary>Raw threshold bytes; null where the threshold is not readable.</summary>
public sealed record RawThresholds(
    byte? LowerNonCritical,
    byte? LowerCritical,
    byte? LowerNonRecoverable,
    byte? UpperNonCritical,
    byte? UpperCritical,
    byte? UpperNonRecoverable);

/// <summary>Decoded Get Sensor Thresholds response.</summary>
public sealed record SensorThresholdsResponse(ThresholdMask Readable, RawThresholds Thresholds);
