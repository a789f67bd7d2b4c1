using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>HMAC-SHA1-96 (RFC 2404; cipher suites 2, 3): HMAC-SHA1 keyed with K1, first 12 bytes.</summary>
internal sealed class HmacSha1_96 : IntegrityAlgorithm
{
    public static readonly HmacSha1_96 Instance = new();

    public override byte Id => 0x01;
    public override string Name => "HMAC-SHA1-96";
    public override HashAlgorithmName Hash => HashAlgorithmName.SHA1;
    public override int AuthCodeLength => 12;

    public override void Compute(ReadOnlySpan<byte> k1, ReadOnlySpan<byte> data, Span<byte> authCode)
    {
        Span<byte> full = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(k1, data, full);
        full[..AuthCodeLength].CopyTo(authCode);
    }
}
