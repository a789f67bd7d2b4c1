using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Targets;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan.Tests.Wire;

/// <summary>Packet codecs against the ipmitool ↔ ipmi_sim capture (<see cref="Captured"/>) and the spec's layouts.</summary>
public sealed class CodecTests
{
    [Fact]
    public void Sessionless_get_channel_auth_capabilities_request_is_byte_identical_to_ipmitools()
    {
        var message = new byte[16];
        var length = IpmiLanMessage.EncodeRequest(message, 0x20, 0x06, 0, 0, 0x38,
            new GetChannelAuthenticationCapabilities(PrivilegeLevel.Administrator).RequestData.Span);
        var datagram = new byte[64];
        var total = Ipmi15Packet.Encode(datagram, message.AsSpan(0, length));
        Assert.Equal(Captured.Packet(0), datagram[..total]);
    }

    [Fact]
    public void Sessionless_answer_decodes_with_checksums_and_reports_rmcp_plus()
    {
        var message = Ipmi15Packet.Decode(Captured.Packet(1), out var sessionId);
        Assert.Equal(0u, sessionId);
        var response = IpmiLanMessage.DecodeResponse(message);
        Assert.Equal((0x81, 0x07, 0x20, 0, 0x38, 0), (response.RqAddr, response.NetFn, response.RsAddr, response.RqSeq, response.Command, response.CompletionCode));
        var caps = new GetChannelAuthenticationCapabilities(PrivilegeLevel.Administrator).Decode(message.Slice(response.DataOffset, response.DataLength));
        Assert.True(caps.SupportsIpmi20);
        Assert.Equal(1, caps.Channel);
    }

    [Theory]
    [InlineData(2)]  // header checksum
    [InlineData(9)]  // data byte (breaks checksum 2)
    [InlineData(15)] // checksum 2 itself
    public void Corrupt_checksums_are_rejected(int offsetInMessage)
    {
        var message = Ipmi15Packet.Decode(Captured.Packet(1), out _).ToArray();
        message[offsetInMessage] ^= 0x01;
        Assert.Throws<IpmiDecodeException>(() => IpmiLanMessage.DecodeResponse(message));
    }

    [Fact]
    public void Checksum_is_twos_complement()
    {
        Assert.Equal(0xC8, IpmiLanMessage.Checksum([0x20, 0x18]));
        Assert.Equal(0x00, IpmiLanMessage.Checksum([]));
    }

    [Fact]
    public void Open_session_request_round_trips_ipmitools_bytes()
    {
        var packet = Captured.Packet(2);
        var header = Ipmi20Packet.DecodeHeader(packet);
        Assert.Equal((PayloadType.OpenSessionRequest, false, false, 0u, 0u, 32), (header.Type, header.Encrypted, header.Authenticated, header.SessionId, header.Sequence, header.PayloadLength));
        var request = OpenSessionRequest.Decode(Ipmi20Packet.Payload(packet, header));
        Assert.Equal(Captured.ConsoleSessionId, request.ConsoleSessionId);
        Assert.Equal((1, 1, 1), (request.AuthenticationAlgorithm, request.IntegrityAlgorithm, request.ConfidentialityAlgorithm));

        var again = new byte[64];
        var length = Ipmi20Packet.EncodeUnprotected(again, PayloadType.OpenSessionRequest, 0, 0, Encode(request.Encode, OpenSessionRequest.Length));
        Assert.Equal(packet, again[..length]);
    }

    [Fact]
    public void Open_session_response_from_ipmi_sim_decodes_its_privilege_zero_echo()
    {
        var packet = Captured.Packet(3);
        var response = OpenSessionResponse.Decode(Ipmi20Packet.Payload(packet, Ipmi20Packet.DecodeHeader(packet)));
        Assert.Equal(0, response.Status);
        Assert.Equal(0, response.MaxPrivilege); // tests/fixtures/ipmi_sim/peers.md: ipmi_sim echoes the requested maximum, here 0
        Assert.Equal(Captured.ConsoleSessionId, response.ConsoleSessionId);
        Assert.Equal(Captured.BmcSessionId, response.BmcSessionId);
        Assert.Equal(Ipmi20Packet.Payload(packet, Ipmi20Packet.DecodeHeader(packet)).ToArray(), Encode(response.Encode, OpenSessionResponse.Length));
    }

    [Fact]
    public void Rakp_messages_round_trip_the_captured_bytes()
    {
        var p1 = PayloadOf(4);
        var r1 = Rakp1.Decode(p1);
        Assert.Equal("ipmiusr"u8.ToArray(), r1.Username);
        Assert.Equal(Captured.BmcSessionId, r1.BmcSessionId);
        Assert.Equal(p1, Encode(r1.Encode, r1.Length));

        var p2 = PayloadOf(5);
        var r2 = Rakp2.Decode(p2, 20);
        Assert.Equal(Convert.FromHexString("a123456789abcdefa123456789abcdef"), r2.BmcGuid);
        Assert.Equal(p2, Encode(r2.Encode, p2.Length));

        var p3 = PayloadOf(6);
        var r3 = Rakp3.Decode(p3, 20);
        Assert.Equal(p3, Encode(r3.Encode, r3.Length));

        var p4 = PayloadOf(7);
        var r4 = Rakp4.Decode(p4, 12);
        Assert.Equal(Captured.ConsoleSessionId, r4.ConsoleSessionId);
        Assert.Equal(p4, Encode(r4.Encode, p4.Length));
    }

    [Fact]
    public void Rakp_error_answers_decode_with_only_their_status()
    {
        var r2 = Rakp2.Decode([0x01, 0x0D, 0, 0, 0xA4, 0xA3, 0xA2, 0xA0], 20);
        Assert.Equal(0x0D, r2.Status);
        Assert.Equal(Captured.ConsoleSessionId, r2.ConsoleSessionId);
        var r4 = Rakp4.Decode([0x02, 0x0F], 12);
        Assert.Equal(0x0F, r4.Status);
        Assert.Equal("unauthorized name", RmcpPlusStatus.Describe(0x0D));
    }

    public static TheoryData<string, int> Truncations() => new()
    {
        { "header", 15 },
        { "open-request", 16 + 31 },
        { "open-response", 16 + 35 },
        { "rakp1", 16 + 27 },
        { "rakp2", 16 + 59 },
        { "rakp3", 16 + 27 },
        { "rakp4", 16 + 19 },
    };

    [Theory]
    [MemberData(nameof(Truncations))]
    public void Truncated_messages_throw_decode_exception(string what, int length)
    {
        var index = what switch { "open-request" => 2, "open-response" => 3, "rakp1" => 4, "rakp2" => 5, "rakp3" => 6, "rakp4" => 7, _ => 2 };
        var packet = Captured.Packet(index)[..length];
        Assert.Throws<IpmiDecodeException>(() =>
        {
            var header = Ipmi20Packet.DecodeHeader(packet);
            var payload = Ipmi20Packet.Payload(packet, header);
            _ = index switch
            {
                2 => (object)OpenSessionRequest.Decode(payload),
                3 => OpenSessionResponse.Decode(payload),
                4 => Rakp1.Decode(payload),
                5 => Rakp2.Decode(payload, 20),
                6 => Rakp3.Decode(payload, 20),
                _ => Rakp4.Decode(payload, 12),
            };
        });
    }

    [Fact]
    public void Payload_shorter_than_its_length_field_is_rejected_even_when_the_payload_parser_would_fit()
    {
        // Header claims 0x24 payload bytes; cut the datagram to 16 + 20.
        var packet = Captured.Packet(3)[..36];
        Assert.Throws<IpmiDecodeException>(() => Ipmi20Packet.DecodeHeader(packet));
    }

    [Fact]
    public void Short_sessionless_packets_and_bad_lan_messages_throw_decode_exception()
    {
        Assert.Throws<IpmiDecodeException>(() => Ipmi15Packet.Decode(Captured.Packet(1)[..13], out _));
        Assert.Throws<IpmiDecodeException>(() => Ipmi15Packet.Decode(Captured.Packet(1)[..20], out _));
        Assert.Throws<IpmiDecodeException>(() => IpmiLanMessage.DecodeResponse(new byte[7]));
    }

    [Fact]
    public void Rmcp_header_check_accepts_ipmi_class_only()
    {
        Assert.True(Rmcp.IsIpmi(Captured.Packet(0)));
        Assert.False(Rmcp.IsIpmi([0x06, 0x00, 0xFF, 0x06])); // ASF
        Assert.False(Rmcp.IsIpmi([0x06, 0x00, 0xFF, 0x87])); // RMCP ACK
        Assert.False(Rmcp.IsIpmi([0x06, 0x00]));
    }

    private static byte[] PayloadOf(int index)
    {
        var packet = Captured.Packet(index);
        return Ipmi20Packet.Payload(packet, Ipmi20Packet.DecodeHeader(packet)).ToArray();
    }

    private delegate int Encoder(Span<byte> destination);

    private static byte[] Encode(Encoder encode, int length)
    {
        var buffer = new byte[length + 16];
        var written = encode(buffer);
        Assert.Equal(length, written);
        return buffer[..written];
    }
}
