namespace IpmiRpc.Host.Methods.FanOut;

/// <summary>
/// Counts finished targets and tells the sink at most once per interval (on the clock given, a fake one in tests); one
/// report at a time, so a slow client is told less often instead of queueing reports. <see cref="FinishAsync"/> always
/// sends done = total, before the result is answered.
/// </summary>
internal sealed class ProgressReporter(IProgressSink? sink, int total, TimeProvider time, TimeSpan interval)
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _done;
    private long _lastSent = time.GetTimestamp();

    public int Done => Volatile.Read(ref _done);

    /// <summary>One target finished (answered or failed).</summary>
    public void Finished(CancellationToken cancellationToken)
    {
        var done = Interlocked.Increment(ref _done);
        if (sink is null || done == total || time.GetElapsedTime(Interlocked.Read(ref _lastSent)) < interval || !_sending.Wait(0, CancellationToken.None))
        {
            return;
        }

        Interlocked.Exchange(ref _lastSent, time.GetTimestamp());
        _ = SendAndReleaseAsync(cancellationToken);
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        if (sink is null)
        {
            return;
        }

        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await sink.ReportAsync(Done, total, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task SendAndReleaseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await sink!.ReportAsync(Done, total, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }
}
