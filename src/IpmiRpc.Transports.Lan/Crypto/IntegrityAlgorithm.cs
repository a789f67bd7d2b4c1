using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>An RMCP+ integrity algorithm (IPMI v2.0 §13.28.4): the AuthCode trailer of every in-session packet, keyed by K1.</summary>
internal abstract class IntegrityAlgorithm
{
    public abstract byte Id { get; }
    public abstract string Name { get; }

    /// <summary>Bytes of AuthCode on the wire (the HMAC truncated).</summary>
    public abstract int AuthCodeLength { get; }

    /// <summary>The hash the HMAC is built on.</summary>
    public abstract HashAlgorithmName Hash { get; }

    /// <summary>Writes the truncated AuthCode of <paramref name="data"/> to <paramref name="authCode"/>.</summary>
    public abstract void Compute(ReadOnlySpan<byte> k1, ReadOnlySpan<byte> data, Span<byte> authCode);

    /// <summary>
    /// An HMAC keyed once with K1 for every packet of a session: a one-shot HMAC makes OpenSSL look the algorithm up
    /// and set the key up again for every packet, which cost more than the hashing itself.
    /// </summary>
    public KeyedMac CreateMac(ReadOnlySpan<byte> k1) => new(this, IncrementalHash.CreateHMAC(Hash, k1));
}

/// <summary>One session direction's HMAC, keyed once. Not thread-safe: the owner serializes calls.</summary>
internal sealed class KeyedMac(IntegrityAlgorithm algorithm, IncrementalHash hmac) : IDisposable
{
    public int AuthCodeLength => algorithm.AuthCodeLength;

    public void Compute(ReadOnlySpan<byte> data, Span<byte> authCode)
    {
        Span<byte> full = stackalloc byte[hmac.HashLengthInBytes];
        hmac.AppendData(data);
        hmac.GetHashAndReset(full);
        full[..algorithm.AuthCodeLength].CopyTo(authCode);
    }

    /// <summary>Constant-time comparison of the received AuthCode with the expected one.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> authCode)
    {
        if (authCode.Length != algorithm.AuthCodeLength)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[algorithm.AuthCodeLength];
        Compute(data, expected);
        return CryptographicOperations.FixedTimeEquals(expected, authCode);
    }

    public void Dispose() => hmac.Dispose();
}
