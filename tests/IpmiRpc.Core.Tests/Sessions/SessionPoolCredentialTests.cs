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
