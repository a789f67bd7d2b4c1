using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Get SEL Time (Storage 48h). IPMI v2.0 §31.10: the BMC's SEL clock as a raw timecode (seconds since
/// 1970-01-01, or seconds since initialisation below 20000000h).</summary>
public sealed class GetSelTime : IIpmiCommand<uint>
{
    public static readonly GetSelTime Instance = new();

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSelTime));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public uint Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 4, "Get SEL Time response");
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }
}
