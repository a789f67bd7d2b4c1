using System.Collections.Concurrent;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Core.Tests.Sessions;

/// <summary>
/// The pool's answers to revoked credentials (max session age, freshSession, authentication failures, user changes)
/// and to dead BMCs (one shared open, a back-off before the next, each request's own deadline). Opens are scripted and
/// held by the test; time is a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class SessionPoolCredentialTests
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);

    private static IpmiTarget Target(string user = "admin", string password = "pw", string host = "10.0.0.1", bool fresh = false) => new()
    {
        Transport = "scripted",
        Host = host,
        Username = user,
        Password = Secret.FromString(password),
        CipherSuite = 3,
        FreshSession = fresh,
    };

    private sealed class ScriptedTransport : IIpmiTransport
    {
        private int _attempts;

        public string Name => "scripted";

        /// <summary>Runs for every open; returning normally opens a session, throwing fails the open.</summary>
        public Func<IpmiTarget, CancellationToken, Task> Open { get; set; } = (_, _) => Task.CompletedTask;

        public ConcurrentQueue<Session> Sessions { get; } = new();

        public int OpenAttempts => Volatile.Read(ref _attempts);

        public async Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            await Open(target, cancellationToken);
            var session = new Session(target.Username);
            Sessions.Enqueue(session);
            return session;
        }
    }

    private sealed class Session(string user) : IIpmiSession
    {
        public string User { get; } = user;

        public bool Disposed { get; private set; }

        public bool IsUsable => !Disposed;

        public Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new IpmiResponse(0, new byte[] { 0x20 }));

        public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?>();

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }

    private static IpmiTimeoutException NoAnswer() => new("Open Session: no answer", 1000, 4);

    private static IpmiAuthenticationException BadPassword() => new("scripted", "RAKP 2: the BMC refused the credentials", refusedByBmc: true);

    [Fact]
    public async Task Ten_requests_to_a_dead_bmc_share_one_open_attempt_and_its_failure()
    {
        var time = new FakeTimeProvider();
        var openHeld = new TaskCompletionSource();
        var transport = new ScriptedTransport { Open = async (_, _) => { await openHeld.Task; throw NoAnswer(); } };
        await using var pool = new SessionPool([transport], new SessionPoolOptions { FailedOpenBackoff = TimeSpan.FromSeconds(2) }, time);

        var requests = Enumerable.Range(0, 10).Select(_ => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)).ToArray();
        openHeld.SetResult();
        var errors = new List<IpmiTimeoutException>();
        foreach (var request in requests)
        {
            errors.Add(await Assert.ThrowsAsync<IpmiTimeoutException>(() => request));
        }

        Assert.Equal(1, transport.OpenAttempts);
        Assert.All(errors, e => Assert.Equal(IpmiErrorKind.Timeout, e.Kind));

        // The next request waits out the back-off (within its own deadline) before the BMC is tried again.
        transport.Open = (_, _) => Task.CompletedTask;
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
        var hurried = pool.SendAsync(Target(), GetDeviceId, budget.Token);
        var patient = pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hurried);
        Assert.Equal(1, transport.OpenAttempts);
        Assert.False(patient.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await patient.WaitAsync(TimeSpan.FromSeconds(30))).CompletionCode);
        Assert.Equal(2, transport.OpenAttempts);
    }

    [Fact]
    public async Task A_short_budget_request_is_not_held_by_a_long_one_waiting_for_the_same_open()
    {
        var time = new FakeTimeProvider();
        var openHeld = new TaskCompletionSource();
        var transport = new ScriptedTransport { Open = (_, _) => openHeld.Task };
        await using var pool = new SessionPool([transport], time: time);

        var patient = pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(200), time);
        var hurried = pool.SendAsync(Target(), GetDeviceId, budget.Token);
        time.Advance(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hurried);
        Assert.False(patient.IsCompleted);
        openHeld.SetResult();
        Assert.Equal(0, (await patient).CompletionCode);
        Assert.Equal(1, transport.OpenAttempts);
    }

    [Fact]
    public async Task A_request_with_short_target_timeouts_stops_waiting_for_a_patient_requests_open_within_its_own_budget()
    {
        var time = new FakeTimeProvider();
        var openHeld = new TaskCompletionSource();
        var transport = new ScriptedTransport { Open = (_, _) => openHeld.Task };
        await using var pool = new SessionPool([transport], time: time);

        var patient = pool.SendAsync(Target() with { TimeoutMs = 60_000, Retries = 20 }, GetDeviceId, CancellationToken.None);
        var hurried = pool.SendAsync(Target() with { TimeoutMs = 200, Retries = 0 }, GetDeviceId, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(6 * 200));

        var error = await Assert.ThrowsAsync<IpmiTimeoutException>(() => hurried);
        Assert.Equal(200, error.TimeoutMs);
        Assert.False(patient.IsCompleted);
        openHeld.SetResult();
        Assert.Equal(0, (await patient).CompletionCode);
        Assert.Equal(1, transport.OpenAttempts);
    }

    // The open budgets (6 exchanges × tries × timeout): 1.2 s for the hurried request, 24 s for the patient one.
    private static IpmiTarget Hurried() => Target() with { TimeoutMs = 200, Retries = 0 };

    private static IpmiTarget Patient() => Target() with { TimeoutMs = 1000, Retries = 3 };

    /// <summary>
    /// A pool on a fake clock whose opens the test holds: each open awaits the gate of its target's timeoutMs and is
    /// recorded with the fake time it began. Made with a hurried request's open under way.
    /// </summary>
    private sealed class HeldOpens : IAsyncDisposable
    {
        private HeldOpens(int[] timeouts)
        {
            Gates = timeouts.ToDictionary(t => t, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Transport = new ScriptedTransport
            {
                Open = (target, ct) =>
                {
                    Opens.Enqueue((target.TimeoutMs, Time.GetUtcNow()));
                    return Gates[target.TimeoutMs].Task.WaitAsync(ct);
                },
            };
            Pool = new SessionPool([Transport], new SessionPoolOptions { FailedOpenBackoff = TimeSpan.FromSeconds(2) }, Time);
        }

        public FakeTimeProvider Time { get; } = new();

        public IReadOnlyDictionary<int, TaskCompletionSource> Gates { get; }

        public ConcurrentQueue<(int TimeoutMs, DateTimeOffset At)> Opens { get; } = new();

        public ScriptedTransport Transport { get; }

        public SessionPool Pool { get; }

        /// <summary>The request whose open (with <see cref="Hurried"/>'s settings) runs.</summary>
        public Task<IpmiResponse> First { get; private set; } = null!;

        public static async Task<HeldOpens> StartAsync(params int[] timeouts)
        {
            var held = new HeldOpens([200, .. timeouts]);
            held.First = held.Send(Hurried());
            await SessionPoolTests.WaitUntil(() => held.Transport.OpenAttempts == 1);
            return held;
        }

        /// <summary>A request; one the open under way would serve has joined it when this returns.</summary>
        public Task<IpmiResponse> Send(IpmiTarget target) => Pool.SendAsync(target, GetDeviceId, CancellationToken.None);

        /// <summary>Until the <paramref name="n"/>th open began, or one of <paramref name="waiting"/> ended without it.</summary>
        public Task OpenBegun(int n, params Task[] waiting) => SessionPoolTests.WaitUntil(() => Transport.OpenAttempts >= n || waiting.Any(w => w.IsCompleted));

        public ValueTask DisposeAsync() => Pool.DisposeAsync();
    }

    [Fact]
    public async Task A_patient_request_that_joined_a_hurried_open_opens_again_with_its_own_settings_when_that_one_times_out()
    {
        await using var held = await HeldOpens.StartAsync(1000);

        // Joins the hurried request's open: before the fix, its timeout was this request's answer too.
        var patient = held.Send(Patient());
        held.Gates[200].SetException(NoAnswer());

        await Assert.ThrowsAsync<IpmiTimeoutException>(() => held.First);
        await held.OpenBegun(2, patient);
        Assert.False(patient.IsCompleted);
        // With its own settings, and at once: the hurried open's back-off holds back opens no more patient than it.
        Assert.Equal([200, 1000], held.Opens.Select(o => o.TimeoutMs));
        Assert.Equal(held.Time.GetUtcNow(), held.Opens.Last().At);

        held.Gates[1000].SetResult();
        Assert.Equal(0, (await patient.WaitAsync(TimeSpan.FromSeconds(30))).CompletionCode);
        Assert.Equal(2, held.Transport.OpenAttempts);
        Assert.Single(held.Pool.List());
    }

    [Fact]
    public async Task Patient_waiters_of_a_hurried_open_that_timed_out_share_one_open_and_as_hurried_ones_share_its_failure()
    {
        await using var held = await HeldOpens.StartAsync(1000);

        var alsoHurried = Enumerable.Range(0, 3).Select(_ => held.Send(Hurried())).ToArray();
        var patient = Enumerable.Range(0, 5).Select(_ => held.Send(Patient())).ToArray();
        held.Gates[200].SetException(NoAnswer());

        foreach (var request in alsoHurried.Prepend(held.First))
        {
            await Assert.ThrowsAsync<IpmiTimeoutException>(() => request);
        }

        await held.OpenBegun(2, patient);
        Assert.All(patient, p => Assert.False(p.IsCompleted));
        held.Gates[1000].SetResult();
        foreach (var request in patient)
        {
            Assert.Equal(0, (await request.WaitAsync(TimeSpan.FromSeconds(30))).CompletionCode);
        }

        Assert.Equal(2, held.Transport.OpenAttempts);
        Assert.Equal(5, Assert.Single(held.Pool.List()).RequestCount);
    }

    [Theory]
    [InlineData("refused")]
    [InlineData("mismatch")]
    [InlineData("no free session slot")]
    public async Task A_patient_request_shares_a_hurried_opens_failure_that_is_not_a_timeout(string failure)
    {
        await using var held = await HeldOpens.StartAsync(1000);
        IpmiException error = failure switch
        {
            "refused" => BadPassword(),
            "mismatch" => new IpmiAuthenticationException("scripted", "The BMC's RAKP 2 key exchange code does not match"),
            _ => new TransportUnavailableException("scripted", "Open Session: RMCP+ status 0x01 (insufficient resources)", "close sessions"),
        };

        var patient = held.Send(Patient());
        held.Gates[200].SetException(error);

        // Waiting longer does not change a refusal, and another login with refused credentials brings a lock-out closer.
        Assert.Same(error, await Assert.ThrowsAnyAsync<IpmiException>(() => held.First));
        Assert.Same(error, await Assert.ThrowsAnyAsync<IpmiException>(() => patient.WaitAsync(TimeSpan.FromSeconds(30))));
        Assert.Equal(1, held.Transport.OpenAttempts);
    }

    [Fact]
    public async Task A_patient_retry_ends_at_the_deadline_of_the_wait_it_follows_not_a_fresh_one()
    {
        await using var held = await HeldOpens.StartAsync(1000);

        // 6 s of open budget, 4 of them spent on the hurried open (whose own request gave up after its 1.2 s).
        var patient = held.Send(Patient() with { Retries = 0 });
        held.Time.Advance(TimeSpan.FromSeconds(4));
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => held.First);
        held.Gates[200].SetException(NoAnswer());
        await held.OpenBegun(2, patient);

        held.Time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(patient.IsCompleted);
        // Past the first deadline (whenever the retry's timer started), short of a fresh 6 s one.
        held.Time.Advance(TimeSpan.FromSeconds(2.1));
        var error = await Assert.ThrowsAsync<IpmiTimeoutException>(() => patient.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("own open budget (6000 ms)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, held.Transport.OpenAttempts);
    }

    [Fact]
    public async Task After_a_patient_retry_also_timed_out_every_open_waits_the_back_off_so_a_dead_bmc_sees_two_per_period()
    {
        await using var held = await HeldOpens.StartAsync(1000, 5000);

        var patient = held.Send(Patient());
        held.Gates[200].SetException(NoAnswer());
        await held.OpenBegun(2, patient);
        held.Gates[1000].SetException(NoAnswer());
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => patient.WaitAsync(TimeSpan.FromSeconds(30)));
        var failedAt = held.Time.GetUtcNow();

        // More patient still, yet the BMC was just given a patient try: this open waits out the back-off.
        var morePatient = held.Send(Target() with { TimeoutMs = 5000, Retries = 3 });
        held.Gates[5000].SetResult();
        // The clock moves in steps until the open ran: however late its back-off timer started, the open's recorded
        // time shows whether it waited.
        await SessionPoolTests.WaitUntil(() =>
        {
            held.Time.Advance(TimeSpan.FromMilliseconds(250));
            return morePatient.IsCompleted;
        });
        Assert.Equal(0, (await morePatient).CompletionCode);
        Assert.Equal([200, 1000, 5000], held.Opens.Select(o => o.TimeoutMs));
        Assert.True(held.Opens.Last().At >= failedAt + TimeSpan.FromSeconds(2), $"opened {held.Opens.Last().At - failedAt} after the failure");
        await Assert.ThrowsAsync<IpmiTimeoutException>(() => held.First);
    }

    [Fact]
    public async Task After_the_max_age_the_pool_authenticates_again_and_a_revoked_password_fails()
    {
        var time = new FakeTimeProvider();
        var transport = new ScriptedTransport();
        var options = new SessionPoolOptions { MaxSessionAge = TimeSpan.FromMinutes(10), IdleTimeout = TimeSpan.FromHours(1) };
        await using var pool = new SessionPool([transport], options, time);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(9));
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        Assert.Equal(1, transport.OpenAttempts);

        // The password was changed on the BMC meanwhile.
        transport.Open = (_, _) => throw BadPassword();
        time.Advance(TimeSpan.FromMinutes(2));
        await Assert.ThrowsAsync<IpmiAuthenticationException>(() => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None));

        Assert.Equal(2, transport.OpenAttempts);
        Assert.True(transport.Sessions.Single().Disposed);
        Assert.Empty(pool.List());
    }

    [Fact]
    public async Task A_refused_password_is_not_retried_into_a_lockout()
    {
        var time = new FakeTimeProvider();
        var transport = new ScriptedTransport { Open = (_, _) => throw BadPassword() };
        var options = new SessionPoolOptions { AuthenticationFailureHold = TimeSpan.FromSeconds(30), MaxAuthenticationFailureHoldFactor = 16 };
        await using var pool = new SessionPool([transport], options, time);

        // A caller retrying every 30 s for ten minutes (say, a monitoring loop with a stale password). Holds of 30, 60,
        // 120, 240 s after each refusal: logins at 0, 30, 90, 210 and 450 s only, never three within a minute.
        var failures = 0;
        for (var second = 0; second < 600; second += 30)
        {
            var error = await Assert.ThrowsAsync<IpmiAuthenticationException>(() => pool.SendAsync(Target(password: "stale"), GetDeviceId, CancellationToken.None));
            Assert.Equal(IpmiErrorKind.AuthenticationFailed, error.Kind);
            failures++;
            time.Advance(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(20, failures);
        Assert.Equal(5, transport.OpenAttempts);

        // The corrected password is another identity: tried at once, and it works.
        transport.Open = (_, _) => Task.CompletedTask;
        Assert.Equal(0, (await pool.SendAsync(Target(password: "fixed"), GetDeviceId, CancellationToken.None)).CompletionCode);
        Assert.Equal(6, transport.OpenAttempts);
    }

    [Fact]
    public async Task A_mismatch_only_this_side_saw_is_not_held_so_one_corrupted_packet_costs_one_request()
    {
        var time = new FakeTimeProvider();
        var transport = new ScriptedTransport
        {
            Open = (_, _) => throw new IpmiAuthenticationException("scripted", "The BMC's RAKP 2 key exchange code does not match"),
        };
        var options = new SessionPoolOptions { AuthenticationFailureHold = TimeSpan.FromSeconds(30), FailedOpenBackoff = TimeSpan.FromSeconds(2) };
        await using var pool = new SessionPool([transport], options, time);

        await Assert.ThrowsAsync<IpmiAuthenticationException>(() => pool.SendAsync(Target(), GetDeviceId, CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(2));
        transport.Open = (_, _) => Task.CompletedTask;

        Assert.Equal(0, (await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None)).CompletionCode);
        Assert.Equal(2, transport.OpenAttempts);
    }

    [Fact]
    public async Task FreshSession_authenticates_for_the_request_and_replaces_the_pooled_session()
    {
        var transport = new ScriptedTransport();
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);

        await pool.SendAsync(Target(fresh: true), GetDeviceId, CancellationToken.None);

        Assert.Equal(2, transport.OpenAttempts);
        Assert.True(transport.Sessions.First().Disposed);
        Assert.Single(pool.List());
        await pool.SendAsync(Target(), GetDeviceId, CancellationToken.None);
        Assert.Equal(2, transport.OpenAttempts);
    }

    [Fact]
    public async Task A_refused_fresh_handshake_closes_that_users_pooled_sessions_and_only_theirs()
    {
        var transport = new ScriptedTransport();
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target("admin", "old"), GetDeviceId, CancellationToken.None);
        await pool.SendAsync(Target("operator", "other"), GetDeviceId, CancellationToken.None);
        await pool.SendAsync(Target("admin", "old", host: "10.0.0.2"), GetDeviceId, CancellationToken.None);

        transport.Open = (target, _) => target.Username == "admin" ? throw BadPassword() : Task.CompletedTask;
        await Assert.ThrowsAsync<IpmiAuthenticationException>(() => pool.SendAsync(Target("admin", "old", fresh: true), GetDeviceId, CancellationToken.None));

        Assert.Equal(
            ["10.0.0.1/operator", "10.0.0.2/admin"],
            pool.List().Select(s => s.Identity.Address + "/" + s.Identity.Username).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_refused_handshake_with_a_new_password_closes_sessions_opened_with_the_old_one()
    {
        var transport = new ScriptedTransport();
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target("admin", "old"), GetDeviceId, CancellationToken.None);

        transport.Open = (_, _) => throw BadPassword();
        await Assert.ThrowsAsync<IpmiAuthenticationException>(() => pool.SendAsync(Target("admin", "typo"), GetDeviceId, CancellationToken.None));

        Assert.Empty(pool.List());
    }

    [Theory]
    [InlineData(0x47, new byte[] { 0x03, 0x02, 0x41 }, true)]   // Set User Password: set password
    [InlineData(0x47, new byte[] { 0x03, 0x00 }, true)]         // Set User Password: disable user
    [InlineData(0x43, new byte[] { 0x91, 0x03, 0x02, 0x00 }, true)] // Set User Access
    [InlineData(0x45, new byte[] { 0x03, 0x41 }, true)]         // Set User Name
    [InlineData(0x47, new byte[] { 0x03, 0x03, 0x41 }, false)]  // Set User Password: test password changes nothing
    [InlineData(0x44, new byte[] { 0x01, 0x03 }, false)]        // Get User Access
    public async Task A_user_change_through_the_pool_closes_every_session_to_that_bmc(byte command, byte[] data, bool closes)
    {
        var transport = new ScriptedTransport();
        await using var pool = new SessionPool([transport]);
        await pool.SendAsync(Target("victim", "pw"), GetDeviceId, CancellationToken.None);
        await pool.SendAsync(Target("admin", "pw", host: "10.0.0.2"), GetDeviceId, CancellationToken.None);

        await pool.SendAsync(Target("admin", "pw"), new IpmiRequest(0x06, command, data), CancellationToken.None);

        var left = pool.List().Select(s => s.Identity.Address + "/" + s.Identity.Username).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(closes ? ["10.0.0.2/admin"] : ["10.0.0.1/admin", "10.0.0.1/victim", "10.0.0.2/admin"], left);
    }
}
