using System.Collections.Concurrent;
using IpmiRpc.Core.Targets;
using IpmiRpc.Core.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpmiRpc.Core.Sessions;

/// <summary>
/// Sessions pooled per full target identity. Opens lazily: one open per identity at a time, whose outcome every
/// request waiting for it shares (a burst to a new BMC opens one session, not a hundred; a burst to a dead BMC fails
/// together after one attempt, and the next attempt waits <see cref="SessionPoolOptions.FailedOpenBackoff"/>), while
/// each waiter keeps its own deadline. Spreads load up to <see cref="SessionPoolOptions.MaxSessionsPerTarget"/>
/// (queueing on the open ones when another will not open), drops sessions that died and retries once on a fresh one,
/// and closes idle ones on a timer. The timer also forgets identities with nothing left (no session, no request, no
/// open, no back-off), so a long-lived server that has talked to thousands of BMCs, or seen passwords rotate, holds
/// only what is in use.
/// <para>
/// The shared open runs with the settings (timeoutMs, retries) of the request that started it. A waiter whose own
/// settings allow an open longer does not take its timeout for an answer: a slow or briefly silent BMC may still answer
/// them, so it opens again with its own, within its own deadline — one open for every waiter as patient, who join it.
/// That open skips the back-off the hurried one left: the back-off keeps a dead BMC from one probe per request, and
/// this is one probe for all the patient waiters, which a timeout with less patience said nothing against. An open
/// that skipped a back-off leaves one nobody skips, so a dead BMC sees at most two opens per back-off however many
/// patience levels its callers use. A refusal or any other failure is the BMC's answer, shared and never retried
/// (another try with refused credentials only brings a lock-out closer).
/// </para>
/// <para>
/// A pooled session is not a credential check, so the pool re-authenticates after
/// <see cref="SessionPoolOptions.MaxSessionAge"/>; <see cref="IpmiTarget.FreshSession"/> demands a handshake for one
/// request; an authentication failure closes every pooled session of that user on that BMC; and a successful change
/// of a BMC user (Set User Access / Name / Password) closes every pooled session to that BMC — all users, because
/// mapping the changed user id to a name would take another round trip and the others re-authenticate cheaply.
/// </para>
/// </summary>
public sealed class SessionPool : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IIpmiTransport> _transports;
    private readonly SessionPoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<TargetIdentity, TargetSlot> _slots = new();
    private readonly ConcurrentDictionary<(string Transport, string Address, int Port), ControlPacer> _control = new();
    private readonly ITimer _scavenger;
    private readonly CancellationTokenSource _closing = new();
    private readonly ILogger _logger;
    private long _nextId;
    private int _disposed;
    private int _scavenging;

    public SessionPool(IEnumerable<IIpmiTransport> transports, SessionPoolOptions? options = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _transports = transports.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _options = options ?? new SessionPoolOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _scavenger = _time.CreateTimer(_ => OnScavengeTimer(), null, _options.ScavengeInterval, _options.ScavengeInterval);
    }

    /// <summary>Target identities the pool holds state for (sessions, waiters, a back-off). Idle ones are forgotten by the scavenger.</summary>
    internal int TargetCount => _slots.Count;

    public IReadOnlyCollection<string> TransportNames => _transports.Keys.ToArray();

    /// <summary>Sends one request on a pooled session for <paramref name="target"/>.</summary>
    /// <remarks>
    /// The usual request (a session open with room, no hold, no pacing, no fresh session, no user change) is leased
    /// under one lock and handed to the session as it is: an answer the session has at once comes back as the
    /// session's own task, and nothing is allocated here. Anything else, and every answer still to come, takes
    /// <see cref="SendInSlotAsync"/>.
    /// </remarks>
    public Task<IpmiResponse> SendAsync(IpmiTarget target, IpmiRequest request, CancellationToken cancellationToken)
    {
        TargetSlot slot;
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            slot = EnterSlot(target.Identity);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or InvalidOperationException)
        {
            return Task.FromException<IpmiResponse>(ex);
        }

        if (target.FreshSession || (_options.ControlCommandInterval > TimeSpan.Zero && IsControl(request))
            || !slot.TryLeaseAtOnce(_options.MaxInFlightPerSession, _options.MaxSessionAge, _time, out var lease))
        {
            return SendInSlotAsync(slot, target, request, lease: default, sent: null, cancellationToken);
        }

        Task<IpmiResponse> sent;
        try
        {
            sent = lease.Session.SendAsync(request, cancellationToken);
        }
        catch (Exception ex)
        {
            // Awaited below, as if the session had returned it: the same retry and the same exception.
            sent = Task.FromException<IpmiResponse>(ex);
        }

        if (!sent.IsCompletedSuccessfully || ChangesUser(request))
        {
            return SendInSlotAsync(slot, target, request, lease, sent, cancellationToken);
        }

        Release(lease);
        slot.Exit();
        return sent;
    }

    /// <summary>
    /// An <see cref="IpmiSend"/> bound to <paramref name="target"/> over this pool, made once per target instance
    /// (a resolved target is reused request after request).
    /// </summary>
    public IpmiSend SenderFor(IpmiTarget target)
    {
        if (target.SenderMemo(this) is { } known)
        {
            return known;
        }

        var send = NewSender(target);
        target.RememberSender(this, send);
        return send;
    }

    // Apart from SenderFor: the closure over the target is made where the lambda's scope starts, memo hit or not.
    private IpmiSend NewSender(IpmiTarget target) => (request, ct) => SendAsync(target, request, ct);

    /// <summary>
    /// The identity's slot, counted as in use until <see cref="TargetSlot.Exit"/> so the scavenger leaves it alone. A
    /// slot the scavenger pruned meanwhile is taken out of the map here (if it still is in it) and a fresh one made.
    /// </summary>
    private TargetSlot EnterSlot(TargetIdentity identity)
    {
        // Each retry follows a prune, and one scavenge at a time prunes a slot at most once: a few passes at most.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var slot = _slots.GetOrAdd(identity, static id => new TargetSlot(id));
            if (slot.TryEnter())
            {
                return slot;
            }

            _slots.TryRemove(KeyValuePair.Create(identity, slot));
        }

        throw new InvalidOperationException("The session pool kept pruning the slot of " + identity);
    }

    /// <summary>
    /// The request in <paramref name="slot"/> (entered: exits it when done), on <paramref name="lease"/> and its
    /// <paramref name="sent"/> answer when <see cref="SendAsync"/> already sent it, else from the start. Retries once
    /// on a fresh session when the BMC forgot this one; releases the lease. One method: one box per request waiting.
    /// </summary>
    private async Task<IpmiResponse> SendInSlotAsync(TargetSlot slot, IpmiTarget target, IpmiRequest request, Lease lease, Task<IpmiResponse>? sent,
        CancellationToken cancellationToken)
    {
        try
        {
            if (sent is null)
            {
                lease = await LeaseAsync(slot, target, request, cancellationToken).ConfigureAwait(false);
            }

            IpmiResponse response;
            try
            {
                response = await (sent ?? lease.Session.SendAsync(request, cancellationToken)).ConfigureAwait(false);
            }
            catch (IpmiException ex) when (!lease.Session.IsUsable && IsSessionLoss(ex) && !cancellationToken.IsCancellationRequested)
            {
                // The BMC forgot the session (restart, idle expiry): drop it and try once more on a fresh one.
                Release(lease);
                lease = default;
                await RemoveAsync(slot, static s => !s.Session.IsUsable).ConfigureAwait(false);
                var retry = await AcquireAsync(slot, target, cancellationToken).ConfigureAwait(false);
                try
                {
                    response = await retry.Session.SendAsync(request, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Release(retry);
                }
            }
            finally
            {
                if (lease.Session is not null)
                {
                    Release(lease);
                }
            }

            if (response.IsSuccess && ChangesUser(request))
            {
                await CloseSameBmcAsync(target.Identity).ConfigureAwait(false);
            }

            return response;
        }
        finally
        {
            slot.Exit();
        }
    }

    /// <summary>A lease for the request: after any authentication hold and control pacing, on a pooled or a fresh session.</summary>
    private async Task<Lease> LeaseAsync(TargetSlot slot, IpmiTarget target, IpmiRequest request, CancellationToken cancellationToken)
    {
        if (slot.AuthenticationHeld(_time) is { } held)
        {
            // Another try with credentials this BMC just refused only brings its account lock-out closer.
            throw new IpmiAuthenticationException(
                target.Transport,
                $"{held.Reason} (not tried again for {Math.Ceiling(held.Left.TotalSeconds):0} s: repeated failed logins lock BMC accounts)");
        }

        if (_options.ControlCommandInterval > TimeSpan.Zero && IsControl(request))
        {
            var pacer = _control.GetOrAdd((target.Transport, target.Identity.Address, target.Identity.Port), static _ => new ControlPacer());
            var wait = pacer.Reserve(_time, _options.ControlCommandInterval);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }

        return target.FreshSession
            ? await OpenFreshAsync(slot, target, cancellationToken).ConfigureAwait(false)
            : await AcquireAsync(slot, target, cancellationToken).ConfigureAwait(false);
    }

    // Not inline in the async method above: a lambda capturing its parameter would make its closure on every request.
    private Task<int> CloseSameBmcAsync(TargetIdentity identity) => CloseAsync(info => SameBmc(info.Identity, identity));

    private Task<int> CloseSameUserAsync(TargetIdentity identity) => CloseAsync(info => SameUser(info.Identity, identity));

    /// <summary>
    /// Set User Access, Set User Name, and Set User Password other than "test password" (IPMI v2.0 §22.26–22.30):
    /// after one of them a pooled session may run on credentials or rights the BMC no longer grants.
    /// </summary>
    private static bool ChangesUser(IpmiRequest request) =>
        request.NetFn == NetFns.App && request.Command switch
        {
            0x43 or 0x45 => true,
            0x47 => !(request.Data.Length >= 2 && (request.Data.Span[1] & 0x03) == 0x03),
            _ => false,
        };

    /// <summary>Chassis Control, Chassis Reset, Cold Reset, Warm Reset: what <see cref="SessionPoolOptions.ControlCommandInterval"/> spaces.</summary>
    private static bool IsControl(IpmiRequest request) =>
        (request.NetFn == NetFns.Chassis && request.Command is 0x02 or 0x03) ||
        (request.NetFn == NetFns.App && request.Command is 0x02 or 0x03);

    private static bool SameBmc(TargetIdentity a, TargetIdentity b) =>
        a.Transport == b.Transport && a.Port == b.Port && string.Equals(a.Address, b.Address, StringComparison.OrdinalIgnoreCase);

    private static bool SameUser(TargetIdentity a, TargetIdentity b) =>
        SameBmc(a, b) && string.Equals(a.Username, b.Username, StringComparison.Ordinal);

    private static bool IsSessionLoss(IpmiException ex) =>
        ex.Kind is IpmiErrorKind.Timeout or IpmiErrorKind.MalformedResponse;

    public IReadOnlyList<PooledSessionInfo> List() =>
        _slots.Values
            .SelectMany(slot => slot.Snapshot())
            .Select(e => new PooledSessionInfo(e.Id, e.Identity, e.OpenedAt, e.LastUsedAt, e.RequestCount, e.InFlight, e.Session.Describe()))
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Closes pooled sessions matching <paramref name="filter"/> (all when null). Returns how many closed.</summary>
    public async Task<int> CloseAsync(Func<PooledSessionInfo, bool>? filter = null)
    {
        var closed = 0;
        foreach (var slot in _slots.Values)
        {
            closed += await RemoveAsync(slot, e => filter is null || filter(new PooledSessionInfo(
                e.Id, e.Identity, e.OpenedAt, e.LastUsedAt, e.RequestCount, e.InFlight, e.Session.Describe()))).ConfigureAwait(false);
        }

        return closed;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _scavenger.DisposeAsync().ConfigureAwait(false);
        await _closing.CancelAsync().ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task<Lease> AcquireAsync(TargetSlot slot, IpmiTarget target, CancellationToken cancellationToken)
    {
        await RetireAgedAsync(slot).ConfigureAwait(false);

        // Each pass either leases or waits for one shared open; a session that opens already full or dead sends the
        // request round again, a bounded number of times. A pass that retries an open a less patient request started
        // (see below) keeps the deadline of the wait it follows and is not counted.
        var patience = OpenBudget(target);
        var budget = TimeSpan.Zero;
        var deadline = DateTimeOffset.MinValue;
        var retried = 0;
        var retrying = false;
        for (var pass = 0; ; pass++)
        {
            if (slot.TryLease(_options.MaxInFlightPerSession, _time, out var lease))
            {
                return lease;
            }

            var atCap = slot.Count >= _options.MaxSessionsPerTarget || slot.IsGrowthPaused(_time) || pass > _options.MaxSessionsPerTarget;
            if (atCap && slot.TryLeaseLeastLoaded(_time, out lease))
            {
                return lease;
            }

            if (pass > _options.MaxSessionsPerTarget + 1)
            {
                throw new TransportUnavailableException(target.Transport, "No usable session to the BMC could be opened", "Retry; see the log for why sessions closed");
            }

            // The open runs on the pool's token, not this request's: others wait on it too. Each waits within its own
            // deadline, and no longer than its own target's settings would have let an open of its own take.
            if (!retrying)
            {
                budget = patience + (slot.BackoffLeft(_time, patience) ?? TimeSpan.Zero);
                deadline = _time.GetUtcNow() + budget;
            }

            retrying = false;
            var open = JoinOrStartOpen(slot, target, patience);
            try
            {
                var left = deadline - _time.GetUtcNow();
                await open.Completion.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new IpmiTimeoutException(
                    $"No session to {target.Identity} within this request's own open budget ({budget.TotalMilliseconds:0} ms)",
                    target.TimeoutMs, target.Retries);
            }
            catch (IpmiException ex) when (ex.Kind == IpmiErrorKind.Timeout && open.Patience < patience && retried < MaxRetriesForPatience
                                           && _time.GetUtcNow() < deadline)
            {
                // The open this request joined gave up sooner than this request's own settings would have: a BMC that
                // is slow or was briefly silent may still answer them. Open again with them, once for every waiter
                // as patient (they join this open), within the deadline of the wait that just failed. A refusal or
                // any other failure is the BMC's answer, which waiting longer does not change.
                retried++;
                retrying = true;
                pass--;
            }
        }
    }

    // Not inline in AcquireAsync: its closure would be made on every call, not only when an open is started.
    private SharedOpen JoinOrStartOpen(TargetSlot slot, IpmiTarget target, TimeSpan patience) =>
        slot.JoinOrStartOpen(() => OpenIntoSlotAsync(slot, target, patience), _options.MaxSessionsPerTarget, patience);

    // The handshake's exchanges (auth capabilities, cipher suites, open session, RAKP 1 and 3, privilege), each with
    // the target's retransmits: the longest an open with this target's own settings can take.
    private const int HandshakeExchanges = 6;

    // Opens a waiter retries because a less patient request had started the one it joined. Each retry follows a
    // failed open and normally starts the waiter's own (as patient as it: no further retry); more only when a
    // less patient request starts the next open first. The waiter's deadline bounds them; this count bounds them
    // also when opens fail at once, with no time passing.
    private const int MaxRetriesForPatience = 3;

    /// <summary>
    /// How long an open with <paramref name="target"/>'s settings may take: what a request waits for a session, and
    /// how patient an open it starts is (a waiter more patient than the open it joined opens again if it times out).
    /// </summary>
    private static TimeSpan OpenBudget(IpmiTarget target) =>
        TimeSpan.FromMilliseconds((double)HandshakeExchanges * (target.Retries + 1) * target.TimeoutMs);

    /// <summary>One open shared by every request waiting for a session to <paramref name="slot"/>'s identity.</summary>
    /// <param name="patience">The <see cref="OpenBudget"/> of <paramref name="target"/>, whose settings the open runs with.</param>
    private async Task OpenIntoSlotAsync(TargetSlot slot, IpmiTarget target, TimeSpan patience)
    {
        var transport = TransportFor(target);
        var backoff = slot.BackoffLeft(_time, patience);
        var skipsBackoff = backoff is null && slot.BackoffLeft(_time) is not null;
        if (backoff is { } wait)
        {
            // The last open failed moments ago: probe a dead BMC once per back-off, not once per request.
            await Task.Delay(wait, _time, _closing.Token).ConfigureAwait(false);
        }

        IIpmiSession session;
        try
        {
            session = await transport.OpenAsync(target, _closing.Token).ConfigureAwait(false);
        }
        catch (IpmiAuthenticationException ex)
        {
            // The BMC refuses this user's credentials now: sessions it opened with them earlier must not outlive that.
            await CloseSameUserAsync(slot.Identity).ConfigureAwait(false);
            slot.BackOff(_time, _options.FailedOpenBackoff, skippedAbove: TimeSpan.MaxValue);
            HoldIfRefused(slot, ex);
            throw;
        }
        catch (IpmiException) when (slot.HasUsable)
        {
            // Another session only spreads load; the ones open still work. The BMC may be out of session slots
            // (other clients, a per-user limit) or a handshake lost its answers: queue on what is open rather than
            // fail the requests, and stop trying to grow for a while so every queued request doesn't pay for it.
            slot.PauseGrowth(_time, _options.GrowthRetryDelay);
            return;
        }
        catch (IpmiException ex)
        {
            // Only a timeout says nothing against waiting longer: a more patient open may skip the back-off it
            // leaves. Not the back-off of an open that itself skipped one, so a dead BMC sees at most two opens per
            // back-off, however many patience levels its callers use.
            var curable = ex.Kind == IpmiErrorKind.Timeout && !skipsBackoff;
            slot.BackOff(_time, _options.FailedOpenBackoff, skippedAbove: curable ? patience : TimeSpan.MaxValue);
            throw;
        }

        slot.ClearAuthenticationHold();
        slot.Add(NewEntry(slot, session));
    }

    /// <summary><see cref="IpmiTarget.FreshSession"/>: a handshake now, for this request; the new session replaces the pooled ones.</summary>
    private async Task<Lease> OpenFreshAsync(TargetSlot slot, IpmiTarget target, CancellationToken cancellationToken)
    {
        var transport = TransportFor(target);
        IIpmiSession session;
        try
        {
            session = await transport.OpenAsync(target, cancellationToken).ConfigureAwait(false);
        }
        catch (IpmiAuthenticationException ex)
        {
            await CloseSameUserAsync(slot.Identity).ConfigureAwait(false);
            HoldIfRefused(slot, ex);
            throw;
        }

        slot.ClearAuthenticationHold();
        await RemoveAsync(slot, _ => true).ConfigureAwait(false);
        return slot.AddAndLease(NewEntry(slot, session), _time);
    }

    /// <summary>
    /// A refusal the BMC itself made may count towards its account lock-out: the same credentials are not tried again for
    /// a while. A mismatch only we noticed (a wrong password shows as a RAKP 2 code that does not verify, but so does a
    /// corrupted packet) ends the handshake before the BMC could count it, and holding it would turn one bad packet into
    /// half a minute of refused requests.
    /// </summary>
    private void HoldIfRefused(TargetSlot slot, IpmiAuthenticationException refusal)
    {
        if (refusal.RefusedByBmc)
        {
            slot.HoldAuthentication(_time, _options.AuthenticationFailureHold, _options.MaxAuthenticationFailureHoldFactor, refusal.Message);
        }
    }

    private PooledEntry NewEntry(TargetSlot slot, IIpmiSession session) =>
        new("s" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture), slot.Identity, session, _time.GetUtcNow());

    private IIpmiTransport TransportFor(IpmiTarget target) =>
        _transports.TryGetValue(target.Transport, out var transport)
            ? transport
            : throw new TransportUnavailableException(
                target.Transport,
                $"Transport '{target.Transport}' is not available in this build or on this platform",
                $"Available transports: {string.Join(", ", _transports.Keys)}");

    // A session older than MaxSessionAge serves no new request: the next one re-authenticates.
    private Task<int> RetireAgedAsync(TargetSlot slot)
    {
        var now = _time.GetUtcNow();
        return slot.HasAged(now, _options.MaxSessionAge) ? RetireAsync(slot, now, _options.MaxSessionAge) : Task.FromResult(0);
    }

    private static Task<int> RetireAsync(TargetSlot slot, DateTimeOffset now, TimeSpan maxAge) => RemoveAsync(slot, e => now - e.OpenedAt >= maxAge);

    private void Release(Lease lease)
    {
        if (lease.Entry is not { } entry)
        {
            return;
        }

        entry.Return(_time);
        if (entry.Retired && entry.InFlight == 0 && entry.TryClaimDispose())
        {
            // The last request on a session the pool already dropped: close it now, without holding up this answer.
            DisposeQuietlyAsync(entry).Forget(_logger, "closing a pooled session after its last request");
        }
    }

    private static async Task<int> RemoveAsync(TargetSlot slot, Func<PooledEntry, bool> predicate)
    {
        var removed = slot.RemoveWhere(predicate);
        if (removed is null)
        {
            return 0;
        }

        foreach (var entry in removed)
        {
            // No new requests go to a removed session; requests still in flight on it finish first (a session that
            // timed out one request may still answer the others), and the last of them closes it (Release).
            entry.Retire();
            if (entry.InFlight == 0 && entry.TryClaimDispose())
            {
                await DisposeQuietlyAsync(entry).ConfigureAwait(false);
            }
        }

        return removed.Count;
    }

    private static async Task DisposeQuietlyAsync(PooledEntry entry)
    {
        try
        {
            await entry.Session.DisposeAsync().ConfigureAwait(false);
        }
        catch (IpmiException)
        {
            // Closing a session the BMC already forgot is expected to fail; it is gone either way.
        }
    }

    private void OnScavengeTimer()
    {
        // One scavenge at a time: a slow one (sessions closing to silent BMCs) must not be joined by the next tick.
        if (Interlocked.Exchange(ref _scavenging, 1) != 0)
        {
            return;
        }

        ScavengeAsync().Forget(_logger, "scavenging idle pooled sessions");
    }

    private async Task ScavengeAsync()
    {
        try
        {
            var now = _time.GetUtcNow();
            foreach (var (identity, slot) in _slots)
            {
                await RemoveAsync(slot, e => (e.InFlight == 0 && (now - e.LastUsedAt > _options.IdleTimeout || !e.Session.IsUsable))
                                             || now - e.OpenedAt >= _options.MaxSessionAge).ConfigureAwait(false);
                if (slot.TryPrune(_time, _options.AuthenticationFailureHold * _options.MaxAuthenticationFailureHoldFactor))
                {
                    _slots.TryRemove(KeyValuePair.Create(identity, slot));
                }
            }

            // A pacer whose next slot is already past holds nothing back: forget it, so thousands of BMCs seen once
            // leave nothing behind.
            foreach (var (key, pacer) in _control)
            {
                if (pacer.IsIdle(_time))
                {
                    _control.TryRemove(KeyValuePair.Create(key, pacer));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _scavenging, 0);
        }
    }

    /// <summary>The next moment a control command may go to one BMC; each reservation moves it on by the interval.</summary>
    private sealed class ControlPacer
    {
        private readonly Lock _lock = new();
        private long _nextTicks;

        /// <summary>How long the caller waits before its control command (zero: at once).</summary>
        public TimeSpan Reserve(TimeProvider time, TimeSpan interval)
        {
            var now = time.GetUtcNow().UtcTicks;
            lock (_lock)
            {
                var start = Math.Max(now, _nextTicks);
                _nextTicks = start + interval.Ticks;
                return TimeSpan.FromTicks(start - now);
            }
        }

        public bool IsIdle(TimeProvider time)
        {
            lock (_lock)
            {
                return _nextTicks <= time.GetUtcNow().UtcTicks;
            }
        }
    }

    private readonly record struct AuthenticationHold(string Reason, TimeSpan Left);

    /// <summary>An open to wait for, and how long its settings let it take (see <see cref="OpenBudget"/>).</summary>
    private readonly record struct SharedOpen(Task Completion, TimeSpan Patience);

    private readonly record struct Lease(PooledEntry Entry)
    {
        public IIpmiSession Session => Entry?.Session!;
    }

    private sealed class PooledEntry(string id, TargetIdentity identity, IIpmiSession session, DateTimeOffset openedAt)
    {
        private int _inFlight;
        private int _retired;
        private int _disposeClaimed;
        private long _requests;
        private long _lastUsedTicks = openedAt.UtcTicks;

        public string Id { get; } = id;
        public TargetIdentity Identity { get; } = identity;
        public IIpmiSession Session { get; } = session;
        public DateTimeOffset OpenedAt { get; } = openedAt;
        public int InFlight => Volatile.Read(ref _inFlight);
        public long RequestCount => Interlocked.Read(ref _requests);
        public DateTimeOffset LastUsedAt => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);

        public void Take(TimeProvider time) => Take(time.GetUtcNow());

        public void Take(DateTimeOffset now)
        {
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _requests);
            Interlocked.Exchange(ref _lastUsedTicks, now.UtcTicks);
        }

        public void Return(TimeProvider time)
        {
            Interlocked.Decrement(ref _inFlight);
            Interlocked.Exchange(ref _lastUsedTicks, time.GetUtcNow().UtcTicks);
        }

        /// <summary>True once the pool removed this entry: it is closed when its last request returns.</summary>
        public bool Retired => Volatile.Read(ref _retired) != 0;

        public void Retire() => Interlocked.Exchange(ref _retired, 1);

        /// <summary>True for exactly one caller: the one that disposes the session.</summary>
        public bool TryClaimDispose() => Interlocked.Exchange(ref _disposeClaimed, 1) == 0;
    }

    private sealed class TargetSlot(TargetIdentity identity)
    {
        private readonly Lock _lock = new();
        private readonly List<PooledEntry> _entries = [];

        // UTC ticks until which no extra session is opened, after one failed to open.
        private long _growthPausedUntil;

        // The open in progress (shared by its waiters) and its patience, and the UTC ticks before which the next may
        // not start unless it is more patient than _backoffSkippedAbove (all under _lock).
        private Task? _opening;
        private TimeSpan _openingPatience;
        private long _backoffUntil;
        private TimeSpan _backoffSkippedAbove = TimeSpan.MaxValue;

        // Requests inside SendAsync for this identity, and whether the scavenger has let the slot go (under _lock).
        private int _users;
        private bool _pruned;


        // Refused credentials: until when requests fail at once, why, and how many refusals in a row.
        private long _authHeldUntil;
        private string _authRefusal = "";
        private int _authRefusals;

        public TargetIdentity Identity { get; } = identity;

        /// <summary>Counts a request in; false once the slot was pruned (the caller takes a fresh one).</summary>
        public bool TryEnter()
        {
            lock (_lock)
            {
                if (_pruned)
                {
                    return false;
                }

                _users++;
                return true;
            }
        }

        public void Exit()
        {
            lock (_lock)
            {
                _users--;
            }
        }

        /// <summary>
        /// Lets the slot go when nothing depends on it: no session, no request inside, no open running (it would add
        /// its session here) and no back-off to remember (a dead BMC is probed once per back-off, not per request).
        /// </summary>
        /// <param name="refusalMemory">How long after a hold ends its refusal count is kept (so the next hold doubles).</param>
        public bool TryPrune(TimeProvider time, TimeSpan refusalMemory)
        {
            lock (_lock)
            {
                if (_users > 0 || _entries.Count > 0 || _opening is { IsCompleted: false } || BackoffLeftLocked(time) is not null
                    || (_authRefusals > 0 && _authHeldUntil + refusalMemory.Ticks > time.GetUtcNow().UtcTicks))
                {
                    return false;
                }

                _pruned = true;
                return true;
            }
        }

        public AuthenticationHold? AuthenticationHeld(TimeProvider time)
        {
            lock (_lock)
            {
                var left = _authHeldUntil - time.GetUtcNow().UtcTicks;
                return left > 0 ? new AuthenticationHold(_authRefusal, TimeSpan.FromTicks(left)) : null;
            }
        }

        public void HoldAuthentication(TimeProvider time, TimeSpan hold, int maxFactor, string reason)
        {
            lock (_lock)
            {
                var factor = Math.Min(Math.Max(1, maxFactor), 1L << Math.Min(_authRefusals, 30));
                _authRefusals++;
                _authRefusal = reason;
                _authHeldUntil = (time.GetUtcNow() + (hold * factor)).UtcTicks;
            }
        }

        public void ClearAuthenticationHold()
        {
            lock (_lock)
            {
                _authRefusals = 0;
                _authHeldUntil = 0;
            }
        }

        public bool IsGrowthPaused(TimeProvider time) => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _growthPausedUntil);

        public void PauseGrowth(TimeProvider time, TimeSpan delay) => Interlocked.Exchange(ref _growthPausedUntil, (time.GetUtcNow() + delay).UtcTicks);

        public bool HasUsable
        {
            get
            {
                lock (_lock)
                {
                    foreach (var entry in _entries)
                    {
                        if (entry.Session.IsUsable)
                        {
                            return true;
                        }
                    }

                    return false;
                }
            }
        }

        /// <summary>Whether a session here is at least <paramref name="maxAge"/> old (and so to be retired before the next lease).</summary>
        public bool HasAged(DateTimeOffset now, TimeSpan maxAge)
        {
            lock (_lock)
            {
                foreach (var entry in _entries)
                {
                    if (now - entry.OpenedAt >= maxAge)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>
        /// The lease <see cref="SendAsync"/> takes without waiting, under one lock: false when credentials are held,
        /// a session is due for retirement, or no usable session has room (the caller then takes the full path).
        /// </summary>
        public bool TryLeaseAtOnce(int maxInFlight, TimeSpan maxAge, TimeProvider time, out Lease lease)
        {
            var now = time.GetUtcNow();
            lock (_lock)
            {
                lease = default;
                if (_authHeldUntil > now.UtcTicks)
                {
                    return false;
                }

                PooledEntry? free = null;
                foreach (var entry in _entries)
                {
                    if (now - entry.OpenedAt >= maxAge)
                    {
                        return false;
                    }

                    if (free is null && entry.Session.IsUsable && entry.InFlight < maxInFlight)
                    {
                        free = entry;
                    }
                }

                if (free is null)
                {
                    return false;
                }

                free.Take(now);
                lease = new Lease(free);
                return true;
            }
        }

        /// <summary>
        /// Joins the open in progress, or starts one unless <paramref name="maxSessions"/> usable sessions are already
        /// here: the caller counted before an open it did not see finished, and starting another then would pass the
        /// cap (a real BMC may allow one session). The caller's next pass leases from what is open. The answer carries
        /// the patience of the open joined (<paramref name="patience"/> for one started here).
        /// </summary>
        public SharedOpen JoinOrStartOpen(Func<Task> open, int maxSessions, TimeSpan patience)
        {
            var start = new Task<Task>(open);
            var opening = start.Unwrap();
            lock (_lock)
            {
                if (_opening is { IsCompleted: false } running)
                {
                    return new SharedOpen(running, _openingPatience);
                }

                var usable = 0;
                foreach (var entry in _entries)
                {
                    usable += entry.Session.IsUsable ? 1 : 0;
                }

                if (usable >= maxSessions)
                {
                    return new SharedOpen(Task.CompletedTask, TimeSpan.MaxValue);
                }

                _opening = opening;
                _openingPatience = patience;
            }

            // Started outside the lock: an open that completes synchronously adds its session under the same lock.
            start.Start(TaskScheduler.Default);
            return new SharedOpen(opening, patience);
        }

        /// <summary>
        /// After a failed open: the next waits <paramref name="backoff"/>, unless it is more patient than
        /// <paramref name="skippedAbove"/> (<see cref="TimeSpan.MaxValue"/>: every open waits).
        /// </summary>
        public void BackOff(TimeProvider time, TimeSpan backoff, TimeSpan skippedAbove)
        {
            lock (_lock)
            {
                _backoffUntil = (time.GetUtcNow() + backoff).UtcTicks;
                _backoffSkippedAbove = skippedAbove;
            }
        }

        /// <summary>How long the next open must wait after a failed one, if at all.</summary>
        public TimeSpan? BackoffLeft(TimeProvider time)
        {
            lock (_lock)
            {
                return BackoffLeftLocked(time);
            }
        }

        /// <summary>How long an open with <paramref name="patience"/> must wait after a failed one, if at all.</summary>
        public TimeSpan? BackoffLeft(TimeProvider time, TimeSpan patience)
        {
            lock (_lock)
            {
                return patience > _backoffSkippedAbove ? null : BackoffLeftLocked(time);
            }
        }

        private TimeSpan? BackoffLeftLocked(TimeProvider time)
        {
            var left = _backoffUntil - time.GetUtcNow().UtcTicks;
            return left > 0 ? TimeSpan.FromTicks(left) : null;
        }

        public int Count
        {
            get { lock (_lock) { return _entries.Count; } }
        }

        public PooledEntry[] Snapshot()
        {
            lock (_lock) { return [.. _entries]; }
        }

        public bool TryLease(int maxInFlight, TimeProvider time, out Lease lease)
        {
            lock (_lock)
            {
                foreach (var entry in _entries)
                {
                    if (entry.Session.IsUsable && entry.InFlight < maxInFlight)
                    {
                        entry.Take(time);
                        lease = new Lease(entry);
                        return true;
                    }
                }
            }

            lease = default;
            return false;
        }

        public bool TryLeaseLeastLoaded(TimeProvider time, out Lease lease)
        {
            lock (_lock)
            {
                PooledEntry? best = null;
                foreach (var entry in _entries)
                {
                    // The first of the least loaded, as MinBy picked it.
                    if (entry.Session.IsUsable && (best is null || entry.InFlight < best.InFlight))
                    {
                        best = entry;
                    }
                }

                if (best is not null)
                {
                    best.Take(time);
                    lease = new Lease(best);
                    return true;
                }
            }

            lease = default;
            return false;
        }

        public void Add(PooledEntry entry)
        {
            lock (_lock)
            {
                _entries.Add(entry);
            }
        }

        public Lease AddAndLease(PooledEntry entry, TimeProvider time)
        {
            lock (_lock)
            {
                _entries.Add(entry);
                entry.Take(time);
                return new Lease(entry);
            }
        }

        /// <summary>The entries <paramref name="predicate"/> picked, taken out; null when it picked none.</summary>
        public List<PooledEntry>? RemoveWhere(Func<PooledEntry, bool> predicate)
        {
            lock (_lock)
            {
                List<PooledEntry>? removed = null;
                var kept = 0;
                for (var i = 0; i < _entries.Count; i++)
                {
                    var entry = _entries[i];
                    if (predicate(entry))
                    {
                        (removed ??= []).Add(entry);
                    }
                    else
                    {
                        _entries[kept++] = entry;
                    }
                }

                _entries.RemoveRange(kept, _entries.Count - kept);
                return removed;
            }
        }
    }
}
