using IpmiRpc.Core;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// A relay between the transport and ipmi_sim tampers with the BMC's answers: nothing forged, replayed or misaddressed
/// may complete a request, and a forged RAKP proof must end the login at once (no retries).
/// </summary>
public sealed class HostileResponseTests : IAsyncLifetime
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private IpmiSim _sim = null!;
    private UdpRelay _relay = null!;

    public async Task InitializeAsync()
    {
        _sim = await IpmiSim.StartAsync();
        _relay = new UdpRelay(_sim.Port);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _sim.DisposeAsync();
    }

    private Core.Targets.IpmiTarget Target(int timeoutMs = 300, int retries = 3, int suite = 3) =>
        LanPlusTransportSimTests.TargetFor(_sim, suite, timeoutMs: timeoutMs, retries: retries, port: _relay.Port);

    internal static bool IsInSession(byte[] d) => d.Length > 16 && d[4] == 0x06 && (d[5] & 0x3F) == 0x00 && d[6..10].Any(b => b != 0);

    [Fact]
    public async Task A_response_with_a_bad_auth_code_is_discarded_and_the_retransmit_is_answered()
    {
        var time = new FakeTimeProvider();
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = time });
        await using var session = await transport.OpenAsync(Target(timeoutMs: 500), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        var info = (ILanPlusSessionInfo)session;
        var tampered = 0;
        _relay.FromBmc = d =>
        {
            if (IsInSession(d) && Interlocked.CompareExchange(ref tampered, 1, 0) == 0)
            {
                var bad = (byte[])d.Clone();
                bad[^1] ^= 0x01;
                return [bad];
            }

            return [d];
        };

        var request = session.SendAsync(GetDeviceId, CancellationToken.None);
        await Poll.UntilAsync(() => info.PacketsRejected == 1, "the forged answer to be rejected");
        Assert.False(request.IsCompleted);
        Assert.Equal(0, info.PacketsRetransmitted);
        time.Advance(TimeSpan.FromMilliseconds(500)); // the one timeout: the retransmit is answered genuinely

        var response = await request.WaitAsync(Poll.DefaultLimit);
        Assert.Equal(1, tampered);
        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(15, response.Data.Length);
        Assert.Equal(1, info.PacketsRejected);
        Assert.Equal(1, info.PacketsRetransmitted);
        Assert.True(session.IsUsable);
    }

    [Fact]
    public async Task Every_answer_delivered_twice_completes_once_and_the_copy_is_rejected_as_a_replay()
    {
        // Frozen clock: no retransmit can happen, so every discard is one of the copies.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        await using var session = await transport.OpenAsync(Target(timeoutMs: 3000), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        _relay.FromBmc = d => IsInSession(d) ? [d, d] : [d];

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(Poll.DefaultLimit)).CompletionCode);
        }

        // Each duplicate is dropped (replay window) before it could match anything; allow the last one a moment to land.
        var info = (ILanPlusSessionInfo)session;
        await Poll.UntilAsync(() => info.PacketsDiscarded >= 5, "five copies to be discarded");
        Assert.Equal(5, info.PacketsRejected);
        Assert.Equal(0, info.LateAnswers);
        Assert.Equal(0, info.PacketsRetransmitted);
    }

    [Fact]
    public async Task Answers_addressed_to_another_session_never_complete_a_request()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(Target(timeoutMs: 1000, retries: 1), CancellationToken.None);
        _relay.FromBmc = d =>
        {
            if (!IsInSession(d))
            {
                return [d];
            }

            var other = (byte[])d.Clone();
            other[6] ^= 0x5A;
            return [other];
        };

        await Assert.ThrowsAsync<IpmiTimeoutException>(() => session.SendAsync(GetDeviceId, CancellationToken.None));
        Assert.False(session.IsUsable); // the pool will open a fresh session
        Assert.True(transport.DatagramsUnmatched >= 2);
    }

    [Fact]
    public async Task Cancelling_a_request_that_gets_no_answer_leaves_the_session_usable()
    {
        // Frozen clock: no timeout can end the wait, only the cancellation can.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        await using var session = await transport.OpenAsync(Target(timeoutMs: 2000), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        _relay.FromBmc = d => IsInSession(d) ? [] : [d];
        using var cts = new CancellationTokenSource();
        var sent = transport.DatagramsSent;
        var request = session.SendAsync(GetDeviceId, cts.Token);
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + 1, "the request to go out");
        Assert.False(request.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(Poll.DefaultLimit));
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
        Assert.True(session.IsUsable); // a cancelled request says nothing about the BMC

        _relay.FromBmc = d => [d];
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(Poll.DefaultLimit)).CompletionCode);
    }

    [Theory]
    [InlineData(0x13, "RAKP 2")]
    [InlineData(0x15, "RAKP 4")]
    public async Task A_forged_rakp_proof_fails_login_at_once_without_retries(byte payloadType, string step)
    {
        _relay.FromBmc = d =>
        {
            if (d.Length > 16 && d[4] == 0x06 && d[5] == payloadType)
            {
                var bad = (byte[])d.Clone();
                bad[^1] ^= 0x01; // last byte of the HMAC / ICV
                return [bad];
            }

            return [d];
        };

        // Frozen clock: the login can only end through the forged proof, never through a spent retry budget.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        var ex = await Assert.ThrowsAsync<IpmiAuthenticationException>(() => transport.OpenAsync(Target(timeoutMs: 3000), CancellationToken.None).WaitAsync(Poll.DefaultLimit));
        Assert.Contains(step, ex.Message, StringComparison.Ordinal);
        // Auth capabilities, Open Session, RAKP 1 (+ RAKP 3 when RAKP 4 is forged) — each once.
        Assert.Equal(payloadType == 0x13 ? 3 : 4, transport.DatagramsSent);
    }
}
