using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Read FRU Data (Storage 11h). IPMI v2.0 §34.2. Offset and count are in the device's access unit
/// (bytes, or words when <see cref="FruInventoryAreaInfo.AccessByWords"/>).</summary>
public sealed record ReadFruData(byte DeviceId, ushort Offset, byte Count) : IIpmiCommand<byte[]>
{
    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.Storage, 0x11)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            var data = new byte[4];
            data[0] = DeviceId;
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(1, 2), Offset);
            data[3] = Count;
            return data;
        }
    }

    /// <summary>The data read; the count byte says how many units came back, and a BMC may return fewer than asked.</summary>
    public byte[] Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Read FRU Data response");
        var payload = data[1..];
        // The count is in access units; take what actually arrived when a BMC miscounts (never read past it).
        return payload.ToArray();
    }
}
