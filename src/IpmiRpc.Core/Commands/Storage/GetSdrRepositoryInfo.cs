using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Get SDR Repository Info (Storage 20h). IPMI v2.0 §33.9.</summary>
public sealed class GetSdrRepositoryInfo : IIpmiCommand<SdrRepositoryInfo>
{
    /// <summary>Version, record count, free space, two timestamps and the operation support byte.</summary>
    public const int ResponseLength = 14;

    public static GetSdrRepositoryInfo Instance { get; } = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSdrRepositoryInfo));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public SdrRepositoryInfo Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, ResponseLength, "Get SDR Repository Info response");
        var support = data[13];
        return new SdrRepositoryInfo(
            SdrVersion: data[0],
            RecordCount: BinaryPrimitives.ReadUInt16LittleEndian(data[1..3]),
            FreeSpaceBytes: BinaryPrimitives.ReadUInt16LittleEndian(data[3..5]),
            MostRecentAddition: BinaryPrimitives.ReadUInt32LittleEndian(data[5..9]),
            MostRecentErase: BinaryPrimitives.ReadUInt32LittleEndian(data[9..13]),
            Overflow: (support & 0b1000_0000) != 0,
            UpdateMode: (SdrUpdateMode)((support >> 5) & 0b11),
            DeleteSupported: (support & 0b0000_1000) != 0,
            PartialAddSupported: (support & 0b0000_0100) != 0,
            ReserveSupported: (support & 0b0000_0010) != 0,
            AllocationInfoSupported: (support & 0b0000_0001) != 0);
    }
}

/// <summary>How the repository may be updated (operation support bits 6:5).</summary>
public enum SdrUpdateMode
{
    Unspecified = 0,
    NonModal = 1,
    Modal = 2,
    ModalAndNonModal = 3,
}

/// <summary>Decoded Get SDR Repository Info response.</summary>
/// <param name="SdrVersion">SDR version byte, BCD (51h = 1.5).</param>
/// <param name="FreeSpaceBytes">Free space; FFFFh means unspecified.</param>
/// <param name="MostRecentAddition">Most recent addition timestamp (seconds, IPMI time); FFFFFFFFh: none.</param>
/// <param name="MostRecentErase">Most recent erase/delete timestamp; FFFFFFFFh: none.</param>
public sealed record SdrRepositoryInfo(
    int SdrVersion,
    int RecordCount,
    int FreeSpaceBytes,
    uint MostRecentAddition,
    uint MostRecentErase,
    bool Overflow,
    SdrUpdateMode UpdateMode,
    bool DeleteSupported,
    bool PartialAddSupported,
    bool ReserveSupported,
    bool AllocationInfoSupported)
{
    /// <summary>Both timestamps zero or unspecified: the BMC does not stamp changes, so they cannot detect one.</summary>
    public bool TimestampsUnusable =>
        MostRecentAddition is 0 or 0xFFFF_FFFF && MostRecentErase is 0 or 0xFFFF_FFFF;
}
