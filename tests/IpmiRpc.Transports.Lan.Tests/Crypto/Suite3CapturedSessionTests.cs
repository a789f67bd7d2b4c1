using System.Text;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan.Tests.Crypto;

/// <summary>
/// Cipher suite 3 (RAKP-HMAC-SHA1, HMAC-SHA1-96, AES-CBC-128) checked against a conversation between two independent
/// implementations (ipmitool and ipmi_sim; see <see cref="Captured"/>): every code our crypto computes must equal what
/// they put on the wire, and every in-session packet must authenticate and decrypt with the keys we derive.
/// </summary>
public sealed class Suite3CapturedSessionTests
{
    private static readonly byte[] Password = Encoding.ASCII.GetBytes(Captured.Password);
    private static readonly byte[] Username = Encoding.ASCII.GetBytes(Captured.Username);

    private static (Rakp1 R1, Rakp2 R2, Rakp3 R3, Rakp4 R4) Handshake()
    {
        var r1 = Rakp1.Decode(Payload(4));
        var r2 = Rakp2.Decode(Payload(5), RakpHmacSha1.Instance.HmacLength);
        var r3 = Rakp3.Decode(Payload(6), RakpHmacSha1.Instance.HmacLength);
        var r4 = Rakp4.Decode(Payload(7), RakpHmacSha1.Instance.IcvLength);
        return (r1, r2, r3, r4);
    }

    private static ReadOnlySpan<byte> Payload(int index)
    {
        var packet = Captured.Packet(index);
        var header = Ipmi20Packet.DecodeHeader(packet);
        return Ipmi20Packet.Payload(packet, header).ToArray();
    }

    [Fact]
    public void Rakp2_auth_code_from_the_bmc_equals_ours()
    {
        var (r1, r2, _, _) = Handshake();
        Assert.Equal(0x14, r1.Role); // administrator | name-only lookup
        var ours = SessionKeys.Rakp2AuthCode(RakpHmacSha1.Instance, Password, Captured.ConsoleSessionId, Captured.BmcSessionId,
            r1.ConsoleRandom, r2.BmcRandom, r2.BmcGuid, r1.Role, Username);
        Assert.Equal(r2.AuthCode, ours);
    }

    [Fact]
    public void Rakp2_auth_code_does_not_match_with_a_wrong_password()
    {
        var (r1, r2, _, _) = Handshake();
        var ours = SessionKeys.Rakp2AuthCode(RakpHmacSha1.Instance, "tesT"u8, Captured.ConsoleSessionId, Captured.BmcSessionId,
            r1.ConsoleRandom, r2.BmcRandom, r2.BmcGuid, r1.Role, Username);
        Assert.NotEqual(r2.AuthCode, ours);
    }

    [Fact]
    public void Rakp3_auth_code_equals_what_ipmitool_sent()
    {
        var (r1, r2, r3, _) = Handshake();
        var ours = SessionKeys.Rakp3AuthCode(RakpHmacSha1.Instance, Password, r2.BmcRandom, Captured.ConsoleSessionId, r1.Role, Username);
        Assert.Equal(r3.AuthCode, ours);
    }

    [Fact]
    public void Rakp4_icv_from_the_bmc_equals_ours_with_the_password_as_Kg()
    {
        var (r1, r2, _, r4) = Handshake();
        var sik = SessionKeys.Sik(RakpHmacSha1.Instance, Password, r1.ConsoleRandom, r2.BmcRandom, r1.Role, Username);
        var icv = SessionKeys.Rakp4Icv(RakpHmacSha1.Instance, sik, r1.ConsoleRandom, Captured.BmcSessionId, r2.BmcGuid);
        Assert.Equal(12, icv.Length);
        Assert.Equal(r4.IntegrityCheckValue, icv);
    }

    [Fact]
    public void Every_in_session_packet_authenticates_and_decrypts_with_the_derived_keys()
    {
        var (r1, r2, _, _) = Handshake();
        var sik = SessionKeys.Sik(RakpHmacSha1.Instance, Password, r1.ConsoleRandom, r2.BmcRandom, r1.Role, Username);
        var k1 = SessionKeys.K1(RakpHmacSha1.Instance, sik);
        var k2 = SessionKeys.K2(RakpHmacSha1.Instance, sik);
        using var console = new SessionSecurity(CipherSuite.Suite3, k1, k2, Captured.BmcSessionId, Captured.ConsoleSessionId);
        using var bmc = new SessionSecurity(CipherSuite.Suite3, k1, k2, Captured.ConsoleSessionId, Captured.BmcSessionId);

        var sawGetDeviceId = false;
        var sawSetPrivilege = false;
        for (var i = 8; i < Captured.Suite3.Length; i++)
        {
            var packet = Captured.Packet(i);
            var buffer = new byte[packet.Length];
            var side = Captured.FromBmc(i) ? console : bmc;
            Assert.Equal(OpenResult.Ok, side.Open(packet, buffer, out var type, out var length));
            Assert.Equal(PayloadType.Ipmi, type);
            var message = buffer.AsSpan(0, length);
            if (!Captured.FromBmc(i))
            {
                // Request: rsAddr 20h, netFn/LUN, checksum, rqAddr 81h ...
                Assert.Equal(0x20, message[0]);
                Assert.Equal(0x81, message[3]);
                continue;
            }

            var response = IpmiLanMessage.DecodeResponse(message);
            Assert.Equal(0x81, response.RqAddr);
            var data = message.Slice(response.DataOffset, response.DataLength).ToArray();
            if (response.NetFn == 0x07 && response.Command == 0x01)
            {
                Assert.Equal(0, response.CompletionCode);
                Assert.Equal(Captured.Hex(Captured.GetDeviceIdData), data);
                sawGetDeviceId = true;
            }

            if (response.NetFn == 0x07 && response.Command == 0x3B)
            {
                Assert.Equal(0, response.CompletionCode);
                Assert.Equal(new byte[] { 0x04 }, data);
                sawSetPrivilege = true;
            }
        }

        Assert.True(sawGetDeviceId);
        Assert.True(sawSetPrivilege);
    }

    [Fact]
    public void A_captured_packet_with_one_flipped_bit_fails_integrity()
    {
        var (r1, r2, _, _) = Handshake();
        var sik = SessionKeys.Sik(RakpHmacSha1.Instance, Password, r1.ConsoleRandom, r2.BmcRandom, r1.Role, Username);
        using var console = new SessionSecurity(CipherSuite.Suite3, SessionKeys.K1(RakpHmacSha1.Instance, sik), SessionKeys.K2(RakpHmacSha1.Instance, sik),
            Captured.BmcSessionId, Captured.ConsoleSessionId);
        var packet = Captured.Packet(9);
        packet[20] ^= 0x01; // inside the encrypted payload
        Assert.Equal(OpenResult.BadIntegrity, console.Open(packet, new byte[packet.Length], out _, out _));
        packet[20] ^= 0x01;
        packet[^1] ^= 0x80; // the AuthCode itself
        Assert.Equal(OpenResult.BadIntegrity, console.Open(packet, new byte[packet.Length], out _, out _));
        packet[^1] ^= 0x80;
        Assert.Equal(OpenResult.Ok, console.Open(packet, new byte[packet.Length], out _, out _));
        Assert.Equal(OpenResult.Replay, console.Open(packet, new byte[packet.Length], out _, out _));
    }
}
