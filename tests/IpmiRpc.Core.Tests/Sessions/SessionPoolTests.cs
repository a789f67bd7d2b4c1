using System.Collections.Concurrent;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Core.Tests.Sessions;

public sealed class SessionPoolTests
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);

    private static IpmiTarget Target(string host = "10.0.0.1", string password = "pw", int? cipher = 3) => new()
    {
        Transport = "fake",
        Host = host,
        Username = "admin",
        Password = Secret.FromString(password),
        CipherSuite = cipher,
    };

    [Fact]
    public async Task Sequential_requests_to_one_target_share_one_session()
    {
        var transport = new FakeTransport();
        await using var pool = new SessionPool([transport]);

        for (var i = 0; i < 100; i++)
        {
            var response = await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
            Assert.Equal(0, response.CompletionCode);
        }

        Assert.Equal(1, transport.Opened);
        var info = Assert.Single(pool.List());
        Assert.Equal(100, info.RequestCount);
        Assert.Equal(0, info.InFlight);
    }

    [Fact]
    public async Task A_burst_to_a_new_target_opens_one_session_not_one_per_request()
    {
        var transport = new FakeTransport { OpenDelay = TimeSpan.FromMilliseconds(100) };
        await using var pool = new SessionPool([transport], new SessionPoolOptions { MaxInFlightPerSession = 1000 });

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)));

        Assert.Equal(1, transport.Opened);
    }

    [Fact]
    public async Task Saturated_sessions_grow_up_to_the_cap_and_no_further()
    {
        // No answer comes until every request is in flight, so the sessions stay saturated while the pool grows.
        var answers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new FakeTransport { SendGate = answers.Task };
        await using var pool = new SessionPool([transport], new SessionPoolOptions { MaxInFlightPerSession = 2, MaxSessionsPerTarget = 3 });

        var requests = Enumerable.Range(0, 40).Select(_ => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)).ToArray();
        await WaitUntil(() => pool.List().Sum(s => s.InFlight) == 40);
        Assert.Equal(3, transport.Opened);
        answers.SetResult();
        await Task.WhenAll(requests).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(3, transport.Opened);
        Assert.Equal(40, pool.List().Sum(s => s.RequestCount));
    }

    [Theory]
    [InlineData("10.0.0.2", "pw", 3)]
    [InlineData("10.0.0.1", "other-password", 3)]
    [InlineData("10.0.0.1", "pw", 17)]
    public async Task Targets_that_differ_in_any_identity_field_get_their_own_session(string host, string password, int cipher)
    {
        var transport = new FakeTransport();
        await using var pool = new SessionPool([transport]);

        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        await pool.SendAsync(Target(host, password, cipher), GetDeviceId, CancellationToken.None);

        Assert.Equal(2, transport.Opened);
        Assert.Equal(2, pool.List().Count);
    }

    [Fact]
    public async Task A_session_the_bmc_forgot_is_replaced_and_the_request_retried_once()
    {
        var transport = new FakeTransport();
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        transport.Sessions.Single().FailNextWithLoss = true;
        var response = await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(2, transport.Opened);
        Assert.True(transport.Sessions.First().Disposed);
        Assert.Single(pool.List());
    }

    [Fact]
    public async Task Authentication_failures_are_not_retried()
    {
        var transport = new FakeTransport { FailOpenWith = new IpmiAuthenticationException("fake", "RAKP2 HMAC mismatch") };
        await using var pool = new SessionPool([transport]);

        await Assert.ThrowsAsync<IpmiAuthenticationException>(() => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None));

        Assert.Equal(1, transport.OpenAttempts);
        Assert.Empty(pool.List());
    }

    [Fact]
    public async Task An_extra_session_that_fails_to_open_leaves_the_burst_queued_on_the_session_that_works()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport
        {
            SendDelay = TimeSpan.FromMilliseconds(20),
            SucceedingOpens = 1,
            FailOpenWith = new TransportUnavailableException("fake", "Open Session: RMCP+ status 0x01 (insufficient resources)", "close sessions"),
        };
        var options = new SessionPoolOptions { MaxInFlightPerSession = 2, MaxSessionsPerTarget = 3, GrowthRetryDelay = TimeSpan.FromSeconds(30) };
        await using var pool = new SessionPool([transport], options, time);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)));

        Assert.All(responses, r => Assert.Equal(0, r.CompletionCode));
        Assert.Equal(1, transport.Opened);
        Assert.Equal(20, Assert.Single(pool.List()).RequestCount);
        // One failed try, not one per request that found the session busy.
        Assert.Equal(2, transport.OpenAttempts);

        time.Advance(TimeSpan.FromSeconds(31));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)));
        Assert.Equal(3, transport.OpenAttempts);
    }

    [Fact]
    public async Task Idle_sessions_are_closed_by_the_scavenger()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var options = new SessionPoolOptions { IdleTimeout = TimeSpan.FromMinutes(1), ScavengeInterval = TimeSpan.FromSeconds(10) };
        await using var pool = new SessionPool([transport], options, time);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(50));
        Assert.Single(pool.List());

        time.Advance(TimeSpan.FromSeconds(20));
        await WaitUntil(() => pool.List().Count == 0);
        Assert.True(transport.Sessions.Single().Disposed);
    }

    [Fact]
    public async Task Targets_left_idle_are_forgotten_so_many_distinct_targets_leave_nothing_behind()
    {
        // Review finding: one slot per identity (host, user, password fingerprint…) was kept forever; a long-lived
        // server fanning out to thousands of BMCs, or seeing passwords rotate, grew without bound.
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var options = new SessionPoolOptions { IdleTimeout = TimeSpan.FromMinutes(1), ScavengeInterval = TimeSpan.FromSeconds(10) };
        await using var pool = new SessionPool([transport], options, time);

        await Task.WhenAll(Enumerable.Range(0, 500).Select(i => pool.SendAsync(Target($"10.1.{i / 250}.{i % 250}"), GetDeviceId, CancellationToken.None)));
        Assert.Equal(500, pool.TargetCount);
        Assert.Equal(500, pool.List().Count);

        time.Advance(TimeSpan.FromSeconds(30));
        await pool.SendAsync(Target("10.9.9.9"), GetDeviceId, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(40));

        // Past the idle timeout for the 500, not for the one used since: it alone stays.
        await WaitUntil(() => pool.TargetCount == 1);
        Assert.Equal("10.9.9.9", Assert.Single(pool.List()).Identity.Address);
        Assert.Equal(500, transport.Sessions.Count(s => s.Disposed));

        // A target used again after being forgotten simply opens anew.
        await pool.SendAsync(Target("10.1.0.0"), GetDeviceId, CancellationToken.None);
        Assert.Equal(2, pool.TargetCount);
        Assert.Equal(502, transport.Opened);
    }

    [Fact]
    public async Task A_dead_target_is_remembered_for_its_back_off_then_forgotten()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport { FailOpenWith = new IpmiTimeoutException("no answer", 1000, 0) };
        var options = new SessionPoolOptions { FailedOpenBackoff = TimeSpan.FromSeconds(30), ScavengeInterval = TimeSpan.FromSeconds(10) };
        await using var pool = new SessionPool([transport], options, time);

        await Assert.ThrowsAsync<IpmiTimeoutException>(() => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None));

        // The back-off is what makes a dead BMC probed once per period: a scavenge inside it keeps the slot.
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, pool.TargetCount);
        Assert.Equal(1, transport.OpenAttempts);
        time.Advance(TimeSpan.FromSeconds(30));
        await WaitUntil(() => pool.TargetCount == 0);
    }

    [Fact]
    public async Task Requests_racing_the_scavenger_never_lose_a_session_outside_the_pool()
    {
        // A slot pruned between a request finding it and using it would take its new session out of sight (never
        // listed, scavenged or closed). Every session opened must be listed or closed.
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var options = new SessionPoolOptions { IdleTimeout = TimeSpan.FromMilliseconds(1), ScavengeInterval = TimeSpan.FromMilliseconds(1) };
        await using var pool = new SessionPool([transport], options, time);

        for (var round = 0; round < 200; round++)
        {
            var sends = Enumerable.Range(0, 4).Select(i => Task.Run(() => pool.SendAsync(Target($"10.2.0.{i}"), GetDeviceId, CancellationToken.None))).ToArray();
            time.Advance(TimeSpan.FromMilliseconds(5));
            await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(30));
        }

        time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntil(() => pool.TargetCount == 0);
        Assert.Empty(pool.List());
        Assert.All(transport.Sessions, s => Assert.True(s.Disposed));
    }

    [Fact]
    public async Task By_default_a_burst_of_fifty_to_one_bmc_shares_one_session()
    {
        var gate = new TaskCompletionSource();
        var transport = new FakeTransport { SendGate = gate.Task };
        await using var pool = new SessionPool([transport]);

        var requests = Enumerable.Range(0, 50).Select(_ => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)).ToArray();
        await WaitUntil(() => transport.Sessions.Sum(s => s.Sent) == 50);
        gate.SetResult();
        await Task.WhenAll(requests);

        Assert.Equal(1, transport.OpenAttempts);
        Assert.Equal(50, Assert.Single(pool.List()).RequestCount);
    }

    [Fact]
    public async Task Control_commands_to_one_bmc_are_spaced_by_the_interval_and_nothing_else_waits()
    {
        var time = new FakeTimeProvider();
        var transport = new FakeTransport();
        var options = new SessionPoolOptions { ControlCommandInterval = TimeSpan.FromSeconds(5), IdleTimeout = TimeSpan.FromHours(1) };
        await using var pool = new SessionPool([transport], options, time);
        var powerOn = new IpmiRequest(0x00, 0x02, new byte[] { 0x01 });

        await pool.SendAsync(Target(), powerOn, CancellationToken.None);
        var second = pool.SendAsync(Target(), powerOn, CancellationToken.None);
        var third = pool.SendAsync(Target(), powerOn, CancellationToken.None);

        // Reads to the same BMC and control of another BMC go at once.
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        await pool.SendAsync(Target("10.0.0.2"), powerOn, CancellationToken.None);
        Assert.False(second.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        await third.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(5, transport.Sessions.Sum(s => s.Sent));
    }

    [Fact]
    public void Defaults_are_one_session_per_bmc_a_minute_of_idle_and_no_control_spacing()
    {
        var options = new SessionPoolOptions();
        Assert.Equal(1, options.MaxSessionsPerTarget);
        Assert.Equal(TimeSpan.FromMinutes(1), options.IdleTimeout);
        Assert.Equal(TimeSpan.Zero, options.ControlCommandInterval);
    }

    [Fact]
    public async Task Unknown_transport_is_a_clear_transport_unavailable_error()
    {
        await using var pool = new SessionPool([new FakeTransport()]);

        var error = await Assert.ThrowsAsync<TransportUnavailableException>(
            () => pool.SendAsync(Target() with { Transport = "nope" }, GetDeviceId, CancellationToken.None));

        Assert.Equal(IpmiErrorKind.TransportUnavailable, error.Kind);
        Assert.Contains("fake", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_closes_every_session()
    {
        var transport = new FakeTransport();
        var pool = new SessionPool([transport]);
        await pool.SendAsync(Target("a"), GetDeviceId, CancellationToken.None);
        await pool.SendAsync(Target("b"), GetDeviceId, CancellationToken.None);

        await pool.DisposeAsync();

        Assert.All(transport.Sessions, s => Assert.True(s.Disposed));
    }

    [Fact]
    public async Task Session_listing_and_identity_never_show_secrets()
    {
        var transport = new FakeTransport();
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target(password: "s3cr3t-marker"), GetDeviceId, CancellationToken.None);

        var info = Assert.Single(pool.List());
        Assert.DoesNotContain("s3cr3t-marker", info.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-marker", info.Identity.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-marker", Target(password: "s3cr3t-marker").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_the_session_has_at_once_comes_back_as_the_sessions_own_task_and_leaves_nothing_in_flight()
    {
        var answer = Task.FromResult(new IpmiResponse(0, new byte[] { 0x20 }));
        var transport = new ScriptedTransport(_ => answer);
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        var sent = pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        Assert.Same(answer, sent);
        var info = Assert.Single(pool.List());
        Assert.Equal(0, info.InFlight);
        Assert.Equal(2, info.RequestCount);
    }

    [Fact]
    public async Task A_request_still_waiting_for_its_answer_holds_its_lease_and_its_slot_until_the_answer()
    {
        var time = new FakeTimeProvider();
        var pending = new TaskCompletionSource<IpmiResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answers = new Queue<Task<IpmiResponse>>([Task.FromResult(new IpmiResponse(0, ReadOnlyMemory<byte>.Empty)), pending.Task]);
        var transport = new ScriptedTransport(_ => answers.Dequeue());
        var options = new SessionPoolOptions { IdleTimeout = TimeSpan.FromSeconds(1), ScavengeInterval = TimeSpan.FromSeconds(1) };
        await using var pool = new SessionPool([transport], options, time);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        var sent = pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        Assert.False(sent.IsCompleted);
        Assert.Equal(1, Assert.Single(pool.List()).InFlight);

        // Idle for the scavenger's clock, but in use: neither the session nor the slot may go.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, pool.TargetCount);
        Assert.False(transport.Sessions.Single().Disposed);

        var response = new IpmiResponse(0, new byte[] { 0x01 });
        pending.SetResult(response);
        Assert.Same(response, await sent.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, Assert.Single(pool.List()).InFlight);
        time.Advance(TimeSpan.FromSeconds(5));
        await WaitUntil(() => pool.TargetCount == 0);
    }

    [Fact]
    public async Task A_session_that_throws_at_once_is_retried_and_reported_like_one_that_failed_later()
    {
        var calls = 0;
        var transport = new ScriptedTransport(session => Interlocked.Increment(ref calls) switch
        {
            1 => Task.FromResult(new IpmiResponse(0, ReadOnlyMemory<byte>.Empty)),
            // The BMC forgot the session: thrown, not returned, and the session now says it is dead.
            2 => session.Die(new IpmiTimeoutException("no answer", 1000, 4)),
            3 => Task.FromResult(new IpmiResponse(0, new byte[] { 0x03 })),
            _ => throw new InvalidOperationException("not an IPMI failure"),
        });
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        var retried = await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        Assert.Equal(0x03, retried.Data.Span[0]);
        Assert.Equal(2, transport.Sessions.Count);

        // Another exception thrown at once fails the returned task, as an async session's would, and frees the lease.
        var failed = pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        Assert.Equal(0, Assert.Single(pool.List()).InFlight);
    }

    [Fact]
    public async Task A_sender_is_made_once_per_target_instance_and_pool_and_sends_to_its_own()
    {
        var transport = new FakeTransport();
        await using var pool = new SessionPool([transport]);
        await using var other = new SessionPool([transport]);
        var target = Target();
        var copy = target with { Host = "10.0.0.9" };

        Assert.Same(pool.SenderFor(target), pool.SenderFor(target));
        Assert.NotSame(pool.SenderFor(target), other.SenderFor(target));
        Assert.NotSame(pool.SenderFor(target), pool.SenderFor(copy));
        Assert.Equal(target, target with { });

        await pool.SenderFor(copy)(GetDeviceId, CancellationToken.None);
        await other.SenderFor(target)(GetDeviceId, CancellationToken.None);
        Assert.Equal("10.0.0.9", Assert.Single(pool.List()).Identity.Address);
        Assert.Equal("10.0.0.1", Assert.Single(other.List()).Identity.Address);
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        // A bounded poll: the limit only fails a broken build, nothing depends on how long the wait took.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(10);
        }
    }

    private sealed class FakeTransport : IIpmiTransport
    {
        private int _opened;
        private int _attempts;

        public string Name => "fake";
        public TimeSpan OpenDelay { get; init; }
        public TimeSpan SendDelay { get; init; }

        /// <summary>When set, every send waits for it (an answer the test releases).</summary>
        public Task? SendGate { get; init; }
        public IpmiException? FailOpenWith { get; init; }

        /// <summary>Opens that succeed before <see cref="FailOpenWith"/> applies.</summary>
        public int SucceedingOpens { get; init; }
        public ConcurrentQueue<FakeSession> Sessions { get; } = new();
        public int Opened => _opened;
        public int OpenAttempts => _attempts;

        public async Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref _attempts);
            await Task.Delay(OpenDelay, cancellationToken);
            if (FailOpenWith is not null && attempt > SucceedingOpens)
            {
                throw FailOpenWith;
            }

            Interlocked.Increment(ref _opened);
            var session = new FakeSession(SendDelay, SendGate);
            Sessions.Enqueue(session);
            return session;
        }
    }

    /// <summary>Sessions whose every answer is what the script returns (or throws) at the moment of the send.</summary>
    private sealed class ScriptedTransport(Func<ScriptedSession, Task<IpmiResponse>> script) : IIpmiTransport
    {
        public string Name => "fake";

        public ConcurrentQueue<ScriptedSession> Sessions { get; } = new();

        public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
        {
            var session = new ScriptedSession(script);
            Sessions.Enqueue(session);
            return Task.FromResult<IIpmiSession>(session);
        }
    }

    private sealed class ScriptedSession(Func<ScriptedSession, Task<IpmiResponse>> script) : IIpmiSession
    {
        public bool IsUsable { get; private set; } = true;

        public bool Disposed { get; private set; }

        /// <summary>Marks the session dead and throws <paramref name="error"/> from the send itself.</summary>
        public Task<IpmiResponse> Die(IpmiException error)
        {
            IsUsable = false;
            throw error;
        }

        public Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken) => script(this);

        public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?>();

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            IsUsable = false;
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FakeSession(TimeSpan sendDelay, Task? sendGate = null) : IIpmiSession
    {
        private int _sent;

        /// <summary>Requests this session was given (counted as they arrive, before any delay or gate).</summary>
        public int Sent => Volatile.Read(ref _sent);

        public bool FailNextWithLoss { get; set; }
        public bool Disposed { get; private set; }
        public bool IsUsable { get; private set; } = true;

        public async Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _sent);
            await Task.Delay(sendDelay, cancellationToken);
            if (sendGate is not null)
            {
                await sendGate.WaitAsync(cancellationToken);
            }

            if (FailNextWithLoss)
            {
                IsUsable = false;
                throw new IpmiTimeoutException("no answer", 1000, 4);
            }

            return new IpmiResponse(0, new byte[] { 0x20, 0x01 });
        }

        public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?>();

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            IsUsable = false;
            return ValueTask.CompletedTask;
        }
    }
}
