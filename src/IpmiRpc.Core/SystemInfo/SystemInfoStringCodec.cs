using System.Text;

namespace IpmiRpc.Core.SystemInfo;

/// <summary>
/// The block format of the system info string parameters (IPMI v2.0 §22.14a): set selector 0 carries
/// [encoding (bits 3:0), total length, 14 data bytes], set selectors 1… carry 16 data bytes each.
/// </summary>
public static class SystemInfoStringCodec
{
    public const int BlockSize = 16;
    public const int FirstBlockDataBytes = 14;

    /// <summary>The length byte caps a string at 255 encoded bytes (17 blocks).</summary>
    public const int MaxEncodedLength = 255;

    public const int EncodingLatin1 = 0;
    public const int EncodingUtf8 = 1;
    public const int EncodingUcs2 = 2;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>How many set selectors a string of <paramref name="length"/> encoded bytes spans.</summary>
    public static int BlockCount(int length) =>
        1 + ((Math.Max(0, length - FirstBlockDataBytes) + BlockSize - 1) / BlockSize);

    /// <summary>Encodes as ASCII when every character is ASCII, else UTF-8; one 16-byte block per set selector.</summary>
    /// <exception cref="IpmiInvalidArgumentException">More than 255 bytes once encoded.</exception>
    public static byte[][] Encode(string value, string field)
    {
        var ascii = value.All(char.IsAscii);
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > MaxEncodedLength)
        {
            throw new IpmiInvalidArgumentException(field, $"{bytes.Length} bytes once encoded; the BMC stores at most {MaxEncodedLength}");
        }

        var blocks = new byte[BlockCount(bytes.Length)][];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new byte[BlockSize];
        }

        blocks[0][0] = (byte)(ascii ? EncodingLatin1 : EncodingUtf8);
        blocks[0][1] = (byte)bytes.Length;
        var first = Math.Min(bytes.Length, FirstBlockDataBytes);
        bytes.AsSpan(0, first).CopyTo(blocks[0].AsSpan(2));
        for (int offset = first, block = 1; offset < bytes.Length; offset += BlockSize, block++)
        {
            bytes.AsSpan(offset, Math.Min(BlockSize, bytes.Length - offset)).CopyTo(blocks[block]);
        }

        return blocks;
    }

    /// <summary>Reads the encoding and declared length from set selector 0's block (after the set selector byte).</summary>
    public static (int Encoding, int Length) DecodeHeader(ReadOnlySpan<byte> firstBlock)
    {
        IpmiDecodeException.ThrowIfShorter(firstBlock, 2, "System info string, set selector 0");
        return (firstBlock[0] & 0x0F, firstBlock[1]);
    }

    /// <summary>
    /// Decodes the blocks read so far (each without its set selector byte). Stops at the declared length or the data
    /// available, whichever is shorter, and strips trailing NULs: ipmitool writes a length of 62 for strings of 47–62
    /// characters, padding with NULs.
    /// </summary>
    public static string Decode(IReadOnlyList<byte[]> blocks)
    {
        if (blocks.Count == 0)
        {
            throw new IpmiDecodeException("System info string: no blocks");
        }

        var (encoding, length) = DecodeHeader(blocks[0]);
        var data = new List<byte>(length);
        data.AddRange(blocks[0].Skip(2).Take(FirstBlockDataBytes));
        foreach (var block in blocks.Skip(1))
        {
            data.AddRange(block.Take(BlockSize));
        }

        var bytes = data.Take(length).ToArray().AsSpan();
        if (encoding == EncodingUcs2)
        {
            bytes = bytes[..(bytes.Length & ~1)];
            while (bytes.Length >= 2 && bytes[^1] == 0 && bytes[^2] == 0)
            {
                bytes = bytes[..^2];
            }

            return Encoding.Unicode.GetString(bytes);
        }

        bytes = bytes.TrimEnd((byte)0);
        return encoding switch
        {
            EncodingLatin1 => DecodeLatin1(bytes),
            EncodingUtf8 => Encoding.UTF8.GetString(bytes),
            _ => throw new IpmiDecodeException($"System info string: unknown encoding {encoding}"),
        };
    }

    // Encoding 0 is ASCII + Latin-1 by the spec, but Linux tools (ipmitool setsysinfo) store UTF-8 bytes under it.
    // Non-ASCII text that is valid UTF-8 is almost never intended Latin-1, so prefer UTF-8 then.
    private static string DecodeLatin1(ReadOnlySpan<byte> bytes)
    {
        if (!bytes.ContainsAnyInRange((byte)0x80, (byte)0xFF))
        {
            return Encoding.Latin1.GetString(bytes);
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
