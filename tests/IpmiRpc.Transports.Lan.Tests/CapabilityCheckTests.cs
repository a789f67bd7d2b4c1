using System.Net;
using System.Net.Sockets;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// A scripted UDP peer answers only Get Channel Authentication Capabilities, the way an IPMI 1.5-only BMC would:
/// the transport must stop there, before proposing any RMCP+ session.
/// </summary>
public sealed class CapabilityCheckTests
{
    [Theory]
    [InlineData(new byte[] { 0x00, 0x01, 0x15, 0x04, 0x01, 0, 0, 0, 0 })] // success, but no IPMI 2.0 extended data
    [InlineData(new byte[] { 0xCC })] // "invalid data field": the 2.0 bit itself is not understood
    public async Task An_ipmi15_only_bmc_is_refused_as_not_supported_without_an_open_session_attempt(byte[] answer)
    {
        using var bmc = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)bmc.Client.LocalEndPoint!).Port;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = 0;
        var rmcpPlus = 0;
        var server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var r = await bmc.ReceiveAsync(stop.Token);
                Interlocked.Increment(ref received);
                if (r.Buffer.Length > 4 && r.Buffer[4] == 0x06)
                {
                    Interlocked.Increment(ref rmcpPlus);
                    continue;
                }

                var request = IpmiLanMessage.DecodeRequest(Ipmi15Packet.Decode(r.Buffer, out _));
                // Answer: rqAddr 81, netFn 07/LUN, chk, rsAddr 20, rqSeq, cmd, completion code + data, chk.
                var message = new List<byte> { 0x81, 0x07 << 2 };
                message.Add(IpmiLanMessage.Checksum(message.ToArray()));
                var body = new List<byte> { 0x20, (byte)(request.RqSeq << 2), request.Command };
                body.AddRange(answer);
                message.AddRange(body);
                message.Add(IpmiLanMessage.Checksum(body.ToArray()));
                var datagram = new byte[Ipmi15Packet.HeaderLength + message.Count];
                Ipmi15Packet.Encode(datagram, message.ToArray());
                await bmc.SendAsync(datagram, r.RemoteEndPoint, stop.Token);
            }
        });

        await using var transport = new LanPlusTransport();
        var target = new IpmiTarget
        {
            Transport = IpmiTarget.LanPlus, Host = "127.0.0.1", Port = port, Username = "u", Password = Secret.FromString("p"), CipherSuite = 3,
            TimeoutMs = 2000, Retries = 1,
        };
        var ex = await Assert.ThrowsAsync<IpmiNotSupportedException>(() => transport.OpenAsync(target, CancellationToken.None));
        Assert.Contains("IPMI", ex.Message, StringComparison.Ordinal);
        // Only Get Channel Authentication Capabilities went out (a slow first answer may cost one retransmit): no RMCP+ packet.
        Assert.Equal(0, Volatile.Read(ref rmcpPlus));
        Assert.Equal(transport.DatagramsSent, Volatile.Read(ref received));
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server);
    }
}
