using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Get SEL Allocation Info (Storage 41h). IPMI v2.0 §31.3. Optional: many BMCs answer C1h.</summary>
public sealed class GetSelAllocationInfo : IIpmiCommand<SelAllocationInfo>
{
    public const int ResponseLength = 9;

    public static readonly GetSelAllocationInfo Instance = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSelAllocationInfo));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public SelAllocationInfo Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, ResponseLength, "Get SEL Allocation Info response");
        return new SelAllocationInfo(
            PossibleAllocationUnits: BinaryPrimitives.ReadUInt16LittleEndian(data[0..2]),
            AllocationUnitSizeBytes: BinaryPrimitives.ReadUInt16LittleEndian(data[2..4]),
            FreeAllocationUnits: BinaryPrimitives.ReadUInt16LittleEndian(data[4..6]),
            LargestFreeBlockUnits: BinaryPrimitives.ReadUInt16LittleEndian(data[6..8]),
            MaximumRecordSizeUnits: data[8]);
    }
}

/// <param name="AllocationUnitSizeBytes">0 means unspecified.</param>
public sealed record SelAllocationInfo(
    ushort PossibleAllocationUnits,
    ushort AllocationUnitSizeBytes,
    ushort FreeAllocationUnits,
    ushort LargestFreeBlockUnits,
    byte MaximumRecordSizeUnits);
