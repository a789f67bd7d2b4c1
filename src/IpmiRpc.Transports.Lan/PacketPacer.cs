namespace IpmiRpc.Transports.Lan;

/// <summary>
/// The transport-wide cap on datagrams per second (<see cref="LanPlusOptions.MaxPacketsPerSecond"/>): each datagram
/// reserves the next free slot, one every 1/rate, and waits for it on the transport's clock. Hand-written rather than
/// System.Threading.RateLimiting's token bucket because that one replenishes on its own timer, which a fake clock
/// cannot drive.
/// </summary>
internal sealed class PacketPacer(double packetsPerSecond, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly long _spacingTicks = Math.Max(1, (long)(TimeSpan.TicksPerSecond / packetsPerSecond));
    private long _nextTicks = long.MinValue;
    private long _delayed;

    /// <summary>Datagrams that had to wait for their slot.</summary>
    public long Delayed => Interlocked.Read(ref _delayed);

    /// <summary>Waits until this datagram may leave.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp() * TimeSpan.TicksPerSecond / time.TimestampFrequency;
        long wait;
        lock (_lock)
        {
            var slot = Math.Max(now, _nextTicks);
            _nextTicks = slot + _spacingTicks;
            wait = slot - now;
        }

        if (wait <= 0)
        {
            return Task.CompletedTask;
        }

        Interlocked.Increment(ref _delayed);
        return Task.Delay(TimeSpan.FromTicks(wait), time, cancellationToken);
    }
}
