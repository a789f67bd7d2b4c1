using System.Security.Cryptography;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>Seal/open between a console and a BMC side of the same keys, and every way a hostile packet is turned away.</summary>
public sealed class SessionSecurityTests
{
    private const uint ConsoleSid = 0x11223344;
    private const uint BmcSid = 0x00000200;

    public static TheoryData<int> Suites() => [1, 2, 3, 17];

    private static (SessionSecurity Console, SessionSecurity Bmc) Pair(int suite, int? replayWindow = null)
    {
        var s = CipherSuite.Find(suite)!;
        var k1 = RandomNumberGenerator.GetBytes(s.Authentication.HmacLength);
        var k2 = RandomNumberGenerator.GetBytes(s.Authentication.HmacLength);
        var console = replayWindow is { } size ? new SessionSecurity(s, k1, k2, BmcSid, ConsoleSid, size) : new SessionSecurity(s, k1, k2, BmcSid, ConsoleSid);
        return (console, new SessionSecurity(s, k1, k2, ConsoleSid, BmcSid));
    }

    private static byte[] SealFromBmc(SessionSecurity bmc, uint sequence, byte[] payload)
    {
        var buffer = new byte[SessionSecurity.MaxSealedLength(payload.Length)];
        var length = bmc.Seal(buffer, PayloadType.Ipmi, sequence, payload);
        return buffer[..length];
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Round_trips_payloads_of_every_length(int suite)
    {
        var (console, bmc) = Pair(suite);
        for (var n = 0; n < 40; n++)
        {
            var payload = RandomNumberGenerator.GetBytes(n);
            var packet = SealFromBmc(bmc, (uint)(n + 1), payload);
            var output = new byte[packet.Length];
            Assert.Equal(OpenResult.Ok, console.Open(packet, output, out var type, out var length));
            Assert.Equal(PayloadType.Ipmi, type);
            Assert.Equal(payload, output[..length]);
            var cipher = CipherSuite.Find(suite)!;
            Assert.Equal(cipher.Integrity is not null, (packet[5] & 0x40) != 0);
            Assert.Equal(cipher.Aes, (packet[5] & 0x80) != 0);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    public void Any_flipped_bit_after_the_rmcp_header_is_rejected(int suite)
    {
        var (console, bmc) = Pair(suite);
        var packet = SealFromBmc(bmc, 1, [0x81, 0x1C, 0x63, 0x20, 0x04, 0x01, 0x00, 0xDB]);
        for (var i = 4; i < packet.Length; i++)
        {
            var bad = (byte[])packet.Clone();
            bad[i] ^= 0x10;
            var result = console.Open(bad, new byte[bad.Length], out _, out _);
            Assert.NotEqual(OpenResult.Ok, result);
        }

        Assert.Equal(OpenResult.Ok, console.Open(packet, new byte[packet.Length], out _, out _));
    }

    [Fact]
    public void Replayed_and_stale_packets_are_rejected_fresh_ones_accepted()
    {
        var (console, bmc) = Pair(3);
        var one = SealFromBmc(bmc, 1, [1, 2, 3]);
        var two = SealFromBmc(bmc, 2, [1, 2, 3]);
        var forty = SealFromBmc(bmc, 40, [1, 2, 3]);
        var buffer = new byte[128];
        Assert.Equal(OpenResult.Ok, console.Open(two, buffer, out _, out _));
        Assert.Equal(OpenResult.Ok, console.Open(one, buffer, out _, out _)); // reordered, inside the window
        Assert.Equal(OpenResult.Replay, console.Open(one, buffer, out _, out _));
        Assert.Equal(OpenResult.Ok, console.Open(forty, buffer, out _, out _));
        Assert.Equal(OpenResult.Replay, console.Open(two, buffer, out _, out _)); // 38 behind: outside the window
    }

    [Theory]
    [InlineData(40)]
    [InlineData(1000)] // 64 later answers (the old limit) took 2–3 ms in a fast burst, and preemptions that long came in bursts on a busy machine
    public void A_session_accepts_an_answer_opened_after_many_later_ones_once(int later)
    {
        // A receive thread preempted while holding an answer, as the other threads open later ones.
        var (console, bmc) = Pair(3, new LanPlusOptions().ReplayWindow);
        var held = SealFromBmc(bmc, 1, [1, 2, 3]);
        var buffer = new byte[128];
        for (uint sequence = 2; sequence <= later + 1; sequence++)
        {
            Assert.Equal(OpenResult.Ok, console.Open(SealFromBmc(bmc, sequence, [1, 2, 3]), buffer, out _, out _));
        }

        Assert.Equal(OpenResult.Ok, console.Open(held, buffer, out _, out _));
        Assert.Equal(OpenResult.Replay, console.Open(held, buffer, out _, out _));
    }

    [Fact]
    public void Wrong_session_id_and_downgraded_packets_are_rejected()
    {
        var (console, bmc) = Pair(3);
        var packet = SealFromBmc(bmc, 1, [1, 2, 3]);
        var otherSession = (byte[])packet.Clone();
        otherSession[6] ^= 0xFF;
        Assert.Equal(OpenResult.WrongSession, console.Open(otherSession, new byte[128], out _, out _));

        // An unauthenticated, unencrypted packet into an authenticated session: never accepted, whatever it says.
        var plain = new byte[64];
        var length = Ipmi20Packet.EncodeUnprotected(plain, PayloadType.Ipmi, ConsoleSid, 2, [0x81, 0x1C, 0x63, 0x20, 0x04, 0x01, 0x00, 0xDB]);
        Assert.Equal(OpenResult.NotProtected, console.Open(plain.AsSpan(0, length), new byte[128], out _, out _));
    }

    [Fact]
    public void Packets_sealed_with_other_keys_fail_integrity()
    {
        var (console, _) = Pair(17);
        var (_, stranger) = Pair(17);
        var packet = SealFromBmc(stranger, 1, [1, 2, 3]);
        Assert.Equal(OpenResult.BadIntegrity, console.Open(packet, new byte[128], out _, out _));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(30)]
    public void Truncated_packets_never_open(int cut)
    {
        var (console, bmc) = Pair(3);
        var packet = SealFromBmc(bmc, 1, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.NotEqual(OpenResult.Ok, console.Open(packet.AsSpan(0, packet.Length - cut), new byte[128], out _, out _));
    }
}
