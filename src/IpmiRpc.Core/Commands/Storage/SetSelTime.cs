using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.Storage;

/// <summary>Set SEL Time (Storage 49h). IPMI v2.0 §31.11.</summary>
public sealed record SetSelTime(uint Timecode) : IIpmiCommand<bool>
{
    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.Storage, 0x49)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            var data = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(data, Timecode);
            return data;
        }
    }

    /// <summary>No response data: true once the completion code was 00h.</summary>
    public bool Decode(ReadOnlySpan<byte> data) => true;

    /// <summary>The timecode for a UTC instant; throws when it is outside the 32-bit range after 1970.</summary>
    public static SetSelTime At(DateTimeOffset time)
    {
        var seconds = time.ToUnixTimeSeconds();
        if (seconds is < 0x20000000 or >= 0xFFFFFFFF)
            throw new IpmiInvalidArgumentException("time", "SEL time must lie between 1987-01-05 and 2106-02-07 UTC");
        return new SetSelTime((uint)seconds);
    }
}
