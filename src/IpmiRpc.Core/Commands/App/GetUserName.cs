using System.Text;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Get User Name (App 46h). IPMI v2.0 §22.29: 16 bytes, ASCII, NUL-padded.</summary>
public sealed record GetUserName(byte UserId) : IIpmiCommand<string>
{
    public const int NameLength = 16;

    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.App, 0x46)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)(UserId & 0b0011_1111) };

    /// <summary>The name up to its first NUL; bytes outside printable ASCII become '?' (a name is never trusted text).</summary>
    public string Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, NameLength, "Get User Name response");
        var name = data[..NameLength];
        var end = name.IndexOf((byte)0);
        if (end >= 0)
            name = name[..end];
        var sb = new StringBuilder(name.Length);
        foreach (var b in name)
            sb.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        return sb.ToString();
    }
}
