namespace IpmiRpc.Transports.Lan.Wire;

/// <summary>RMCP header (ASF 2.0 §3.2.2.1): version 06h, reserved, sequence FFh (no RMCP ACK), class 07h (IPMI).</summary>
internal static class Rmcp
{
    public const int HeaderLength = 4;
    public const byte Version = 0x06;
    public const byte NoAckSequence = 0xFF;
    public const byte ClassIpmi = 0x07;

    public static void WriteHeader(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = 0x00;
        destination[2] = NoAckSequence;
        destination[3] = ClassIpmi;
    }

    /// <summary>True for an RMCP datagram carrying IPMI (ACKs, ASF pongs and strangers are not ours).</summary>
    public static bool IsIpmi(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] == Version && (datagram[3] & 0x1F) == ClassIpmi && (datagram[3] & 0x80) == 0;
}

/// <summary>IPMI v2.0 Table 13-16: payload type numbers (low 6 bits of the payload type byte).</summary>
internal enum PayloadType : byte
{
    Ipmi = 0x00,
    Sol = 0x01,
    Oem = 0x02,
    OpenSessionRequest = 0x10,
    OpenSessionResponse = 0x11,
    Rakp1 = 0x12,
    Rakp2 = 0x13,
    Rakp3 = 0x14,
    Rakp4 = 0x15,
}

/// <summary>IPMI session header authentication type byte.</summary>
internal static class AuthType
{
    public const byte None = 0x00;
    public const byte RmcpPlus = 0x06;
}
