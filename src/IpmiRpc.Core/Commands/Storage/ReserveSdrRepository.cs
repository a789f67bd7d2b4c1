using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Reserve SDR Repository (Storage 22h). IPMI v2.0 §33.11. Answers the reservation ID partial reads need.</summary>
public sealed class ReserveSdrRepository : IIpmiCommand<ushort>
{
    public static ReserveSdrRepository Instance { get; } = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(ReserveSdrRepository));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public ushort Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Reserve SDR Repository response");
        return BinaryPrimitives.ReadUInt16LittleEndian(data);
    }
}
