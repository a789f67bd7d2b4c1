using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>RAKP-HMAC-SHA1 (cipher suites 1–3): 20-byte codes, RAKP 4 ICV is HMAC-SHA1-96 (12 bytes).</summary>
internal sealed class RakpHmacSha1 : AuthenticationAlgorithm
{
    public static readonly RakpHmacSha1 Instance = new();

    public override byte Id => 0x01;
    public override string Name => "RAKP-HMAC-SHA1";
    public override int HmacLength => HMACSHA1.HashSizeInBytes;
    public override int IcvLength => 12;

    public override void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        HMACSHA1.HashData(key, data, destination);
}
