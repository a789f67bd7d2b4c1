using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using IpmiRpc.Transports.Lan;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.Faults;

/// <summary>
/// One handshake answer lost on its way back — what a burst does when it overflows the console's UDP receive buffer —
/// must cost a retry, never the request. The hard case is RAKP 4: the BMC finished the handshake with the RAKP 3 it got,
/// so repeating RAKP 3 can no longer complete it (ipmi_sim answers the repeat inside the new session, spec-following
/// BMCs with status 02h "invalid session id"); only a fresh handshake can.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HandshakeLossTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int TimeoutMs = 250;
    private const int Retries = 2;
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);

    public enum Loss
    {
        /// <summary>The first Open Session Response is lost.</summary>
        OpenSessionResponse,

        /// <summary>The first RAKP 2 is lost.</summary>
        Rakp2,

        /// <summary>The first RAKP 4 is lost; ipmi_sim answers the repeated RAKP 3 inside the session it opened.</summary>
        Rakp4,

        /// <summary>The first RAKP 4 is lost; the repeated RAKP 3 is answered with status 02h, as the spec has it.</summary>
        Rakp4ThenInvalidSessionId,
    }

    [Theory]
    [InlineData(Loss.OpenSessionResponse)]
    [InlineData(Loss.Rakp2)]
    [InlineData(Loss.Rakp4)]
    [InlineData(Loss.Rakp4ThenInvalidSessionId)]
    public async Task A_lost_handshake_answer_still_opens_a_working_session(Loss loss)
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var relay = new HandshakeRelay(sim.Port, loss);
        await using var transport = new LanPlusTransport();
        var target = new IpmiTarget
        {
            Transport = IpmiTarget.LanPlus,
            Host = "127.0.0.1",
            Port = relay.Port,
            Username = sim.User,
            Password = Secret.FromString(sim.Password),
            CipherSuite = 3,
            TimeoutMs = TimeoutMs,
            Retries = Retries,
        };

        IIpmiSession session;
        try
        {
            session = await transport.OpenAsync(target, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (IpmiException ex)
        {
            Assert.Fail($"{loss}: the session did not open ({ex.GetType().Name}: {ex.Message}); relay: {relay.Describe()}");
            throw;
        }

        await using (session)
        {
            var response = await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, response.CompletionCode);
            Assert.Equal(15, response.Data.Length);
        }

        Log($"{loss}: relay {relay.Describe()}");
        Assert.Equal(1, relay.Dropped);
        if (loss is Loss.Rakp4 or Loss.Rakp4ThenInvalidSessionId)
        {
            // Repeating RAKP 3 cannot succeed here: the session must have been opened again from the start.
            Assert.True(relay.OpenSessionRequests >= 2, relay.Describe());
        }
    }

    /// <summary>
    /// 127.0.0.1 relay between one console and ipmi_sim that drops the first BMC answer of one handshake message, and
    /// for <see cref="Loss.Rakp4ThenInvalidSessionId"/> answers every repeated RAKP 3 itself with status 02h.
    /// </summary>
    private sealed class HandshakeRelay : IAsyncDisposable
    {
        private const byte OpenSessionRequest = 0x10;
        private const byte OpenSessionResponse = 0x11;
        private const byte Rakp2 = 0x13;
        private const byte Rakp3 = 0x14;
        private const byte Rakp4 = 0x15;
        private const int HeaderLength = 16;

        private readonly Socket _front = Bind();
        private readonly Socket _back = Bind();
        private readonly IPEndPoint _bmc;
        private readonly Loss _loss;
        private readonly CancellationTokenSource _stop = new();
        private readonly Dictionary<uint, uint> _consoleSidByBmcSid = [];
        private readonly HashSet<uint> _rakp3Seen = [];
        private readonly Task _toBmc;
        private readonly Task _toConsole;
        private IPEndPoint? _console;
        private int _dropped;
        private int _openSessionRequests;
        private int _rakp3;
        private int _protectedRakp4;
        private int _forgedRakp4;

        public HandshakeRelay(int bmcPort, Loss loss)
        {
            _bmc = new IPEndPoint(IPAddress.Loopback, bmcPort);
            _loss = loss;
            _toBmc = Task.Run(() => PumpAsync(_front, toBmc: true));
            _toConsole = Task.Run(() => PumpAsync(_back, toBmc: false));
        }

        public int Port => ((IPEndPoint)_front.LocalEndPoint!).Port;

        public int Dropped => Volatile.Read(ref _dropped);

        public int OpenSessionRequests => Volatile.Read(ref _openSessionRequests);

        public string Describe() =>
            $"dropped {Dropped}, Open Session Requests {OpenSessionRequests}, RAKP 3 {_rakp3}, " +
            $"RAKP 4 inside a session (ipmi_sim's answer to a repeated RAKP 3) {_protectedRakp4}, forged status-02h RAKP 4 {_forgedRakp4}";

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _front.Dispose();
            _back.Dispose();
            try
            {
                await Task.WhenAll(_toBmc, _toConsole).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception)
            {
                // Cancelled or disposed pumps end with an exception; either way they have ended.
            }

            _stop.Dispose();
        }

        private static Socket Bind()
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return socket;
        }

        private static bool IsRmcpPlus(byte[] d, int length) => length >= HeaderLength && d[4] == 0x06;

        private async Task PumpAsync(Socket from, bool toBmc)
        {
            var buffer = new byte[65536];
            var any = new IPEndPoint(IPAddress.Any, 0);
            while (!_stop.IsCancellationRequested)
            {
                SocketReceiveFromResult received;
                try
                {
                    received = await from.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }

                var length = received.ReceivedBytes;
                var datagram = buffer.AsSpan(0, length).ToArray();
                if (toBmc)
                {
                    _console = (IPEndPoint)received.RemoteEndPoint;
                    if (ToBmc(datagram) is { } answer)
                    {
                        await SendAsync(_front, answer, _console);
                        continue;
                    }

                    await SendAsync(_back, datagram, _bmc);
                }
                else if (FromBmc(datagram) && _console is { } console)
                {
                    await SendAsync(_front, datagram, console);
                }
            }
        }

        /// <summary>Notes what the console sends; returns an answer to send back instead of forwarding, if any.</summary>
        private byte[]? ToBmc(byte[] d)
        {
            if (!IsRmcpPlus(d, d.Length))
            {
                return null;
            }

            var type = d[5] & 0x3F;
            if (type == OpenSessionRequest)
            {
                Interlocked.Increment(ref _openSessionRequests);
            }

            if (type != Rakp3 || d.Length < HeaderLength + 8)
            {
                return null;
            }

            Interlocked.Increment(ref _rakp3);
            var bmcSid = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(HeaderLength + 4));
            lock (_rakp3Seen)
            {
                if (_rakp3Seen.Add(bmcSid) || _loss != Loss.Rakp4ThenInvalidSessionId || !_consoleSidByBmcSid.TryGetValue(bmcSid, out var consoleSid))
                {
                    return null;
                }

                // A repeated RAKP 3: answer as a BMC that already finished this handshake (IPMI v2.0 §13.31: status 02h).
                Interlocked.Increment(ref _forgedRakp4);
                var answer = new byte[HeaderLength + 8];
                answer[0] = 0x06;
                answer[2] = 0xFF;
                answer[3] = 0x07;
                answer[4] = 0x06;
                answer[5] = Rakp4;
                BinaryPrimitives.WriteUInt16LittleEndian(answer.AsSpan(14), 8);
                answer[HeaderLength] = d[HeaderLength]; // message tag
                answer[HeaderLength + 1] = 0x02;
                BinaryPrimitives.WriteUInt32LittleEndian(answer.AsSpan(HeaderLength + 4), consoleSid);
                return answer;
            }
        }

        /// <summary>False to drop the BMC's datagram.</summary>
        private bool FromBmc(byte[] d)
        {
            if (!IsRmcpPlus(d, d.Length))
            {
                return true;
            }

            var type = d[5] & 0x3F;
            var unprotected = (d[5] & 0xC0) == 0;
            if (type == OpenSessionResponse && d.Length >= HeaderLength + 12 && d[HeaderLength + 1] == 0)
            {
                lock (_rakp3Seen)
                {
                    _consoleSidByBmcSid[BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(HeaderLength + 8))] =
                        BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(HeaderLength + 4));
                }
            }

            if (type == Rakp4 && !unprotected)
            {
                Interlocked.Increment(ref _protectedRakp4);
            }

            var target = _loss switch
            {
                Loss.OpenSessionResponse => OpenSessionResponse,
                Loss.Rakp2 => Rakp2,
                _ => Rakp4,
            };
            if (type == target && unprotected && Interlocked.CompareExchange(ref _dropped, 1, 0) == 0)
            {
                return false;
            }

            return true;
        }

        private async Task SendAsync(Socket via, byte[] datagram, EndPoint to)
        {
            try
            {
                await via.SendToAsync(datagram, SocketFlags.None, to, _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Shutting down, or a peer gone: the console's retransmits cope with a lost datagram.
            }
        }
    }
}
