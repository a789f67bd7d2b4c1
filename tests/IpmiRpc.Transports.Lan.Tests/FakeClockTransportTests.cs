using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using IpmiRpc.Core;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// The transport's timers on a fake clock: the retransmit schedule and keepalive are checked instant by instant, by
/// the datagrams and keepalives counted, never by how long anything took on the wall clock.
/// </summary>
public sealed class FakeClockTransportTests : IAsyncLifetime
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private readonly FakeTimeProvider _time = new();
    private IpmiSim _sim = null!;

    public async Task InitializeAsync() => _sim = await IpmiSim.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Each_attempt_waits_exactly_one_timeout_and_the_last_one_gives_up()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)); // receives, never answers
        var port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time });
        var open = transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim, timeoutMs: 200, retries: 2, port: port), CancellationToken.None);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await Poll.UntilAsync(() => transport.DatagramsSent == attempt, $"attempt {attempt}");
            _time.Advance(TimeSpan.FromMilliseconds(199));
            Assert.Equal(attempt, transport.DatagramsSent);
            Assert.False(open.IsCompleted);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() => open.WaitAsync(Poll.DefaultLimit));
        Assert.Equal(200, ex.TimeoutMs);
        Assert.Equal(2, ex.Retries);
        Assert.Equal(3, transport.DatagramsSent);
    }

    [Fact]
    public async Task A_retransmitted_request_answered_twice_counts_one_late_answer_and_no_rejection()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time });
        await using var session = await OpenThroughAsync(transport, relay);
        var info = (ILanPlusSessionInfo)session;
        Assert.Equal(0, info.PacketsRetransmitted); // the clock never moved: the handshake had no timeout to spend

        // Hold the answer to the first attempt; deliver it after the answer to the retransmit, as a slow network would.
        var held = DeliverFirstAnswerAfterTheNext(relay);

        var request = session.SendAsync(GetDeviceId, CancellationToken.None);
        await Poll.UntilAsync(() => Volatile.Read(ref held.Value) is not null, "the BMC's answer to the first attempt");
        Assert.False(request.IsCompleted);
        Assert.Equal(0, info.PacketsRetransmitted);
        _time.Advance(TimeSpan.FromMilliseconds(1000));

        var response = await request.WaitAsync(Poll.DefaultLimit);
        Assert.Equal(0, response.CompletionCode);
        await Poll.UntilAsync(() => info.LateAnswers == 1, "the held first answer to be dropped as late");
        Assert.Equal(1, info.PacketsRetransmitted);
        Assert.Equal(0, info.PacketsRejected);
        Assert.Equal(1, info.PacketsDiscarded);
        Assert.True(session.IsUsable);
        relay.FromBmc = d => [d];
    }

    [Fact]
    public async Task A_retransmit_whose_first_copy_is_answered_after_all_gives_the_window_back()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = WindowOfFour();
        await using var session = await OpenThroughAsync(transport, relay);
        var info = (ILanPlusSessionInfo)session;
        Assert.Equal(4, info.Window);

        // The answer to the first copy is late (held), not lost: it comes after the answer to the retransmit.
        var held = DeliverFirstAnswerAfterTheNext(relay);

        var request = session.SendAsync(GetDeviceId, CancellationToken.None);
        await Poll.UntilAsync(() => Volatile.Read(ref held.Value) is not null, "the BMC's answer to the first copy");
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(0, (await request.WaitAsync(Poll.DefaultLimit)).CompletionCode);
        await Poll.UntilAsync(() => info.LateAnswers == 1, "the held first answer to arrive");

        // The retransmit halved the window; the second answer proved the first copy arrived, so the halving is undone.
        Assert.Equal(1, info.PacketsRetransmitted);
        Assert.Equal(1, info.WindowReductions);
        await Poll.UntilAsync(() => info.WindowReductionsUndone == 1, "the halving to be undone");
        Assert.Equal(4, info.Window);
        relay.FromBmc = d => [d];
    }

    [Fact]
    public async Task After_a_spurious_retransmit_by_later_answers_the_next_late_answer_is_waited_for()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = WindowOfFour();
        await using var session = await OpenThroughAsync(transport, relay);
        var info = (ILanPlusSessionInfo)session;
        Assert.Equal(4, info.Window);

        // The first answer of four is held (a receive thread preempted while holding it): the three later answers
        // retransmit its request, whose copy is answered; the held answer then comes as a second one (spurious).
        var held = HoldFirstAnswer(relay);
        var first = Enumerable.Range(0, 4).Select(_ => session.SendAsync(GetDeviceId, CancellationToken.None)).ToArray();
        Assert.All(await Task.WhenAll(first).WaitAsync(Poll.DefaultLimit), a => Assert.Equal(0, a.CompletionCode));
        Assert.Equal(1, info.PacketsRetransmitted);
        await relay.SendToClientAsync(held.Value!);
        await Poll.UntilAsync(() => info.WindowReductionsUndone == 1, "the held answer to prove the retransmit spurious");

        // The same again, with the clock standing still: the three later answers no longer retransmit it at once.
        held = HoldFirstAnswer(relay);
        var second = Enumerable.Range(0, 4).Select(_ => session.SendAsync(GetDeviceId, CancellationToken.None)).ToArray();
        Assert.All(await Task.WhenAll(second[1..]).WaitAsync(Poll.DefaultLimit), a => Assert.Equal(0, a.CompletionCode));
        Assert.False(second[0].IsCompleted);
        Assert.Equal(1, info.PacketsRetransmitted);
        await relay.SendToClientAsync(held.Value!);
        Assert.Equal(0, (await second[0].WaitAsync(Poll.DefaultLimit)).CompletionCode);
        Assert.Equal(1, info.PacketsRetransmitted);
        relay.FromBmc = d => [d];
    }

    [Fact]
    public async Task A_request_lost_for_good_keeps_the_window_halved()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = WindowOfFour();
        await using var session = await OpenThroughAsync(transport, relay);
        var info = (ILanPlusSessionInfo)session;

        // The first in-session request never reaches the BMC; its retransmit does.
        var dropped = 0;
        relay.ToBmc = d => !HostileResponseTests.IsInSession(d) || Interlocked.Increment(ref dropped) > 1;

        var request = session.SendAsync(GetDeviceId, CancellationToken.None);
        await Poll.UntilAsync(() => Volatile.Read(ref dropped) == 1, "the first copy to be dropped");
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(0, (await request.WaitAsync(Poll.DefaultLimit)).CompletionCode);

        Assert.Equal(1, info.PacketsRetransmitted);
        Assert.Equal(0, info.LateAnswers);
        Assert.Equal(1, info.WindowReductions);
        Assert.Equal(0, info.WindowReductionsUndone);
        Assert.Equal(2, info.Window);
        relay.ToBmc = _ => true;
    }

    [Fact]
    public async Task Requests_waiting_for_the_window_of_a_session_that_died_fail_unsent_instead_of_timing_out_in_turn()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time, InitialInFlightPerSession = 1 });
        await using var session = await OpenThroughAsync(transport, relay, timeoutMs: 200, retries: 0);
        relay.FromBmc = d => HostileResponseTests.IsInSession(d) ? [] : [d]; // the BMC restarted: in-session answers stop
        var sent = transport.DatagramsSent;

        // Fill the window (it may have grown on the handshake's clean answers), then queue three more behind it.
        var window = ((ILanPlusSessionInfo)session).Window;
        var onWire = Enumerable.Range(0, window).Select(_ => session.SendAsync(GetDeviceId, CancellationToken.None)).ToArray();
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + window, "the window's requests on the wire");
        var queued = Enumerable.Range(0, 3).Select(_ => session.SendAsync(GetDeviceId, CancellationToken.None)).ToArray();
        Assert.All(queued, q => Assert.False(q.IsCompleted));

        _time.Advance(TimeSpan.FromMilliseconds(200));
        foreach (var r in onWire)
        {
            await Assert.ThrowsAsync<IpmiTimeoutException>(() => r.WaitAsync(Poll.DefaultLimit));
        }

        Assert.False(session.IsUsable);
        foreach (var q in queued)
        {
            var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() => q.WaitAsync(Poll.DefaultLimit));
            Assert.Contains("not sent", ex.Message, StringComparison.Ordinal);
        }

        // Without another tick of the clock: none of the three waited out a timeout of its own, none went on the wire.
        Assert.Equal(sent + window, transport.DatagramsSent);
        relay.FromBmc = d => [d];
    }

    [Fact]
    public async Task Requests_in_flight_together_each_retransmit_and_give_up_at_their_own_deadlines()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = WindowOfFour();
        await using var session = await OpenThroughAsync(transport, relay, timeoutMs: 1000, retries: 1);
        relay.ToBmc = d => !HostileResponseTests.IsInSession(d); // every in-session copy is lost
        var sent = transport.DatagramsSent;

        // The session's one retransmit timer serves both: A's first attempt ends at 200 ms (the floor: the handshake
        // measured a round trip of 0 on the fake clock), B's at 300 ms; each last attempt waits the full 1000 ms.
        var a = session.SendAsync(GetDeviceId, CancellationToken.None);
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + 1, "A on the wire");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var b = session.SendAsync(GetDeviceId, CancellationToken.None);
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + 2, "B on the wire");

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(sent + 2, transport.DatagramsSent);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + 3, "A's retransmit at 200 ms");
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(sent + 3, transport.DatagramsSent);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + 4, "B's retransmit at 300 ms");

        _time.Advance(TimeSpan.FromMilliseconds(899));
        Assert.False(a.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => a.WaitAsync(Poll.DefaultLimit));
        Assert.False(b.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() => b.WaitAsync(Poll.DefaultLimit));
        Assert.Contains("NetFn 0x06 command 0x01 after 2 attempt(s), the last of 1000 ms", ex.Message, StringComparison.Ordinal);
        Assert.Equal(sent + 4, transport.DatagramsSent);
        Assert.Equal(2, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
        relay.ToBmc = _ => true;
    }

    [Fact]
    public async Task A_request_cancelled_in_flight_ends_cancelled_and_is_never_retransmitted()
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time });
        await using var session = await OpenThroughAsync(transport, relay, timeoutMs: 1000, retries: 4);
        relay.ToBmc = d => !HostileResponseTests.IsInSession(d);
        var sent = transport.DatagramsSent;

        using var cancel = new CancellationTokenSource();
        var request = session.SendAsync(GetDeviceId, cancel.Token);
        await Poll.UntilAsync(() => transport.DatagramsSent == sent + 1, "the request on the wire");
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(Poll.DefaultLimit));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(sent + 1, transport.DatagramsSent);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);

        // The session goes on: the next request is sent and answered.
        relay.ToBmc = _ => true;
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(Poll.DefaultLimit)).CompletionCode);
    }

    [Theory]
    [InlineData(4, true)]
    [InlineData(1, false)]
    public async Task An_answer_resumes_its_requester_on_the_receive_thread_unless_that_thread_is_the_only_one(int receiveThreads, bool onReceiveThread)
    {
        await using var relay = new UdpRelay(_sim.Port);
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time, ReceiveThreads = receiveThreads });
        await using var session = await OpenThroughAsync(transport, relay, timeoutMs: 200, retries: 2);

        // The first answer is lost, so the continuation is in place before the retransmit's answer can come.
        var dropped = 0;
        relay.FromBmc = d => HostileResponseTests.IsInSession(d) && Interlocked.Increment(ref dropped) == 1 ? [] : [d];
        var request = session.SendAsync(GetDeviceId, CancellationToken.None);
        var resumedOn = request.ContinueWith(_ => Thread.CurrentThread.Name, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await Poll.UntilAsync(() => Volatile.Read(ref dropped) == 1, "the first answer to be dropped");
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(0, (await request.WaitAsync(Poll.DefaultLimit)).CompletionCode);
        Assert.Equal(onReceiveThread, await resumedOn.WaitAsync(Poll.DefaultLimit) == "IpmiRpc UDP receive");
        relay.FromBmc = d => [d];
    }

    [Fact]
    public async Task Keepalive_goes_out_once_the_session_has_been_idle_for_the_interval_and_not_before()
    {
        var interval = TimeSpan.FromSeconds(15);
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time, KeepaliveInterval = interval });
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        var info = (ILanPlusSessionInfo)session;
        var sent = transport.DatagramsSent;

        // Idle 14 s: nothing. The keepalive timer ticks every second (a quarter of the interval, at most 1 s).
        AdvanceSeconds(14);
        Assert.Equal(0, info.KeepalivesSent);
        Assert.Equal(sent, transport.DatagramsSent);

        AdvanceSeconds(1);
        await Poll.UntilAsync(() => info.KeepalivesSent == 1 && transport.DatagramsSent == sent + 1, "the first keepalive");

        // Answered and finished, not merely received: until the exchange ends its retransmit timer runs on the fake
        // clock, and advancing it would retransmit a keepalive whose answer is already in.
        await Poll.UntilAsync(() => info.KeepalivesAnswered == 1, "the BMC's answer to the keepalive");

        // A request resets the idle time: 14 s after it, still one keepalive; at 15 s, the second.
        AdvanceSeconds(5);
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(Poll.DefaultLimit)).CompletionCode);
        AdvanceSeconds(14);
        Assert.Equal(1, info.KeepalivesSent);
        AdvanceSeconds(1);
        await Poll.UntilAsync(() => info.KeepalivesSent == 2 && info.KeepalivesAnswered == 2, "the second keepalive and its answer");
        Assert.Equal(0, info.PacketsRetransmitted);
        Assert.True(session.IsUsable);
    }

    [Fact]
    public async Task No_keepalive_when_the_interval_is_zero()
    {
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = _time, KeepaliveInterval = TimeSpan.Zero });
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        var sent = transport.DatagramsSent;
        AdvanceSeconds(600);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).KeepalivesSent);
        Assert.Equal(sent, transport.DatagramsSent);
    }

    /// <summary>A transport on the fake clock whose sessions keep four requests in flight from the start.</summary>
    private LanPlusTransport WindowOfFour() =>
        new(new LanPlusOptions { TimeProvider = _time, InitialInFlightPerSession = 4, MaxInFlightPerSession = 4 });

    /// <summary>A session of <paramref name="transport"/> with the simulator, through <paramref name="relay"/>.</summary>
    private Task<IIpmiSession> OpenThroughAsync(LanPlusTransport transport, UdpRelay relay, int timeoutMs = 1000, int retries = 2) =>
        transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim, timeoutMs: timeoutMs, retries: retries, port: relay.Port), CancellationToken.None)
            .WaitAsync(Poll.DefaultLimit);

    private void AdvanceSeconds(int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Holds the BMC's first in-session answer (in the box) and delivers the others.</summary>
    private static StrongBox<byte[]?> HoldFirstAnswer(UdpRelay relay)
    {
        var held = new StrongBox<byte[]?>();
        relay.FromBmc = d => HostileResponseTests.IsInSession(d) && Interlocked.CompareExchange(ref held.Value, d, null) is null ? [] : [d];
        return held;
    }

    /// <summary>Holds the BMC's first in-session answer and delivers it after the next one, as a slow network would;
    /// the box holds it once it has been held.</summary>
    private static StrongBox<byte[]?> DeliverFirstAnswerAfterTheNext(UdpRelay relay)
    {
        var held = new StrongBox<byte[]?>();
        relay.FromBmc = d =>
        {
            if (!HostileResponseTests.IsInSession(d))
            {
                return [d];
            }

            if (Interlocked.CompareExchange(ref held.Value, d, null) is null)
            {
                return [];
            }

            return [d, held.Value!];
        };
        return held;
    }
}
