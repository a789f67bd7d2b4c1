using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>
/// RAKP computations and key derivation (IPMI v2.0 §13.31–§13.32). All byte layouts are the spec's; every
/// multi-byte id is little-endian as on the wire.
/// </summary>
internal static class SessionKeys
{
    /// <summary>The constants HMAC'd with SIK to make K1 and K2: 20 bytes of 01h / 02h (also for SHA-256, as BMCs do).</summary>
    private const int ConstantLength = 20;

    /// <summary>RAKP 2 key exchange auth code: HMAC_Kuid(SIDm, SIDc, Rm, Rc, GUIDc, ROLEm, ULENGTHm, UNAMEm).</summary>
    public static byte[] Rakp2AuthCode(
        AuthenticationAlgorithm auth, ReadOnlySpan<byte> password, uint consoleSessionId, uint bmcSessionId,
        ReadOnlySpan<byte> rm, ReadOnlySpan<byte> rc, ReadOnlySpan<byte> bmcGuid, byte role, ReadOnlySpan<byte> username)
    {
        var data = new byte[4 + 4 + 16 + 16 + 16 + 2 + username.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data, consoleSessionId);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), bmcSessionId);
        rm.CopyTo(data.AsSpan(8, 16));
        rc.CopyTo(data.AsSpan(24, 16));
        bmcGuid.CopyTo(data.AsSpan(40, 16));
        data[56] = role;
        data[57] = (byte)username.Length;
        username.CopyTo(data.AsSpan(58));
        return Hmac(auth, password, data);
    }

    /// <summary>RAKP 3 key exchange auth code: HMAC_Kuid(Rc, SIDm, ROLEm, ULENGTHm, UNAMEm).</summary>
    public static byte[] Rakp3AuthCode(
        AuthenticationAlgorithm auth, ReadOnlySpan<byte> password, ReadOnlySpan<byte> rc, uint consoleSessionId, byte role, ReadOnlySpan<byte> username)
    {
        var data = new byte[16 + 4 + 2 + username.Length];
        rc.CopyTo(data);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), consoleSessionId);
        data[20] = role;
        data[21] = (byte)username.Length;
        username.CopyTo(data.AsSpan(22));
        return Hmac(auth, password, data);
    }

    /// <summary>SIK = HMAC_KG(Rm, Rc, ROLEm, ULENGTHm, UNAMEm); KG is the password when the BMC has no Kg.</summary>
    public static byte[] Sik(
        AuthenticationAlgorithm auth, ReadOnlySpan<byte> kg, ReadOnlySpan<byte> rm, ReadOnlySpan<byte> rc, byte role, ReadOnlySpan<byte> username)
    {
        var data = new byte[16 + 16 + 2 + username.Length];
        rm.CopyTo(data);
        rc.CopyTo(data.AsSpan(16));
        data[32] = role;
        data[33] = (byte)username.Length;
        username.CopyTo(data.AsSpan(34));
        return Hmac(auth, kg, data);
    }

    /// <summary>RAKP 4 integrity check value: HMAC_SIK(Rm, SIDc, GUIDc) truncated to the algorithm's ICV length.</summary>
    public static byte[] Rakp4Icv(AuthenticationAlgorithm auth, ReadOnlySpan<byte> sik, ReadOnlySpan<byte> rm, uint bmcSessionId, ReadOnlySpan<byte> bmcGuid)
    {
        var data = new byte[16 + 4 + 16];
        rm.CopyTo(data);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), bmcSessionId);
        bmcGuid.CopyTo(data.AsSpan(20));
        return Hmac(auth, sik, data)[..auth.IcvLength];
    }

    /// <summary>K1 (integrity key) = HMAC_SIK(20 × 01h).</summary>
    public static byte[] K1(AuthenticationAlgorithm auth, ReadOnlySpan<byte> sik) => DeriveK(auth, sik, 0x01);

    /// <summary>K2 (confidentiality key; AES uses its first 16 bytes) = HMAC_SIK(20 × 02h).</summary>
    public static byte[] K2(AuthenticationAlgorithm auth, ReadOnlySpan<byte> sik) => DeriveK(auth, sik, 0x02);

    public static bool FixedTimeEquals(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => CryptographicOperations.FixedTimeEquals(a, b);

    private static byte[] DeriveK(AuthenticationAlgorithm auth, ReadOnlySpan<byte> sik, byte constant)
    {
        Span<byte> data = stackalloc byte[ConstantLength];
        data.Fill(constant);
        return Hmac(auth, sik, data);
    }

    private static byte[] Hmac(AuthenticationAlgorithm auth, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var result = new byte[auth.HmacLength];
        auth.Hmac(key, data, result);
        return result;
    }
}
