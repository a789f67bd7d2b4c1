namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>
/// An RMCP+ RAKP authentication algorithm (IPMI v2.0 §13.28): the HMAC that proves the password in RAKP 2/3,
/// derives the session keys and checks RAKP 4's integrity check value.
/// </summary>
internal abstract class AuthenticationAlgorithm
{
    /// <summary>Algorithm number in the Open Session authentication payload (Table 13-17).</summary>
    public abstract byte Id { get; }

    public abstract string Name { get; }

    /// <summary>Length of the key exchange authentication codes in RAKP 2 and 3, and of SIK, K1 and K2.</summary>
    public abstract int HmacLength { get; }

    /// <summary>Length of RAKP 4's integrity check value (the HMAC truncated, IPMI v2.0 §13.28.1b/§13.28.4).</summary>
    public abstract int IcvLength { get; }

    /// <summary>Writes HMAC(key, data) (<see cref="HmacLength"/> bytes) to <paramref name="destination"/>.</summary>
    public abstract void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination);
}
