using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// The retransmit loop of the handshake and of session-less requests: send, wait one timeout, send again, up to the
/// retry count. The timeouts run on the given clock, so tests can drive the schedule with a fake one. In-session
/// requests, many at once, are retransmitted by their session's one timer instead (LanPlusSession.OnRetransmitTimer).
/// </summary>
internal static class Retransmit
{
    /// <param name="send">Sends attempt N (0 = first) at once. May re-encode (new session sequence number) each time.</param>
    /// <param name="completion">Completes when the matching answer arrives (or faults for a fatal answer).</param>
    /// <param name="timeoutMs">How long every attempt waits for the answer.</param>
    /// <param name="pacer">The transport's packet-rate cap, if any: every attempt waits for its slot first.</param>
    public static async Task<T> RunAsync<T>(
        Action<int> send, Task<T> completion, int timeoutMs, int retries, Action? onRetransmit,
        string what, PacketPacer? pacer, TimeProvider time, CancellationToken cancellationToken)
    {
        var perAttempt = TimeSpan.FromMilliseconds(Math.Max(1, timeoutMs));
        for (var attempt = 0; attempt <= retries; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attempt > 0)
            {
                if (completion.IsCompleted)
                {
                    // The answer came in between the timer firing and now: sending another copy would only cost the
                    // BMC a duplicate to execute and us a late answer to drop.
                    return await completion.ConfigureAwait(false);
                }

                onRetransmit?.Invoke();
            }

            // The attempt's timeout starts before its datagram leaves: whoever sees the datagram (a test counting
            // them on a fake clock) knows the timer that will retransmit it already runs.
            if (pacer is not null)
            {
                await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            var answered = completion.WaitAsync(perAttempt, time, cancellationToken);
            send(attempt);
            try
            {
                return await answered.ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // No answer in time: retransmit, or give up below.
            }
        }

        throw new IpmiTimeoutException($"No answer to {what} after {retries + 1} attempt(s), the last of {timeoutMs} ms", timeoutMs, retries);
    }
}
