using System.Text;

namespace IpmiRpc.Core.Fru;

/// <summary>Type/length field decoding (FRU spec §13): binary, BCD plus, 6-bit packed ASCII, 8-bit / 16-bit text.</summary>
public static class FruFieldCodec
{
    /// <summary>Type/length byte C1h ends the field list (§13).</summary>
    public const byte EndOfFields = 0xC1;

    /// <summary>Language codes 0 and 25 are English: 8-bit text is ASCII + Latin-1; any other means UTF-16LE (§15).</summary>
    public static bool IsEnglish(byte languageCode) => languageCode is 0 or 25;

    public static FruField Decode(byte typeLength, ReadOnlySpan<byte> data, byte languageCode)
    {
        var bytes = data.ToArray();
        return (typeLength >> 6) switch
        {
            0b00 => new FruField(FruFieldEncoding.Binary, null, bytes),
            0b01 => new FruField(FruFieldEncoding.BcdPlus, DecodeBcdPlus(data), bytes),
            0b10 => new FruField(FruFieldEncoding.SixBitAscii, DecodeSixBitAscii(data), bytes),
            _ when IsEnglish(languageCode) => new FruField(FruFieldEncoding.Latin1, TrimPadding(Encoding.Latin1.GetString(data)), bytes),
            _ => new FruField(FruFieldEncoding.Utf16Le, TrimPadding(Encoding.Unicode.GetString(data[..(data.Length & ~1)])), bytes),
        };
    }

    /// <summary>
    /// Two characters per byte, high nibble first: 0–9, A = space, B = '-', C = '.'; D–F are reserved ('?').
    /// ipmitool and pyghmi read it this way; FreeIPMI takes one character per byte and rejects packed fields.
    /// </summary>
    public static string DecodeBcdPlus(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length * 2);
        foreach (var b in data)
        {
            sb.Append(BcdPlusChar(b >> 4));
            sb.Append(BcdPlusChar(b & 0x0F));
        }

        return sb.ToString();
    }

    /// <summary>6-bit ASCII (20h–5Fh), four characters in three bytes, the first in the low bits of the first byte.</summary>
    public static string DecodeSixBitAscii(ReadOnlySpan<byte> data)
    {
        var count = data.Length * 8 / 6;
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            var bit = i * 6;
            var value = data[bit / 8] >> (bit % 8);
            if (bit % 8 > 2 && bit / 8 + 1 < data.Length)
                value |= data[bit / 8 + 1] << (8 - bit % 8);
            sb.Append((char)((value & 0x3F) + 0x20));
        }

        return sb.ToString();
    }

    private static char BcdPlusChar(int nibble) => nibble switch
    {
        <= 9 => (char)('0' + nibble),
        0xA => ' ',
        0xB => '-',
        0xC => '.',
        _ => '?',
    };

    // NUL padding after the text is common (pyghmi tolerates it too); it is not part of the value.
    private static string TrimPadding(string text) => text.TrimEnd('\0');
}
