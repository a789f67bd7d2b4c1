using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Get SEL Entry (Storage 43h). IPMI v2.0 §31.5.</summary>
/// <param name="ReservationId">Required (non-zero) for a partial read at a non-zero offset; 0 otherwise.</param>
/// <param name="RecordId"><see cref="FirstRecord"/>, <see cref="LastRecord"/> or a record id.</param>
/// <param name="Offset">Offset into the record.</param>
/// <param name="BytesToRead"><see cref="WholeRecord"/> or a count.</param>
public sealed record GetSelEntry(ushort ReservationId, ushort RecordId, byte Offset = 0, byte BytesToRead = GetSelEntry.WholeRecord)
    : IIpmiCommand<SelEntryChunk>
{
    public const ushort FirstRecord = 0x0000;
    public const ushort LastRecord = 0xFFFF;
    public const byte WholeRecord = 0xFF;

    /// <summary>Every SEL record is 16 bytes (§31.6).</summary>
    public const int RecordLength = 16;

    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.Storage, 0x43)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            var data = new byte[6];
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(0, 2), ReservationId);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2, 2), RecordId);
            data[4] = Offset;
            data[5] = BytesToRead;
            return data;
        }
    }

    public SelEntryChunk Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Get SEL Entry response");
        return new SelEntryChunk(BinaryPrimitives.ReadUInt16LittleEndian(data[0..2]), data[2..].ToArray());
    }
}

/// <summary>The next record id (FFFFh after the last record) and the bytes read.</summary>
public sealed record SelEntryChunk(ushort NextRecordId, byte[] Data);
