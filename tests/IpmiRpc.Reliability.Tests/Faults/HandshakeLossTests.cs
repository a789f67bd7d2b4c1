using System.Buffers.Binary;
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
        var handshake = new HandshakeLoss(loss);
        await using var relay = new FaultRelay(sim.Port, seed: 0)
        {
            InterceptToBmc = handshake.ToBmc,
            InterceptToConsole = handshake.ToConsole,
        };
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
            Assert.Fail($"{loss}: the session did not open ({ex.GetType().Name}: {ex.Message}); relay: {Describe(relay, handshake)}");
            throw;
        }

        await using (session)
        {
            var response = await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, response.CompletionCode);
            Assert.Equal(15, response.Data.Length);
        }

        Log($"{loss}: relay {Describe(relay, handshake)}");
        Assert.Equal(1L, relay.Dropped);
        if (loss is Loss.Rakp4 or Loss.Rakp4ThenInvalidSessionId)
        {
            // Repeating RAKP 3 cannot succeed here: the session must have been opened again from the start.
            Assert.True(handshake.OpenSessionRequests >= 2, Describe(relay, handshake));
        }
    }

    private static string Describe(FaultRelay relay, HandshakeLoss handshake) => $"{relay.Describe()}; {handshake.Describe()}";

    /// <summary>
    /// <see cref="FaultRelay"/> hooks that drop the first BMC answer of one handshake message, and for
    /// <see cref="Loss.Rakp4ThenInvalidSessionId"/> answer every repeated RAKP 3 themselves with status 02h.
    /// </summary>
    private sealed class HandshakeLoss(Loss loss)
    {
        private const byte OpenSessionRequest = 0x10;
        private const byte OpenSessionResponse = 0x11;
        private const byte Rakp2 = 0x13;
        private const byte Rakp3 = 0x14;
        private const byte Rakp4 = 0x15;
        private const int HeaderLength = 16;

        private readonly Dictionary<uint, uint> _consoleSidByBmcSid = [];
        private readonly HashSet<uint> _rakp3Seen = [];
        private int _dropped;
        private int _openSessionRequests;
        private int _rakp3;
        private int _protectedRakp4;
        private int _forgedRakp4;

        public int OpenSessionRequests => Volatile.Read(ref _openSessionRequests);

        public string Describe() =>
            $"Open Session Requests {OpenSessionRequests}, RAKP 3 {_rakp3}, " +
            $"RAKP 4 inside a session (ipmi_sim's answer to a repeated RAKP 3) {_protectedRakp4}, forged status-02h RAKP 4 {_forgedRakp4}";

        /// <summary>Notes what the console sends; answers a repeated RAKP 3 itself where the loss calls for it.</summary>
        public Interception ToBmc(byte[] d)
        {
            if (!IsRmcpPlus(d))
            {
                return Interception.Pass(d);
            }

            var type = d[5] & 0x3F;
            if (type == OpenSessionRequest)
            {
                Interlocked.Increment(ref _openSessionRequests);
            }

            if (type != Rakp3 || d.Length < HeaderLength + 8)
            {
                return Interception.Pass(d);
            }

            Interlocked.Increment(ref _rakp3);
            var bmcSid = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(HeaderLength + 4));
            lock (_rakp3Seen)
            {
                if (_rakp3Seen.Add(bmcSid) || loss != Loss.Rakp4ThenInvalidSessionId || !_consoleSidByBmcSid.TryGetValue(bmcSid, out var consoleSid))
                {
                    return Interception.Pass(d);
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
                return Interception.Answer(answer);
            }
        }

        /// <summary>Notes the session ids the BMC hands out; drops the first unprotected answer of the lost kind.</summary>
        public Interception ToConsole(byte[] d)
        {
            if (!IsRmcpPlus(d))
            {
                return Interception.Pass(d);
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

            var target = loss switch
            {
                Loss.OpenSessionResponse => OpenSessionResponse,
                Loss.Rakp2 => Rakp2,
                _ => Rakp4,
            };
            if (type == target && unprotected && Interlocked.CompareExchange(ref _dropped, 1, 0) == 0)
            {
                return Interception.Drop;
            }

            return Interception.Pass(d);
        }

        private static bool IsRmcpPlus(byte[] d) => d.Length >= HeaderLength && d[4] == 0x06;
    }
}
