using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>
/// Get SDR (Storage 23h). IPMI v2.0 §33.12. Reads <paramref name="BytesToRead"/> bytes of record
/// <paramref name="RecordId"/> from <paramref name="Offset"/>; FFh reads the whole record. Partial reads (offset ≠ 0)
/// need a reservation from <see cref="ReserveSdrRepository"/>.
/// </summary>
public sealed record GetSdr(ushort ReservationId, ushort RecordId, byte Offset, byte BytesToRead) : IIpmiCommand<GetSdrResponse>
{
    /// <summary>Asks for the entire record in one response.</summary>
    public const byte WholeRecord = 0xFF;

    /// <summary>The record ID that ends the repository (as "next record ID").</summary>
    public const ushort EndOfRepository = 0xFFFF;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSdr));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            var data = new byte[6];
            BinaryPrimitives.WriteUInt16LittleEndian(data, ReservationId);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2), RecordId);
            data[4] = Offset;
            data[5] = BytesToRead;
            return data;
        }
    }

    public GetSdrResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Get SDR response");
        return new GetSdrResponse(BinaryPrimitives.ReadUInt16LittleEndian(data), data[2..].ToArray());
    }
}

/// <summary>Decoded Get SDR response: the next record's ID and the requested bytes of this one.</summary>
public sealed record GetSdrResponse(ushort NextRecordId, byte[] Data);
