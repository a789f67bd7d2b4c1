using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Clear SEL (Storage 47h). IPMI v2.0 §31.9: reservation id, 'C' 'L' 'R', then AAh (initiate erase) or 00h
/// (get erasure status).</summary>
public sealed record ClearSel(ushort ReservationId, ClearSelOperation Operation) : IIpmiCommand<ClearSelProgress>
{
    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.Storage, 0x47)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            var data = new byte[6];
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(0, 2), ReservationId);
            data[2] = (byte)'C';
            data[3] = (byte)'L';
            data[4] = (byte)'R';
            data[5] = (byte)Operation;
            return data;
        }
    }

    public ClearSelProgress Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Clear SEL response");
        return (data[0] & 0x0F) == 0x01 ? ClearSelProgress.Completed : ClearSelProgress.InProgress;
    }
}

public enum ClearSelOperation : byte
{
    GetErasureStatus = 0x00,
    InitiateErase = 0xAA,
}

public enum ClearSelProgress
{
    InProgress,
    Completed,
}
