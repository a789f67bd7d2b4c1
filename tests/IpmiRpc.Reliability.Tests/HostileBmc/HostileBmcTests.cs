using System.Buffers.Binary;
using System.Diagnostics;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.Lan.Wire;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileBmc;

/// <summary>
/// The lanplus transport against a BMC that completes a real RAKP handshake and then lies. Every hostile packet must
/// be turned away (the request times out after discards, or the handshake fails with the right error) — never
/// delivered as data, never a crash — and the transport keeps serving the next, honest, session.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class HostileBmcTests(ITestOutputHelper output) : ReliabilityTest(output), IAsyncLifetime
{
    private const string User = "hostile";
    private const string Password = "hostile-pw";
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private static readonly Tally InSessionTally = Ledger.NewTally("hostile BMC: in-session answers (transport)");
    private static readonly Tally HandshakeTally = Ledger.NewTally("hostile BMC: handshakes (transport)");

    private FakeBmc _bmc = null!;
    private LanPlusTransport _transport = null!;

    public Task InitializeAsync()
    {
        _bmc = new FakeBmc(User, Password);
        _transport = new LanPlusTransport(new LanPlusOptions { KeepaliveInterval = TimeSpan.Zero });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _transport.DisposeAsync();
        await _bmc.DisposeAsync();
        Assert.Empty(_bmc.Errors);
    }

    private IpmiTarget Target(int suite = 3) => new()
    {
        Transport = IpmiTarget.LanPlus,
        Host = "127.0.0.1",
        Port = _bmc.Port,
        Username = User,
        Password = Secret.FromString(Password),
        CipherSuite = suite,
        TimeoutMs = 150,
        Retries = 1,
    };

    public static TheoryData<Hostility, int> InSession()
    {
        var data = new TheoryData<Hostility, int>();
        foreach (var h in Enum.GetValues<Hostility>().Where(h => h is >= Hostility.BadIntegrity and <= Hostility.WrongCommandEcho))
            data.Add(h, 3);
        // Suite 17 (HMAC-SHA256) and suite 2 (no encryption) for the integrity and replay checks.
        foreach (var h in new[] { Hostility.BadIntegrity, Hostility.ReplayedSequence, Hostility.LengthOverrun })
        {
            data.Add(h, 17);
            data.Add(h, 2);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InSession))]
    public async Task Hostile_in_session_answers_are_discarded_and_the_request_times_out(Hostility hostility, int suite)
    {
        await using (var session = await _transport.OpenAsync(Target(suite), CancellationToken.None))
        {
            var good = await session.SendAsync(GetDeviceId, CancellationToken.None);
            Assert.Equal(FakeBmc.GoodDeviceId, good.Data.ToArray());
            var info = (ILanPlusSessionInfo)session;
            var discardedBefore = info.PacketsDiscarded;
            var unmatchedBefore = _transport.DatagramsUnmatched;

            _bmc.Mode = hostility;
            InSessionTally.OnSent();
            var sw = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAnyAsync<IpmiException>(() => session.SendAsync(GetDeviceId, CancellationToken.None));
            InSessionTally.OnClearError((int)ex.Kind, sw.ElapsedMilliseconds);
            Assert.Equal(IpmiErrorKind.Timeout, ex.Kind);
            // The fake BMC runs on this process's thread pool: on a loaded CI machine its answer to the last attempt can
            // land after our timeout fired, so wait for it (bounded) before counting.
            long Rejected() => info.PacketsDiscarded - discardedBefore + (_transport.DatagramsUnmatched - unmatchedBefore);
            await IpmiRpc.TestSupport.Poll.UntilAsync(
                () => _bmc.HostileSent >= 2 && Rejected() >= _bmc.HostileSent, "every hostile answer to be turned away");

            Assert.True(_bmc.HostileSent >= 2, "the fake BMC sent no hostile answer to each attempt");
            // Turned away either by the session (discard) or before it (no session with that id).
            var rejected = Rejected();
            Assert.True(rejected >= _bmc.HostileSent, $"{rejected} rejected of {_bmc.HostileSent} hostile packets");
            Assert.False(session.IsUsable);
        }

        // The transport keeps serving: an honest BMC gets a fresh session and real data.
        _bmc.Mode = Hostility.None;
        await using var next = await _transport.OpenAsync(Target(suite), CancellationToken.None);
        Assert.Equal(FakeBmc.GoodDeviceId, (await next.SendAsync(GetDeviceId, CancellationToken.None)).Data.ToArray());
        Ledger.Fault($"hostile BMC (suite {suite}): {hostility} → discarded, -32004 after retries, next session fine");
    }

    public static TheoryData<Hostility, byte, IpmiErrorKind> Handshakes() => new()
    {
        { Hostility.Rakp2WrongHmac, 0, IpmiErrorKind.AuthenticationFailed },
        { Hostility.Rakp4WrongIcv, 0, IpmiErrorKind.AuthenticationFailed },
        { Hostility.Rakp2Status, 0x0D, IpmiErrorKind.AuthenticationFailed },       // unauthorized name
        { Hostility.Rakp2Status, 0x02, IpmiErrorKind.AuthenticationFailed },       // invalid session id
        { Hostility.Rakp4Status, 0x0F, IpmiErrorKind.AuthenticationFailed },       // invalid integrity check value
        { Hostility.OpenSessionStatus, 0x01, IpmiErrorKind.TransportUnavailable }, // insufficient resources
        { Hostility.OpenSessionStatus, 0x09, IpmiErrorKind.AuthenticationFailed }, // invalid role
        { Hostility.OpenSessionStatus, 0x11, IpmiErrorKind.NotSupported },         // no cipher suite match
        { Hostility.OpenSessionStatus, 0x7F, IpmiErrorKind.AuthenticationFailed }, // reserved status
        { Hostility.OpenSessionWrongAlgorithms, 0, IpmiErrorKind.NotSupported },
        { Hostility.OpenSessionZeroSessionId, 0, IpmiErrorKind.MalformedResponse },
        { Hostility.Rakp2Truncated, 0, IpmiErrorKind.MalformedResponse },
        { Hostility.OpenSessionLengthOverrun, 0, IpmiErrorKind.Timeout },
        { Hostility.OpenSessionUnknownPayloadType, 0, IpmiErrorKind.Timeout },
    };

    [Theory]
    [MemberData(nameof(Handshakes))]
    public async Task Hostile_handshakes_open_no_session(Hostility hostility, byte status, IpmiErrorKind expected)
    {
        _bmc.Mode = hostility;
        _bmc.Status = status;
        HandshakeTally.OnSent();
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAnyAsync<IpmiException>(() => _transport.OpenAsync(Target(), CancellationToken.None));
        HandshakeTally.OnClearError((int)ex.Kind, sw.ElapsedMilliseconds);
        Assert.Equal(expected, ex.Kind);
        Assert.True(_bmc.HostileSent >= 1);
        Assert.Empty(_transport.Sessions);
        Assert.DoesNotContain(Password, ex.Message, StringComparison.Ordinal);

        _bmc.Mode = Hostility.None;
        await using var next = await _transport.OpenAsync(Target(), CancellationToken.None);
        Assert.Equal(FakeBmc.GoodDeviceId, (await next.SendAsync(GetDeviceId, CancellationToken.None)).Data.ToArray());
        Ledger.Fault($"hostile BMC handshake: {hostility}{(status != 0 ? $" (status 0x{status:X2})" : "")} → {(int)expected}, no session");
    }

    /// <summary>
    /// Random datagrams from the BMC's own address — garbage, and well-formed RMCP+ headers naming the live session
    /// with random bodies — while requests run: none is delivered, nothing crashes, every request is answered.
    /// </summary>
    [Fact]
    public async Task Random_datagrams_aimed_at_a_live_session_are_never_delivered()
    {
        await using var session = await _transport.OpenAsync(Target(), CancellationToken.None);
        Assert.Equal(FakeBmc.GoodDeviceId, (await session.SendAsync(GetDeviceId, CancellationToken.None)).Data.ToArray());
        var (consoleSid, _) = _bmc.NewestSession!.Value;
        var random = new Random(Seeds.Adjust(301));
        var datagrams = new List<byte[]>();
        for (var i = 0; i < 400; i++)
        {
            var body = new byte[random.Next(0, 121)];
            random.NextBytes(body);
            if (i % 2 == 0)
            {
                datagrams.Add(body); // plain garbage
                continue;
            }

            var d = new byte[16 + body.Length];
            d[0] = 0x06; d[2] = 0xFF; d[3] = 0x07; d[4] = 0x06;
            d[5] = (byte)random.Next(256);
            if (i % 4 == 1)
                d[5] = (byte)(0xC0 | (random.Next(2) == 0 ? 0x00 : random.Next(64))); // authenticated + encrypted, like a real answer
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(6), consoleSid);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(10), (uint)random.Next());
            BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(14), (ushort)(random.Next(3) == 0 ? body.Length : random.Next(65536)));
            body.CopyTo(d, 16);
            datagrams.Add(d);
        }

        var tally = Ledger.NewTally("hostile BMC: 400 random datagrams into a live session");
        var load = Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                tally.OnSent();
                var r = await session.SendAsync(GetDeviceId, CancellationToken.None);
                if (r.Data.Span.SequenceEqual(FakeBmc.GoodDeviceId))
                    tally.OnAnswered(0);
                else
                    tally.OnWrong("Get Device ID answered " + Convert.ToHexString(r.Data.Span));
            }
        });
        foreach (var d in datagrams)
            await _bmc.SendRawAsync(d);
        await load;
        Assert.Equal(100, tally.Answered);
        Assert.True(session.IsUsable);
        Ledger.Fault("hostile BMC: 400 random datagrams (garbage and RMCP+ headers naming the live session) during 100 requests");
    }
}
