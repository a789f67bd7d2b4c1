using System.Buffers.Binary;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan.Wire;

/// <summary>RAKP Message 1 (IPMI v2.0 §13.20, Table 13-11), payload type 12h.</summary>
internal sealed record Rakp1(byte Tag, uint BmcSessionId, byte[] ConsoleRandom, byte Role, byte[] Username)
{
    public const int FixedLength = 28;
    public const int MaxUsernameLength = 16;

    public int Length => FixedLength + Username.Length;

    public int Encode(Span<byte> destination)
    {
        destination[..Length].Clear();
        destination[0] = Tag;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], BmcSessionId);
        ConsoleRandom.CopyTo(destination[8..24]);
        destination[24] = Role;
        destination[27] = (byte)Username.Length;
        Username.CopyTo(destination[28..]);
        return Length;
    }

    public static Rakp1 Decode(ReadOnlySpan<byte> payload)
    {
        IpmiDecodeException.ThrowIfShorter(payload, FixedLength, "RAKP Message 1");
        var nameLength = payload[27];
        if (nameLength > MaxUsernameLength)
        {
            throw new IpmiDecodeException($"RAKP Message 1: user name length {nameLength}, at most {MaxUsernameLength}");
        }

        IpmiDecodeException.ThrowIfShorter(payload, FixedLength + nameLength, "RAKP Message 1 user name");
        return new Rakp1(payload[0], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), payload[8..24].ToArray(), payload[24], payload.Slice(28, nameLength).ToArray());
    }
}

/// <summary>RAKP Message 2 (Table 13-12), payload type 13h: the BMC's random, GUID and password proof.</summary>
internal sealed record Rakp2(byte Tag, byte Status, uint ConsoleSessionId, byte[] BmcRandom, byte[] BmcGuid, byte[] AuthCode)
{
    public const int FixedLength = 40;
    public const int ErrorLength = 8;

    public int Encode(Span<byte> destination)
    {
        var length = FixedLength + AuthCode.Length;
        destination[..length].Clear();
        destination[0] = Tag;
        destination[1] = Status;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], ConsoleSessionId);
        BmcRandom.CopyTo(destination[8..24]);
        BmcGuid.CopyTo(destination[24..40]);
        AuthCode.CopyTo(destination[40..]);
        return length;
    }

    /// <param name="authCodeLength">The negotiated RAKP algorithm's HMAC length (0 for RAKP-none).</param>
    public static Rakp2 Decode(ReadOnlySpan<byte> payload, int authCodeLength)
    {
        IpmiDecodeException.ThrowIfShorter(payload, 2, "RAKP Message 2");
        if (payload[1] != 0)
        {
            var sid = payload.Length >= ErrorLength ? BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) : 0;
            return new Rakp2(payload[0], payload[1], sid, [], [], []);
        }

        IpmiDecodeException.ThrowIfShorter(payload, FixedLength + authCodeLength, "RAKP Message 2");
        return new Rakp2(
            payload[0], payload[1], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]),
            payload[8..24].ToArray(), payload[24..40].ToArray(), payload.Slice(40, authCodeLength).ToArray());
    }
}

/// <summary>RAKP Message 3 (Table 13-13), payload type 14h: the console's password proof.</summary>
internal sealed record Rakp3(byte Tag, byte Status, uint BmcSessionId, byte[] AuthCode)
{
    public const int FixedLength = 8;

    public int Length => FixedLength + AuthCode.Length;

    public int Encode(Span<byte> destination)
    {
        destination[..Length].Clear();
        destination[0] = Tag;
        destination[1] = Status;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], BmcSessionId);
        AuthCode.CopyTo(destination[8..]);
        return Length;
    }

    public static Rakp3 Decode(ReadOnlySpan<byte> payload, int authCodeLength)
    {
        IpmiDecodeException.ThrowIfShorter(payload, FixedLength + authCodeLength, "RAKP Message 3");
        return new Rakp3(payload[0], payload[1], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), payload.Slice(8, authCodeLength).ToArray());
    }
}

/// <summary>RAKP Message 4 (Table 13-14), payload type 15h: the BMC's proof that it derived the same SIK.</summary>
internal sealed record Rakp4(byte Tag, byte Status, uint ConsoleSessionId, byte[] IntegrityCheckValue)
{
    public const int FixedLength = 8;

    public int Encode(Span<byte> destination)
    {
        var length = FixedLength + IntegrityCheckValue.Length;
        destination[..length].Clear();
        destination[0] = Tag;
        destination[1] = Status;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], ConsoleSessionId);
        IntegrityCheckValue.CopyTo(destination[8..]);
        return length;
    }

    public static Rakp4 Decode(ReadOnlySpan<byte> payload, int icvLength)
    {
        IpmiDecodeException.ThrowIfShorter(payload, 2, "RAKP Message 4");
        if (payload[1] != 0)
        {
            var sid = payload.Length >= FixedLength ? BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]) : 0;
            return new Rakp4(payload[0], payload[1], sid, []);
        }

        IpmiDecodeException.ThrowIfShorter(payload, FixedLength + icvLength, "RAKP Message 4");
        return new Rakp4(payload[0], payload[1], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), payload.Slice(8, icvLength).ToArray());
    }
}

/// <summary>RMCP+ and RAKP message status codes (IPMI v2.0 Table 13-15).</summary>
internal static class RmcpPlusStatus
{
    public const byte InsufficientResources = 0x01;
    public const byte InvalidSessionId = 0x02;
    public const byte InvalidAuthenticationAlgorithm = 0x04;
    public const byte InvalidIntegrityAlgorithm = 0x05;
    public const byte InsufficientResourcesForRole = 0x0B;
    public const byte InvalidConfidentialityAlgorithm = 0x10;
    public const byte NoCipherSuiteMatch = 0x11;

    public static string Describe(byte status) => status switch
    {
        0x00 => "no errors",
        0x01 => "insufficient resources to create a session",
        0x02 => "invalid session ID",
        0x03 => "invalid payload type",
        0x04 => "invalid authentication algorithm",
        0x05 => "invalid integrity algorithm",
        0x06 => "no matching authentication payload",
        0x07 => "no matching integrity payload",
        0x08 => "inactive session ID",
        0x09 => "invalid role",
        0x0A => "unauthorized role or privilege level requested",
        0x0B => "insufficient resources to create a session at the requested role",
        0x0C => "invalid name length",
        0x0D => "unauthorized name",
        0x0E => "unauthorized GUID",
        0x0F => "invalid integrity check value",
        0x10 => "invalid confidentiality algorithm",
        0x11 => "no cipher suite match with proposed security algorithms",
        0x12 => "illegal or unrecognized parameter",
        _ => "reserved status",
    };

    /// <summary>
    /// The BMC refused the credentials themselves (the user name or role, or the password behind the RAKP 3 code): what
    /// a BMC counts towards an account lock-out. Other statuses (a session id it does not know, a parameter it did not
    /// parse, a value the table reserves) say nothing about the account; a reserved value is most likely a mangled packet.
    /// </summary>
    public static bool IsCredentialRefusal(byte status) => status is 0x09 or 0x0A or 0x0C or 0x0D or 0x0E or 0x0F;

    /// <summary>The BMC refused the algorithms (so another cipher suite may work).</summary>
    public static bool IsAlgorithmRefusal(byte status) =>
        status is InvalidAuthenticationAlgorithm or InvalidIntegrityAlgorithm or InvalidConfidentialityAlgorithm or NoCipherSuiteMatch or 0x06 or 0x07;
}
