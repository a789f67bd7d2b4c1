using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Get FRU Inventory Area Info (Storage 10h). IPMI v2.0 §34.1.</summary>
public sealed record GetFruInventoryAreaInfo(byte DeviceId) : IIpmiCommand<FruInventoryAreaInfo>
{
    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.Storage, 0x10)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { DeviceId };

    public FruInventoryAreaInfo Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 3, "Get FRU Inventory Area Info response");
        return new FruInventoryAreaInfo(BinaryPrimitives.ReadUInt16LittleEndian(data[0..2]), (data[2] & 0b0000_0001) != 0);
    }
}

/// <param name="SizeBytes">Inventory area size in bytes.</param>
/// <param name="AccessByWords">Offsets and counts of Read FRU Data are in 16-bit words, not bytes.</param>
public sealed record FruInventoryAreaInfo(ushort SizeBytes, bool AccessByWords);
