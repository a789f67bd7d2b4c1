using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Get SEL Info (Storage 40h). IPMI v2.0 §31.2.</summary>
public sealed class GetSelInfo : IIpmiCommand<SelInfo>
{
    public const int ResponseLength = 14;

    public static readonly GetSelInfo Instance = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSelInfo));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public SelInfo Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, ResponseLength, "Get SEL Info response");
        var support = data[13];
        return new SelInfo(
            Version: data[0],
            Entries: BinaryPrimitives.ReadUInt16LittleEndian(data[1..3]),
            FreeSpaceBytes: BinaryPrimitives.ReadUInt16LittleEndian(data[3..5]),
            MostRecentAddition: BinaryPrimitives.ReadUInt32LittleEndian(data[5..9]),
            MostRecentErase: BinaryPrimitives.ReadUInt32LittleEndian(data[9..13]),
            Overflow: (support & 0b1000_0000) != 0,
            SupportsDelete: (support & 0b0000_1000) != 0,
            SupportsPartialAdd: (support & 0b0000_0100) != 0,
            SupportsReserve: (support & 0b0000_0010) != 0,
            SupportsAllocationInfo: (support & 0b0000_0001) != 0);
    }
}

/// <summary>The SEL's state. Timestamps are raw SEL timecodes (see <see cref="Sel.SelTimestamp"/>).</summary>
/// <param name="Version">SEL version, BCD with the minor digit in the high nibble (51h = 1.5).</param>
/// <param name="FreeSpaceBytes">Free space; FFFFh means 65535 bytes or more.</param>
public sealed record SelInfo(
    byte Version,
    ushort Entries,
    ushort FreeSpaceBytes,
    uint MostRecentAddition,
    uint MostRecentErase,
    bool Overflow,
    bool SupportsDelete,
    bool SupportsPartialAdd,
    bool SupportsReserve,
    bool SupportsAllocationInfo)
{
    /// <summary>"1.5" for 51h: the spec stores the major digit in the low nibble.</summary>
    public string VersionText => $"{Version & 0x0F}.{Version >> 4}";
}
