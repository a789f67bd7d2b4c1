using System.Security.Cryptography;

namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>RAKP-HMAC-SHA256 (cipher suite 17): 32-byte codes, RAKP 4 ICV is HMAC-SHA256-128 (16 bytes).</summary>
internal sealed class RakpHmacSha256 : AuthenticationAlgorithm
{
    public static readonly RakpHmacSha256 Instance = new();

    public override byte Id => 0x03;
    public override string Name => "RAKP-HMAC-SHA256";
    public override int HmacLength => HMACSHA256.HashSizeInBytes;
    public override int IcvLength => 16;

    public override void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        HMACSHA256.HashData(key, data, destination);
}
