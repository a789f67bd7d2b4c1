namespace IpmiRpc.Core.Commands.App;

/// <summary>
/// Get Channel Cipher Suites (App 54h), IPMI v2.0 §22.15. The BMC returns its cipher suite records 16 bytes at a
/// time; a caller asks for list index 0, 1, … until a reply carries fewer than 16 record bytes, then parses the
/// concatenation with <see cref="ParseRecords"/>.
/// </summary>
/// <param name="ListIndex">Which 16-byte chunk of the record list (0–63).</param>
/// <param name="Channel">The channel to ask about; <see cref="CurrentChannel"/> is the one the request arrives on.</param>
/// <param name="PayloadType">0 = IPMI messages.</param>
public sealed record GetChannelCipherSuites(byte ListIndex, byte Channel = GetChannelCipherSuites.CurrentChannel, byte PayloadType = 0)
    : IIpmiCommand<GetChannelCipherSuitesResponse>
{
    public const byte CurrentChannel = 0x0E;
    public const int BytesPerReply = 16;

    /// <summary>Highest list index the spec allows (0..3Fh).</summary>
    public const int MaxListIndex = 0x3F;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetChannelCipherSuites));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(ListIndex, (byte)MaxListIndex);
            // Bit 7: list algorithms by cipher suite (what every client wants), not the supported-algorithm list.
            return new[] { (byte)(Channel & 0x0F), (byte)(PayloadType & 0x3F), (byte)(0x80 | ListIndex) };
        }
    }

    /// <summary>Decodes one reply after the completion code: channel number, then 0–16 record bytes.</summary>
    public GetChannelCipherSuitesResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Get Channel Cipher Suites response");
        if (data.Length > 1 + BytesPerReply)
        {
            throw new IpmiDecodeException($"Get Channel Cipher Suites response: {data.Length} bytes, expected at most {1 + BytesPerReply}");
        }

        return new GetChannelCipherSuitesResponse((byte)(data[0] & 0x0F), data[1..].ToArray());
    }

    /// <summary>Parses the concatenated record bytes (Table 22-18) into cipher suite records.</summary>
    public static IReadOnlyList<CipherSuiteRecord> ParseRecords(ReadOnlySpan<byte> records)
    {
        var result = new List<CipherSuiteRecord>();
        var i = 0;
        while (i < records.Length)
        {
            int id;
            int? oemIana = null;
            switch (records[i])
            {
                case 0xC0:
                    if (i + 2 > records.Length)
                    {
                        throw new IpmiDecodeException($"Cipher suite record at offset {i}: truncated");
                    }

                    id = records[i + 1];
                    i += 2;
                    break;
                case 0xC1:
                    if (i + 5 > records.Length)
                    {
                        throw new IpmiDecodeException($"OEM cipher suite record at offset {i}: truncated");
                    }

                    id = records[i + 1];
                    oemIana = records[i + 2] | (records[i + 3] << 8) | (records[i + 4] << 16);
                    i += 5;
                    break;
                default:
                    throw new IpmiDecodeException($"Cipher suite record at offset {i}: start byte 0x{records[i]:X2}, expected C0h or C1h");
            }

            byte? auth = null;
            var integrity = new List<byte>();
            var confidentiality = new List<byte>();
            // Algorithm bytes follow until the next record's start byte: tags 00b auth, 01b integrity, 10b confidentiality.
            while (i < records.Length && (records[i] & 0xC0) != 0xC0)
            {
                var value = (byte)(records[i] & 0x3F);
                switch (records[i] & 0xC0)
                {
                    case 0x00: auth ??= value; break;
                    case 0x40: integrity.Add(value); break;
                    default: confidentiality.Add(value); break;
                }

                i++;
            }

            result.Add(new CipherSuiteRecord(id, oemIana, auth, integrity, confidentiality));
        }

        return result;
    }
}

public sealed record GetChannelCipherSuitesResponse(byte Channel, byte[] RecordData)
{
    public bool IsLastChunk => RecordData.Length < GetChannelCipherSuites.BytesPerReply;
}

/// <param name="Id">Cipher suite id (IPMI v2.0 Table 22-20).</param>
/// <param name="OemIana">Set for OEM (C1h) records.</param>
/// <param name="Authentication">RAKP algorithm number (0 none, 1 HMAC-SHA1, 2 HMAC-MD5, 3 HMAC-SHA256).</param>
public sealed record CipherSuiteRecord(
    int Id,
    int? OemIana,
    byte? Authentication,
    IReadOnlyList<byte> Integrity,
    IReadOnlyList<byte> Confidentiality);
