using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.SensorEvent;

/// <summary>Reserve Device SDR Repository (Sensor/Event 22h). IPMI v2.0 §35.4.</summary>
public sealed class ReserveDeviceSdrRepository : IIpmiCommand<ushort>
{
    public static ReserveDeviceSdrRepository Instance { get; } = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(ReserveDeviceSdrRepository));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public ushort Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Reserve Device SDR Repository response");
        return BinaryPrimitives.ReadUInt16LittleEndian(data);
    }
}
