namespace IpmiRpc.Core.Commands.SensorEvent;

/// <summary>
/// Get Sensor Reading Factors (Sensor/Event 23h). IPMI v2.0 §35.5: the conversion factors a non-linear sensor uses for
/// one raw reading, and the next reading at which they change.
/// </summary>
public sealed record GetSensorReadingFactors(byte SensorNumber, byte Reading) : IIpmiCommand<SensorReadingFactorsResponse>
{
    /// <summary>Next reading plus the six factor bytes (same layout as full-SDR bytes 25–30).</summary>
    public const int ResponseLength = 7;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSensorReadingFactors));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { SensorNumber, Reading };

    public SensorReadingFactorsResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, ResponseLength, "Get Sensor Reading Factors response");
        return new SensorReadingFactorsResponse(data[0], Sensors.ConversionFactors.Decode(data[1..7]));
    }
}

/// <summary>Decoded Get Sensor Reading Factors response.</summary>
/// <param name="NextReading">The next raw reading whose factors differ.</param>
public sealed record SensorReadingFactorsResponse(byte NextReading, Sensors.ConversionFactors Factors);
