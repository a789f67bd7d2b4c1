using System.Buffers.Binary;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan.Wire;

/// <summary>
/// IPMI 1.5 session wrapper with authentication type NONE and session id 0 (IPMI v2.0 Table 13-8): how a console
/// talks to a BMC before any session exists (Get Channel Authentication Capabilities, Get Channel Cipher Suites).
/// </summary>
internal static class Ipmi15Packet
{
    // RMCP(4) + auth type(1) + sequence(4) + session id(4) + length(1)
    public const int HeaderLength = Rmcp.HeaderLength + 10;

    public static int Encode(Span<byte> destination, ReadOnlySpan<byte> message)
    {
        if (message.Length > byte.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(message), "IPMI 1.5 message longer than 255 bytes");
        }

        Rmcp.WriteHeader(destination);
        destination[4] = AuthType.None;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[5..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[9..], 0);
        destination[13] = (byte)message.Length;
        message.CopyTo(destination[HeaderLength..]);
        return HeaderLength + message.Length;
    }

    /// <summary>Returns the IPMI message inside a session-less 1.5 datagram.</summary>
    public static ReadOnlySpan<byte> Decode(ReadOnlySpan<byte> datagram, out uint sessionId)
    {
        IpmiDecodeException.ThrowIfShorter(datagram, HeaderLength, "IPMI 1.5 packet");
        if (datagram[4] != AuthType.None)
        {
            throw new IpmiDecodeException($"IPMI 1.5 packet: authentication type 0x{datagram[4]:X2}, expected NONE outside a session");
        }

        sessionId = BinaryPrimitives.ReadUInt32LittleEndian(datagram[9..]);
        var length = datagram[13];
        IpmiDecodeException.ThrowIfShorter(datagram, HeaderLength + length, "IPMI 1.5 packet payload");
        return datagram.Slice(HeaderLength, length);
    }
}
