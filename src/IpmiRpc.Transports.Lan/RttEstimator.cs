namespace IpmiRpc.Transports.Lan;

/// <summary>
/// The retransmit timeout of one session from its measured round trips (RFC 6298: SRTT and RTTVAR, RTO = SRTT +
/// max(G, 4·RTTVAR)), kept between a floor and the target's own timeout. Only answers to requests sent once are
/// sampled (Karn): an answer after a retransmit may belong to either copy. Until the first sample the timeout is the
/// ceiling, as before any estimate existed; each retransmit of one request doubles its wait, up to the ceiling.
/// </summary>
internal sealed class RttEstimator(TimeSpan floor)
{
    // RFC 6298's clock granularity G: the timer's own resolution, below which a variance means nothing.
    private const double GranularityMs = 1;

    private readonly Lock _lock = new();
    private readonly double _floorMs = Math.Max(GranularityMs, floor.TotalMilliseconds);
    private double _smoothedMs;
    private double _variationMs;
    private long _samples;

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>The smoothed round trip, or null before the first answer was measured.</summary>
    public TimeSpan? SmoothedRtt
    {
        get { lock (_lock) { return _samples == 0 ? null : TimeSpan.FromMilliseconds(_smoothedMs); } }
    }

    public void AddSample(TimeSpan rtt)
    {
        var r = Math.Max(0, rtt.TotalMilliseconds);
        lock (_lock)
        {
            if (_samples == 0)
            {
                _smoothedMs = r;
                _variationMs = r / 2;
            }
            else
            {
                // RFC 6298 §2.3, with its alpha = 1/8 and beta = 1/4; RTTVAR first, from the old SRTT.
                _variationMs = (0.75 * _variationMs) + (0.25 * Math.Abs(_smoothedMs - r));
                _smoothedMs = (0.875 * _smoothedMs) + (0.125 * r);
            }

            Interlocked.Increment(ref _samples);
        }
    }

    /// <summary>How long attempt <paramref name="attempt"/> (0 = first send) waits for its answer.</summary>
    /// <param name="ceilingMs">The target's timeoutMs: no attempt waits longer, and the last attempt waits this long.</param>
    public TimeSpan AttemptTimeout(int attempt, int ceilingMs, bool last)
    {
        double rto;
        lock (_lock)
        {
            rto = _samples == 0 ? ceilingMs : _smoothedMs + Math.Max(GranularityMs, 4 * _variationMs);
        }

        // The last attempt gets the whole ceiling: a slow command (a FRU read, a SEL clear) is given up on no sooner
        // than with a fixed timeout, only its earlier copies go out sooner.
        var ms = last ? ceilingMs : Math.Min(ceilingMs, Math.Max(_floorMs, rto) * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds(Math.Max(1, ms));
    }
}
