using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Reserve SEL (Storage 42h). IPMI v2.0 §31.4: the id guards partial reads, deletes and Clear SEL; a
/// clear or delete by anyone cancels it (completion code C5h on the next use).</summary>
public sealed class ReserveSel : IIpmiCommand<ushort>
{
    public static readonly ReserveSel Instance = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(ReserveSel));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public ushort Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Reserve SEL response");
        return BinaryPrimitives.ReadUInt16LittleEndian(data);
    }
}
