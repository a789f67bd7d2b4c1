namespace IpmiRpc.Transports.Lan.Crypto;

/// <summary>RAKP-none (cipher suite 0): no password proof at all. Only reachable with AllowInsecure.</summary>
internal sealed class RakpNone : AuthenticationAlgorithm
{
    public static readonly RakpNone Instance = new();

    public override byte Id => 0x00;
    public override string Name => "RAKP-none";
    public override int HmacLength => 0;
    public override int IcvLength => 0;

    public override void Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
    }
}
