using System.Net;
using System.Net.Sockets;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;
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
        await using var bmc = new Ipmi15OnlyBmc(answer);
        await using var transport = new LanPlusTransport();
        var target = new IpmiTarget
        {
            Transport = IpmiTarget.LanPlus, Host = "127.0.0.1", Port = bmc.Port, Username = "u", Password = Secret.FromString("p"), CipherSuite = 3,
            TimeoutMs = 2000, Retries = 1,
        };
        var ex = await Assert.ThrowsAsync<IpmiNotSupportedException>(() => transport.OpenAsync(target, CancellationToken.None));
        Assert.Contains("IPMI", ex.Message, StringComparison.Ordinal);

        // Only Get Channel Authentication Capabilities went out (a slow first answer may cost one retransmit, which
        // may still be on its way to the peer): no RMCP+ packet.
        await Poll.UntilAsync(() => bmc.Received >= transport.DatagramsSent, "the peer to receive every datagram sent");
        Assert.Equal(transport.DatagramsSent, bmc.Received);
        Assert.Equal(0, bmc.RmcpPlusReceived);
        Assert.False(bmc.Loop.IsCompleted, "the peer's loop ended before the test stopped it");
        await bmc.StopAsync(); // rethrows anything that went wrong in the peer
    }

    /// <summary>Answers every session-less request with one fixed completion code and data. Runs until stopped.</summary>
    private sealed class Ipmi15OnlyBmc : IAsyncDisposable
    {
        private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[] _answer;
        private int _received;
        private int _rmcpPlus;

        public Ipmi15OnlyBmc(byte[] answer)
        {
            _answer = answer;
            Loop = Task.Run(RunAsync);
        }

        public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;
        public Task Loop { get; }
        public int Received => Volatile.Read(ref _received);
        public int RmcpPlusReceived => Volatile.Read(ref _rmcpPlus);

        /// <summary>Ends the loop and waits for it; a failure inside the loop fails the caller.</summary>
        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await Loop.WaitAsync(Poll.DefaultLimit);
            }
            catch (OperationCanceledException)
            {
                // The receive the stop interrupted.
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
                try
                {
                    await Loop.WaitAsync(Poll.DefaultLimit);
                }
                catch (Exception)
                {
                    // Disposal after a failed test: the test already reported what went wrong.
                }
            }

            _socket.Dispose();
            _stop.Dispose();
        }

        private async Task RunAsync()
        {
            while (true)
            {
                var r = await _socket.ReceiveAsync(_stop.Token);
                Interlocked.Increment(ref _received);
                if (r.Buffer.Length > 4 && r.Buffer[4] == AuthType.RmcpPlus)
                {
                    Interlocked.Increment(ref _rmcpPlus);
                    continue;
                }

                var request = IpmiLanMessage.DecodeRequest(Ipmi15Packet.Decode(r.Buffer, out _));
                // Answer: rqAddr 81, netFn 07/LUN, chk, rsAddr 20, rqSeq, cmd, completion code + data, chk.
                var message = new List<byte> { 0x81, 0x07 << 2 };
                message.Add(IpmiLanMessage.Checksum(message.ToArray()));
                var body = new List<byte> { 0x20, (byte)(request.RqSeq << 2), request.Command };
                body.AddRange(_answer);
                message.AddRange(body);
                message.Add(IpmiLanMessage.Checksum(body.ToArray()));
                var datagram = new byte[Ipmi15Packet.HeaderLength + message.Count];
                Ipmi15Packet.Encode(datagram, message.ToArray());
                await _socket.SendAsync(datagram, r.RemoteEndPoint, _stop.Token);
            }
        }
    }
}
