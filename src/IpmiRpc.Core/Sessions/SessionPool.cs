using System.Collections.Concurrent;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sessions;

/// <summary>
/// Sessions pooled per full target identity. Opens lazily (one opener per identity at a time, so a burst of requests
/// to a new BMC opens one session, not a hundred), spreads load up to <see cref="SessionPoolOptions.MaxSessionsPerTarget"/>
/// (queueing on the open ones when another will not open), drops sessions that died and retries once on a fresh one,
/// and closes idle ones on a timer.
/// </summary>
public sealed class SessionPool : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, IIpmiTransport> _transports;
    private readonly SessionPoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<TargetIdentity, TargetSlot> _slots = new();
    private readonly ITimer _scavenger;
    private long _nextId;
    private int _disposed;

    public SessionPool(IEnumerable<IIpmiTransport> transports, SessionPoolOptions? options = null, TimeProvider? time = null)
    {
        _transports = transports.ToDictionary(t => t.Name, StringComparer.Ordinal);
        _options = options ?? new SessionPoolOptions();
        _time = time ?? TimeProvider.System;
        _scavenger = _time.CreateTimer(_ => _ = ScavengeAsync(), null, _options.ScavengeInterval, _options.ScavengeInterval);
    }

    public IReadOnlyCollection<string> TransportNames => _transports.Keys.ToArray();

    /// <summary>Sends one request on a pooled session for <paramref name="target"/>.</summary>
    public async Task<IpmiResponse> SendAsync(IpmiTarget target, IpmiRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var slot = _slots.GetOrAdd(target.Identity, static id => new TargetSlot(id));
        var lease = await AcquireAsync(slot, target, cancellationToken).ConfigureAwait(false);
        try
        {
            return await lease.Session.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (IpmiException ex) when (!lease.Session.IsUsable && IsSessionLoss(ex) && !cancellationToken.IsCancellationRequested)
        {
            // The BMC forgot the session (restart, idle expiry): drop it and try once more on a fresh one.
            Release(lease);
            lease = default;
            await RemoveAsync(slot, s => !s.Session.IsUsable).ConfigureAwait(false);
            var retry = await AcquireAsync(slot, target, cancellationToken).ConfigureAwait(false);
            try
            {
                return await retry.Session.SendAsync(request, cancellationToken).ConfigureAwait(false);
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
    }

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
        await CloseAsync().ConfigureAwait(false);
    }

    private async Task<Lease> AcquireAsync(TargetSlot slot, IpmiTarget target, CancellationToken cancellationToken)
    {
        if (slot.TryLease(_options.MaxInFlightPerSession, _time, out var lease))
        {
            return lease;
        }

        await slot.OpenGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Someone else may have opened one while we waited.
            if (slot.TryLease(_options.MaxInFlightPerSession, _time, out lease))
            {
                return lease;
            }

            if ((slot.Count >= _options.MaxSessionsPerTarget || slot.IsGrowthPaused(_time)) && slot.TryLeaseLeastLoaded(_time, out lease))
            {
                return lease;
            }

            if (!_transports.TryGetValue(target.Transport, out var transport))
            {
                throw new TransportUnavailableException(
                    target.Transport,
                    $"Transport '{target.Transport}' is not available in this build or on this platform",
                    $"Available transports: {string.Join(", ", _transports.Keys)}");
            }

            IIpmiSession session;
            try
            {
                session = await transport.OpenAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (IpmiException) when (!cancellationToken.IsCancellationRequested && slot.TryLeaseLeastLoaded(_time, out lease))
            {
                // Another session only spreads load; the ones open still work. The BMC may be out of session slots
                // (other clients, a per-user limit) or a handshake lost its answers: queue on what is open rather than
                // fail the request, and stop trying to grow for a while so every queued request doesn't pay for it.
                slot.PauseGrowth(_time, _options.GrowthRetryDelay);
                return lease;
            }

            var id = "s" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return slot.AddAndLease(new PooledEntry(id, slot.Identity, session, _time.GetUtcNow()), _time);
        }
        finally
        {
            slot.OpenGate.Release();
        }
    }

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
            _ = DisposeQuietlyAsync(entry);
        }
    }

    private static async Task<int> RemoveAsync(TargetSlot slot, Func<PooledEntry, bool> predicate)
    {
        var removed = slot.RemoveWhere(predicate);
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

    private async Task ScavengeAsync()
    {
        var now = _time.GetUtcNow();
        foreach (var slot in _slots.Values)
        {
            await RemoveAsync(slot, e => e.InFlight == 0 && (now - e.LastUsedAt > _options.IdleTimeout || !e.Session.IsUsable)).ConfigureAwait(false);
        }
    }

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

        public void Take(TimeProvider time)
        {
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref _requests);
            Interlocked.Exchange(ref _lastUsedTicks, time.GetUtcNow().UtcTicks);
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

        public TargetIdentity Identity { get; } = identity;
        public SemaphoreSlim OpenGate { get; } = new(1, 1);

        public bool IsGrowthPaused(TimeProvider time) => time.GetUtcNow().UtcTicks < Interlocked.Read(ref _growthPausedUntil);

        public void PauseGrowth(TimeProvider time, TimeSpan delay) => Interlocked.Exchange(ref _growthPausedUntil, (time.GetUtcNow() + delay).UtcTicks);

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
                var best = _entries.Where(e => e.Session.IsUsable).MinBy(e => e.InFlight);
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

        public Lease AddAndLease(PooledEntry entry, TimeProvider time)
        {
            lock (_lock)
            {
                _entries.Add(entry);
                entry.Take(time);
                return new Lease(entry);
            }
        }

        public List<PooledEntry> RemoveWhere(Func<PooledEntry, bool> predicate)
        {
            lock (_lock)
            {
                var removed = _entries.Where(predicate).ToList();
                _entries.RemoveAll(removed.Contains);
                return removed;
            }
        }
    }
}
