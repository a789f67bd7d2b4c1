namespace IpmiRpc.Core.Commands.SensorEvent;

/// <summary>Get Sensor Reading (Sensor/Event 2Dh). IPMI v2.0 §35.14.</summary>
public sealed record GetSensorReading(byte SensorNumber) : IIpmiCommand<SensorReadingResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSensorReading));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { SensorNumber };

    public SensorReadingResponse Decode(ReadOnlySpan<byte> data)
    {
        // The reading and the flags byte are mandatory; the state bytes are optional (some BMCs omit them for
        // threshold sensors, and byte 4 is optional even for discrete ones).
        IpmiDecodeException.ThrowIfShorter(data, 2, "Get Sensor Reading response");
        var flags = data[1];
        var low = data.Length > 2 ? data[2] : 0;
        var high = data.Length > 3 ? data[3] & 0x7F : 0;
        return new SensorReadingResponse(
            Raw: data[0],
            EventMessagesEnabled: (flags & 0b1000_0000) != 0,
            ScanningEnabled: (flags & 0b0100_0000) != 0,
            ReadingUnavailable: (flags & 0b0010_0000) != 0,
            StatePresent: data.Length > 2,
            States: (ushort)(low | (high << 8)));
    }
}

/// <summary>Decoded Get Sensor Reading response.</summary>
/// <param name="Raw">The reading byte (meaningful for threshold/analog sensors only).</param>
/// <param name="EventMessagesEnabled">Byte 2 bit 7 (0 = all event messages disabled from this sensor).</param>
/// <param name="ScanningEnabled">Byte 2 bit 6 (0 = sensor scanning disabled).</param>
/// <param name="ReadingUnavailable">Byte 2 bit 5 (1 = reading/state unavailable, e.g. still initialising).</param>
/// <param name="StatePresent">True when the BMC returned byte 3 (the threshold comparison or discrete state bits).</param>
/// <param name="States">Threshold sensors: bits 5:0 = at or past LNC, LC, LNR, UNC, UC, UNR. Discrete sensors: state
/// offsets 14:0 asserted.</param>
public sealed record SensorReadingResponse(
    byte Raw,
    bool EventMessagesEnabled,
    bool ScanningEnabled,
    bool ReadingUnavailable,
    bool StatePresent,
    ushort States);
