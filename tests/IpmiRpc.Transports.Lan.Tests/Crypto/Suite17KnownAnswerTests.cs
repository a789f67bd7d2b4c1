using System.Text;
using IpmiRpc.Transports.Lan.Crypto;

namespace IpmiRpc.Transports.Lan.Tests.Crypto;

/// <summary>
/// Cipher suite 17 (RAKP-HMAC-SHA256, HMAC-SHA256-128, AES-CBC-128). ipmi_sim refuses suite 17, so these vectors were
/// computed independently with /usr/bin/python3's standard hmac/hashlib from the IPMI v2.0 §13.31–13.32 layouts:
/// <code>
/// H = hashlib.sha256; rm = bytes(range(0x10, 0x20)); rc = bytes(range(0xA0, 0xB0)); role = 0x14
/// rakp2 = hmac.new(b"test", struct.pack("&lt;II", 0xA0A2A3A4, 0x102) + rm + rc + guid + bytes([role, 7]) + b"ipmiusr", H)
/// rakp3 = hmac.new(b"test", rc + struct.pack("&lt;I", 0xA0A2A3A4) + bytes([role, 7]) + b"ipmiusr", H)
/// sik   = hmac.new(kg, rm + rc + bytes([role, 7]) + b"ipmiusr", H); k1/k2 = hmac.new(sik, b"\x01"*20 / b"\x02"*20, H)
/// icv   = hmac.new(sik, rm + struct.pack("&lt;I", 0x102) + guid, H).digest()[:16]
/// authcode = hmac.new(k1, Signed, H).digest()[:16]
/// </code>
/// </summary>
public sealed class Suite17KnownAnswerTests
{
    private static readonly byte[] Password = "test"u8.ToArray();
    private static readonly byte[] Kg = Encoding.ASCII.GetBytes("0123456789abcdefghij");
    private static readonly byte[] Username = "ipmiusr"u8.ToArray();
    private static readonly byte[] Rm = Enumerable.Range(0x10, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] Rc = Enumerable.Range(0xA0, 16).Select(i => (byte)i).ToArray();
    private static readonly byte[] Guid = Convert.FromHexString("a123456789abcdefa123456789abcdef");
    private const uint ConsoleSid = 0xA0A2A3A4;
    private const uint BmcSid = 0x00000102;
    private const byte Role = 0x14;

    private const string Rakp2 = "3511b0412159c38b958ba42aca3e5f3d676fdc9bc584a5834a2d7051ab8ef0ec";
    private const string Rakp3 = "a2614a3f73c794f1c7867bbe754559a7ff1d5c982196886ccfe0a98d9a5e147d";
    private const string SikFromPassword = "c34cbc017b3e46653ec9e573a410ebed58031ff122cf67fb2d9e7980e1fe0335";
    private const string SikFromKg = "cd3fa341eb74b9ae6d62de9e9a71acdf90f95728b609234eca50b845ad7d0095";
    private const string K1 = "ee3bd4da49ff733616b7a4b191d37423fb407456b8327e8b428d9a1b1f3a333d";
    private const string K2 = "031f9f794df5625e20f74c27c673f8528fdabd1b3820f3c6a64399d01bd5fb6b";
    private const string Icv = "1d048b91d3ce95bc2bbbbd900f939881";
    private const string Signed = "06c0a4a3a2a001000000200000112233445566778899aabbccddeeff00112233445566778899aabbccddeeffffff0207";
    private const string AuthCode = "011b9924cb985ee457027939f2ec6e43";

    private static readonly RakpHmacSha256 Auth = RakpHmacSha256.Instance;

    [Fact]
    public void Rakp2_and_rakp3_auth_codes()
    {
        Assert.Equal(Rakp2, Hex(SessionKeys.Rakp2AuthCode(Auth, Password, ConsoleSid, BmcSid, Rm, Rc, Guid, Role, Username)));
        Assert.Equal(Rakp3, Hex(SessionKeys.Rakp3AuthCode(Auth, Password, Rc, ConsoleSid, Role, Username)));
    }

    [Fact]
    public void Sik_uses_Kg_when_given_and_the_password_otherwise()
    {
        Assert.Equal(SikFromKg, Hex(SessionKeys.Sik(Auth, Kg, Rm, Rc, Role, Username)));
        Assert.Equal(SikFromPassword, Hex(SessionKeys.Sik(Auth, Password, Rm, Rc, Role, Username)));
    }

    [Fact]
    public void K1_K2_and_rakp4_icv()
    {
        var sik = Convert.FromHexString(SikFromKg);
        Assert.Equal(K1, Hex(SessionKeys.K1(Auth, sik)));
        Assert.Equal(K2, Hex(SessionKeys.K2(Auth, sik)));
        var icv = SessionKeys.Rakp4Icv(Auth, sik, Rm, BmcSid, Guid);
        Assert.Equal(16, icv.Length);
        Assert.Equal(Icv, Hex(icv));
    }

    [Fact]
    public void Hmac_sha256_128_auth_code()
    {
        var code = new byte[16];
        HmacSha256_128.Instance.Compute(Convert.FromHexString(K1), Convert.FromHexString(Signed), code);
        Assert.Equal(AuthCode, Hex(code));
        using var mac = HmacSha256_128.Instance.CreateMac(Convert.FromHexString(K1));
        Assert.True(mac.Verify(Convert.FromHexString(Signed), code));
        // The keyed MAC is reused packet after packet: a second, tampered code must still be checked from scratch.
        code[15] ^= 1;
        Assert.False(mac.Verify(Convert.FromHexString(Signed), code));
        code[15] ^= 1;
        Assert.True(mac.Verify(Convert.FromHexString(Signed), code));
    }

    [Fact]
    public void Sealed_suite17_packet_carries_the_python_auth_code_over_its_signed_part()
    {
        // Our Seal must put exactly Python's HMAC-SHA256-128 over auth type .. next header of the packet it builds.
        using var security = new SessionSecurity(CipherSuite.Suite17, Convert.FromHexString(K1), Convert.FromHexString(K2), BmcSid, ConsoleSid);
        var packet = new byte[200];
        var length = security.Seal(packet, IpmiRpc.Transports.Lan.Wire.PayloadType.Ipmi, 1, Convert.FromHexString("2018c88104017a"));
        var signedEnd = length - 16;
        Assert.Equal(0x07, packet[signedEnd - 1]);
        Assert.Equal(0, (signedEnd - 4) % 4);
        var expected = System.Security.Cryptography.HMACSHA256.HashData(Convert.FromHexString(K1), packet.AsSpan(4, signedEnd - 4))[..16];
        Assert.Equal(expected, packet.AsSpan(signedEnd, 16).ToArray());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
