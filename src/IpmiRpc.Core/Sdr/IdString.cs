using System.Text;

namespace IpmiRpc.Core.Sdr;

/// <summary>The encodings a type/length byte names (IPMI v2.0 §43.15; the same byte as FRU §13).</summary>
public enum IdStringEncoding
{
    /// <summary>00b: the spec says "Unicode" without a form; read as UTF-16LE.</summary>
    Unicode = 0,

    /// <summary>01b: BCD plus, two characters per byte from "0123456789 -.:,_".</summary>
    BcdPlus = 1,

    /// <summary>10b: 6-bit packed ASCII (0x20–0x5F), four characters in three bytes.</summary>
    SixBitAscii = 2,

    /// <summary>11b: 8-bit ASCII + Latin-1.</summary>
    Latin1 = 3,
}

/// <summary>An ID string and the encoding it was stored in.</summary>
public sealed record IdString(string Text, IdStringEncoding Encoding)
{
    public static IdString Empty { get; } = new("", IdStringEncoding.Latin1);

    private const string BcdPlusAlphabet = "0123456789 -.:,_";

    /// <summary>
    /// Decodes a type/length byte and its data from <paramref name="field"/> (the type/length byte first). A length
    /// longer than the bytes present is cut to what is there: sdrcomp, for one, stores the character count of 6-bit
    /// strings where the spec wants the byte count.
    /// </summary>
    public static IdString Decode(ReadOnlySpan<byte> field)
    {
        if (field.IsEmpty)
        {
            return Empty;
        }

        var encoding = (IdStringEncoding)(field[0] >> 6);
        var length = Math.Min(field[0] & 0b1_1111, field.Length - 1);
        var data = field.Slice(1, length);
        var text = encoding switch
        {
            IdStringEncoding.Latin1 => Latin1(data),
            IdStringEncoding.SixBitAscii => SixBit(data).TrimEnd(' '),
            IdStringEncoding.BcdPlus => BcdPlus(data),
            _ => data.Length % 2 == 0 ? System.Text.Encoding.Unicode.GetString(data).TrimEnd('\0') : Latin1(data),
        };
        return new IdString(text, encoding);
    }

    private static string Latin1(ReadOnlySpan<byte> data)
    {
        // C strings: a BMC may pad with NULs after the text.
        var end = data.IndexOf((byte)0);
        return System.Text.Encoding.Latin1.GetString(end < 0 ? data : data[..end]);
    }

    private static string SixBit(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length * 4 / 3);
        var bits = 0;
        var accumulator = 0;
        foreach (var b in data)
        {
            accumulator |= b << bits;
            bits += 8;
            while (bits >= 6)
            {
                sb.Append((char)((accumulator & 0b11_1111) + 0x20));
                accumulator >>= 6;
                bits -= 6;
            }
        }

        return sb.ToString();
    }

    private static string BcdPlus(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length * 2);
        foreach (var b in data)
        {
            sb.Append(BcdPlusAlphabet[b >> 4]).Append(BcdPlusAlphabet[b & 0x0F]);
        }

        return sb.ToString();
    }
}
