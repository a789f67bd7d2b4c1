using System.Buffers.Binary;
using System.Diagnostics;
using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.TestSupport;
using IpmiRpc.Transports.Lan.Wire;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// Bridged requests (Send Message, IPMI v2.0 §6.13, §22.7) against ipmi_sim with a second controller at 0x30 on IPMB
/// channel 0 (tests/fixtures/ipmi_sim/bridged.emu), checked against what ipmitool -b/-t prints on the same simulator.
/// </summary>
public sealed class BridgingSimTests : IAsyncLifetime
{
    private const byte Satellite = 0x30;
    private const byte Nobody = 0x40;
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private IpmiSim _sim = null!;

    public async Task InitializeAsync()
    {
        var emu = await File.ReadAllLinesAsync(Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "bridged.emu"));
        _sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraEmu = emu });
    }

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Bridged_GetDeviceId_returns_the_satellites_device_id_as_ipmitool_prints_it()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None);

        var bridged = await session.SendAsync(GetDeviceId with { ResponderAddress = Satellite, Channel = 0 }, CancellationToken.None);
        var own = await session.SendAsync(GetDeviceId, CancellationToken.None);

        var toolBridged = await IpmiTool.RunAsync(_sim, "-b", "0", "-t", "0x30", "raw", "6", "1");
        var toolOwn = await IpmiTool.RunAsync(_sim, "raw", "6", "1");
        Assert.True(toolBridged.ExitCode == 0, toolBridged.StdErr);
        Assert.True(toolOwn.ExitCode == 0, toolOwn.StdErr);
        Assert.Equal(0, bridged.CompletionCode);
        Assert.Equal(LanPlusTransportSimTests.ParseHex(toolBridged.StdOut), bridged.Data.ToArray());
        Assert.Equal(LanPlusTransportSimTests.ParseHex(toolOwn.StdOut), own.Data.ToArray());

        // The satellite's identity from bridged.emu, not the BMC's (sim.emu: device 0, manufacturer 0x1291).
        var satellite = new IpmiRpc.Core.Commands.App.GetDeviceId().Decode(bridged.Data.Span);
        Assert.Equal(0x42, satellite.DeviceId);
        Assert.Equal(0x0157, BinaryPrimitives.ReadUInt16LittleEndian(bridged.Data.Span[6..8]) | (bridged.Data.Span[8] << 16));
        Assert.NotEqual(own.Data.ToArray(), bridged.Data.ToArray());
        Assert.True(session.IsUsable);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
    }

    [Fact]
    public async Task A_responder_address_without_a_channel_bridges_on_channel_0_as_ipmitool_t_alone_does()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None);

        var bridged = await session.SendAsync(GetDeviceId with { ResponderAddress = Satellite }, CancellationToken.None);

        var tool = await IpmiTool.RunAsync(_sim, "-t", "0x30", "raw", "6", "1");
        Assert.True(tool.ExitCode == 0, tool.StdErr);
        Assert.Equal(0, bridged.CompletionCode);
        Assert.Equal(LanPlusTransportSimTests.ParseHex(tool.StdOut), bridged.Data.ToArray());
    }

    [Fact]
    public async Task An_absent_address_answers_with_the_Send_Message_completion_code_at_once_and_the_session_stays_usable()
    {
        // Frozen clock: were the error a silent wait for a timeout, the request could never complete.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim, timeoutMs: 5000, retries: 1), CancellationToken.None).WaitAsync(Poll.DefaultLimit);

        var response = await session.SendAsync(GetDeviceId with { ResponderAddress = Nobody, Channel = 0 }, CancellationToken.None).WaitAsync(Poll.DefaultLimit);

        var tool = await IpmiTool.RunAsync(_sim, "-b", "0", "-t", "0x40", "raw", "6", "1");
        Assert.NotEqual(0, tool.ExitCode);
        Assert.Contains("rsp=0x83", tool.StdErr, StringComparison.Ordinal);
        Assert.Equal(0x83, response.CompletionCode);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
        Assert.True(session.IsUsable);

        var after = await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        Assert.Equal(0, after.CompletionCode);
        Assert.Equal(15, after.Data.Length);
    }

    [Fact]
    public async Task Bridged_and_direct_requests_in_flight_together_each_get_their_own_answer()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None);
        var expectedSatellite = (await session.SendAsync(GetDeviceId with { ResponderAddress = Satellite }, CancellationToken.None)).Data.ToArray();
        var expectedBmc = (await session.SendAsync(GetDeviceId, CancellationToken.None)).Data.ToArray();
        Assert.NotEqual(expectedBmc, expectedSatellite);

        var tasks = Enumerable.Range(0, 40).Select(i => (i % 3) switch
        {
            0 => session.SendAsync(GetDeviceId with { ResponderAddress = Satellite, Channel = 0 }, CancellationToken.None),
            1 => session.SendAsync(GetDeviceId with { ResponderAddress = Nobody }, CancellationToken.None),
            _ => session.SendAsync(GetDeviceId, CancellationToken.None),
        }).ToArray();
        var responses = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        for (var i = 0; i < responses.Length; i++)
        {
            switch (i % 3)
            {
                case 0:
                    Assert.Equal(0, responses[i].CompletionCode);
                    Assert.Equal(expectedSatellite, responses[i].Data.ToArray());
                    break;
                case 1:
                    Assert.Equal(0x83, responses[i].CompletionCode);
                    break;
                default:
                    Assert.Equal(0, responses[i].CompletionCode);
                    Assert.Equal(expectedBmc, responses[i].Data.ToArray());
                    break;
            }
        }

        Assert.True(session.IsUsable);
    }

    [Fact]
    public async Task The_answer_embedded_in_the_Send_Message_response_is_taken_too()
    {
        // ipmi_sim answers in two messages; other BMCs embed the target's answer after Send Message's completion code
        // (ipmitool handles both). A relay on an unprotected suite-0 session merges ipmi_sim's two into that form.
        await using var relay = new UdpRelay(_sim.Port);
        byte[]? held = null;
        var merged = 0;
        relay.FromBmc = d =>
        {
            if (d.Length < 16 || d[4] != 0x06 || d[5] != 0x00 || BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(6)) == 0)
            {
                return [d];
            }

            var message = d.AsSpan(16, BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(14)));
            if (message.Length == IpmiLanMessage.MinResponseLength && message[1] >> 2 == 0x07 && message[5] == SendMessage.Info.Command && message[6] == 0)
            {
                held = message.ToArray();
                return [];
            }

            if (held is not null && message[0] == IpmiRequest.BmcAddress)
            {
                // Outer header and completion code as the BMC sent them, then the target's whole answer, then chk2.
                var body = held[..7].Concat(message.ToArray()).ToList();
                body.Add(IpmiLanMessage.Checksum(body.ToArray().AsSpan(3)));
                var datagram = d[..16].Concat(body).ToArray();
                BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(14), (ushort)body.Count);
                held = null;
                Interlocked.Increment(ref merged);
                return [datagram];
            }

            return [d];
        };
        await using var transport = new LanPlusTransport();
        var target = LanPlusTransportSimTests.TargetFor(_sim, 0, port: relay.Port) with { AllowInsecure = true };
        await using var session = await transport.OpenAsync(target, CancellationToken.None);

        var response = await session.SendAsync(GetDeviceId with { ResponderAddress = Satellite, Channel = 0 }, CancellationToken.None);

        Assert.Equal(1, Volatile.Read(ref merged));
        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(0x42, response.Data.Span[0]);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
    }

    [Fact]
    public async Task A_target_that_never_answers_times_out_and_leaves_the_session_usable()
    {
        // The BMC accepts the Send Message but the target's answer is lost (relay on a suite-0 session drops it).
        await using var relay = new UdpRelay(_sim.Port);
        var dropped = 0;
        relay.FromBmc = d =>
        {
            if (d.Length > 17 && d[4] == 0x06 && d[5] == 0x00 && BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(6)) != 0 && d[16] == IpmiRequest.BmcAddress)
            {
                Interlocked.Increment(ref dropped);
                return [];
            }

            return [d];
        };
        await using var transport = new LanPlusTransport();
        var target = LanPlusTransportSimTests.TargetFor(_sim, 0, timeoutMs: 1000, retries: 1, port: relay.Port) with { AllowInsecure = true };
        await using var session = await transport.OpenAsync(target, CancellationToken.None);

        var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() => session.SendAsync(GetDeviceId with { ResponderAddress = Satellite }, CancellationToken.None));

        Assert.Contains("0x30", ex.Message, StringComparison.Ordinal);
        Assert.Equal(IpmiErrorKind.Timeout, ex.Kind);
        Assert.True(Volatile.Read(ref dropped) >= 1);
        Assert.True(session.IsUsable);
        var after = await session.SendAsync(GetDeviceId, CancellationToken.None);
        Assert.Equal(0, after.CompletionCode);
    }

    [Fact]
    public async Task A_channel_outside_0_to_15_is_refused()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None);

        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(async () =>
            await session.SendAsync(GetDeviceId with { ResponderAddress = Satellite, Channel = 16 }, CancellationToken.None));

        Assert.Equal(nameof(IpmiRequest.Channel), ex.Field);
        Assert.True(session.IsUsable);
    }

    [Fact]
    public void The_bridged_request_is_ipmitools_Send_Message_with_the_BMC_as_inner_requester()
    {
        // ipmitool -I lanplus -b 0 -t 0x30 raw 6 1 sends 20 18 c8 81 18 34 40 30 18 b8 81 18 01 66 f3 (captured against
        // ipmi_sim); the inner requester here is the BMC (20h), as pyghmi and FreeIPMI send it, so chk2 differs.
        var message = new byte[32];
        var length = IpmiLanMessage.EncodeBridgedRequest(message, SendMessage.ChannelByte(0), 0x30, 0x06, 0, 6, 0x01, []);
        Assert.Equal(LanPlusTransportSimTests.ParseHex("20 18 c8 81 18 34 40 30 18 b8 20 18 01 c7 f3"), message[..length]);
        Assert.Equal(0x46, SendMessage.ChannelByte(6));
    }
}
