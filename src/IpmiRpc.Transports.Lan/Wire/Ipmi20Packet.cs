using System.Buffers.Binary;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan.Wire;

/// <summary>
/// IPMI 2.0 / RMCP+ session header (IPMI v2.0 §13.6, Table 13-8): RMCP header, auth type 06h, payload type (bit 7
/// encrypted, bit 6 authenticated), session id, session sequence, payload length (2 bytes). OEM explicit payloads
/// (type 02h) are not used by this transport.
/// </summary>
internal static class Ipmi20Packet
{
    public const int HeaderLength = Rmcp.HeaderLength + 12;
    public const byte EncryptedBit = 0b1000_0000;
    public const byte AuthenticatedBit = 0b0100_0000;

    /// <summary>Next Header byte of the integrity trailer: always 07h (RMCP class IPMI).</summary>
    public const byte NextHeader = 0x07;

    public static void WriteHeader(Span<byte> destination, PayloadType type, bool encrypted, bool authenticated, uint sessionId, uint sequence, int payloadLength)
    {
        Rmcp.WriteHeader(destination);
        destination[4] = AuthType.RmcpPlus;
        destination[5] = (byte)((byte)type | (encrypted ? EncryptedBit : 0) | (authenticated ? AuthenticatedBit : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(destination[6..], sessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[10..], sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[14..], checked((ushort)payloadLength));
    }

    /// <summary>A packet without integrity or confidentiality: pre-session messages (Open Session, RAKP) and suites 0/1.</summary>
    public static int EncodeUnprotected(Span<byte> destination, PayloadType type, uint sessionId, uint sequence, ReadOnlySpan<byte> payload)
    {
        WriteHeader(destination, type, false, false, sessionId, sequence, payload.Length);
        payload.CopyTo(destination[HeaderLength..]);
        return HeaderLength + payload.Length;
    }

    public static Ipmi20Header DecodeHeader(ReadOnlySpan<byte> datagram)
    {
        IpmiDecodeException.ThrowIfShorter(datagram, HeaderLength, "RMCP+ session header");
        if (datagram[4] != AuthType.RmcpPlus)
        {
            throw new IpmiDecodeException($"RMCP+ session header: authentication type 0x{datagram[4]:X2}, expected 0x06");
        }

        var typeByte = datagram[5];
        var header = new Ipmi20Header(
            (PayloadType)(typeByte & 0x3F),
            (typeByte & EncryptedBit) != 0,
            (typeByte & AuthenticatedBit) != 0,
            BinaryPrimitives.ReadUInt32LittleEndian(datagram[6..]),
            BinaryPrimitives.ReadUInt32LittleEndian(datagram[10..]),
            BinaryPrimitives.ReadUInt16LittleEndian(datagram[14..]));
        if (header.Type == PayloadType.Oem)
        {
            throw new IpmiDecodeException("RMCP+ OEM explicit payloads are not supported");
        }

        IpmiDecodeException.ThrowIfShorter(datagram, HeaderLength + header.PayloadLength, "RMCP+ payload");
        return header;
    }

    /// <summary>The payload bytes of an unprotected packet.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> datagram, in Ipmi20Header header) =>
        datagram.Slice(HeaderLength, header.PayloadLength);
}

internal readonly record struct Ipmi20Header(PayloadType Type, bool Encrypted, bool Authenticated, uint SessionId, uint Sequence, int PayloadLength);
