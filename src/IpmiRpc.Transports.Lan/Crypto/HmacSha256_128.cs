using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>HMAC-SHA256-128 (RFC 4868; cipher suite 17): HMAC-SHA256 keyed with K1, first 16 bytes.</summary>
internal sealed class HmacSha256_128 : IntegrityAlgorithm
{
    public static readonly HmacSha256_128 Instance = new();

    public override byte Id => 0x04;
    public override string Name => "HMAC-SHA256-128";
    public override HashAlgorithmName Hash => HashAlgorithmName.SHA256;
    public override int AuthCodeLength => 16;

    public override void Compute(ReadOnlySpan<byte> k1, ReadOnlySpan<byte> data, Span<byte> authCode)
    {
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(k1, data, full);
        full[..AuthCodeLength].CopyTo(authCode);
    }
}
