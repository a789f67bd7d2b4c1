using IpmiRpc.Core.Sessions;

namespace IpmiRpc.Host.Methods.FanOut;

/// <summary>
/// The process-wide bounds of fan-out calls: at most <see cref="FanOutOptions.MaxConcurrency"/> per-target calls at
/// once, and <see cref="FanOutOptions.MaxPerBmc"/> to one BMC. A BMC's gate exists only while someone holds or waits
/// for it, so sweeping 100,000 addresses leaves nothing behind.
/// </summary>
internal sealed class FanOutLimiter(FanOutOptions options)
{
    private readonly SemaphoreSlim _global = new(options.MaxConcurrency, options.MaxConcurrency);
    private readonly Lock _lock = new();
    private readonly Dictionary<BmcKey, BmcGate> _perBmc = new();
    private long _started;
    private int _inFlight;
    private int _peakInFlight;

    /// <summary>Per-target calls started since the process started (for tests and benchmarks: work that was sent).</summary>
    public long Started => Interlocked.Read(ref _started);

    /// <summary>The most per-target calls that ran at once.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    /// <summary>BMC gates held or awaited right now (0 when no fan-out runs).</summary>
    public int TrackedBmcs
    {
        get
        {
            lock (_lock)
            {
                return _perBmc.Count;
            }
        }
    }

    /// <summary>Waits for the BMC's gate, then a global place (in that order: a call waiting on a busy BMC holds no global place).</summary>
    public async Task<IDisposable> EnterAsync(BmcKey? bmc, CancellationToken cancellationToken)
    {
        BmcGate? gate = null;
        if (bmc is { } key)
        {
            lock (_lock)
            {
                if (!_perBmc.TryGetValue(key, out gate))
                {
                    gate = new BmcGate(options.MaxPerBmc);
                    _perBmc[key] = gate;
                }

                gate.Users++;
            }
        }

        var heldBmc = false;
        try
        {
            if (gate is not null)
            {
                await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
                heldBmc = true;
            }

            await _global.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(bmc, gate, heldBmc);
            throw;
        }

        Interlocked.Increment(ref _started);
        var now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peakInFlight)) && Interlocked.CompareExchange(ref _peakInFlight, now, peak) != peak)
        {
        }

        return new Place(this, bmc, gate);
    }

    private void Leave(BmcKey? bmc, BmcGate? gate, bool heldBmc)
    {
        if (gate is null)
        {
            return;
        }

        if (heldBmc)
        {
            gate.Semaphore.Release();
        }

        lock (_lock)
        {
            if (--gate.Users == 0)
            {
                _perBmc.Remove(bmc!.Value);
                gate.Semaphore.Dispose();
            }
        }
    }

    private sealed class BmcGate(int limit)
    {
        public SemaphoreSlim Semaphore { get; } = new(limit, limit);

        /// <summary>Holders and waiters; guarded by the limiter's lock.</summary>
        public int Users { get; set; }
    }

    private sealed class Place(FanOutLimiter owner, BmcKey? bmc, BmcGate? gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            Interlocked.Decrement(ref owner._inFlight);
            owner._global.Release();
            owner.Leave(bmc, gate, heldBmc: true);
        }
    }
}
