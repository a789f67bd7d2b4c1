using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>An RMCP+ integrity algorithm (IPMI v2.0 §13.28.4): the AuthCode trailer of every in-session packet, keyed by K1.</summary>
internal abstract class IntegrityAlgorithm
{
    public abstract byte Id { get; }
    public abstract string Name { get; }

    /// <summary>Bytes of AuthCode on the wire (the HMAC truncated).</summary>
    public abstract int AuthCodeLength { get; }

    /// <summary>Writes the truncated AuthCode of <paramref name="data"/> to <paramref name="authCode"/>.</summary>
    public abstract void Compute(ReadOnlySpan<byte> k1, ReadOnlySpan<byte> data, Span<byte> authCode);

    /// <summary>Constant-time comparison of the received AuthCode with the expected one.</summary>
    public bool Verify(ReadOnlySpan<byte> k1, ReadOnlySpan<byte> data, ReadOnlySpan<byte> authCode)
    {
        if (authCode.Length != AuthCodeLength)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[AuthCodeLength];
        Compute(k1, data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, authCode);
    }
}
