using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.SensorEvent;

/// <summary>
/// Get Device SDR Info (Sensor/Event 20h). IPMI v2.0 §35.2: a satellite controller's own SDRs (those a BMC without a
/// repository, or a controller with <c>ProvidesDeviceSdrs</c>, keeps). <paramref name="SdrCount"/> asks for the
/// number of SDRs on the addressed LUN instead of the number of sensors.
/// </summary>
public sealed record GetDeviceSdrInfo(bool SdrCount = true) : IIpmiCommand<DeviceSdrInfo>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetDeviceSdrInfo));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => SdrCount ? new byte[] { 0x01 } : ReadOnlyMemory<byte>.Empty;

    public DeviceSdrInfo Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Get Device SDR Info response");
        var flags = data[1];
        var dynamic = (flags & 0b1000_0000) != 0;
        return new DeviceSdrInfo(
            Count: data[0],
            DynamicPopulation: dynamic,
            LunsWithSensors: flags & 0b1111,
            // The change indicator is only present (and meaningful) for dynamic sensor populations.
            PopulationChange: dynamic && data.Length >= 6 ? BinaryPrimitives.ReadUInt32LittleEndian(data[2..6]) : null);
    }
}

/// <param name="Count">Sensors, or SDRs when asked for, on the addressed LUN.</param>
/// <param name="LunsWithSensors">Bit n set: LUN n has sensors.</param>
/// <param name="PopulationChange">Timestamp/counter of the last population change (dynamic devices only).</param>
public sealed record DeviceSdrInfo(int Count, bool DynamicPopulation, int LunsWithSensors, uint? PopulationChange);
