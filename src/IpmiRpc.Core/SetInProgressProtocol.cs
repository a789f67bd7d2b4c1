namespace IpmiRpc.Core;

/// <summary>
/// The "set in progress" protocol of configuration parameter 0 (LAN §23.1, system info §22.14a): write 1 (set in
/// progress), the parameters, 2 (commit write), then 0 (set complete). A BMC that answers 80h (parameter not supported)
/// to the first write gets the parameter writes alone. A failed write is rolled back with 0 (which discards uncommitted
/// writes on BMCs that buffer them) and the failure rethrown.
/// <para>
/// Our own transactions to one BMC never overlap (the host orders writes per BMC), so 81h on the first write means
/// another tool holds the lock: wait for it with a growing back-off for at most <see cref="ForeignLockWait"/>, then
/// fail with 81h and a hint. Another tool's lock is never cleared: writing "set complete" would discard its changes.
/// </para>
/// </summary>
internal static class SetInProgressProtocol
{
    /// <summary>How long to wait for another tool's set-in-progress lock before giving up.</summary>
    public static readonly TimeSpan ForeignLockWait = TimeSpan.FromSeconds(5);

    private const byte SetComplete = 0;
    private const byte SetInProgress = 1;
    private const byte CommitWrite = 2;
    private const byte LockHeld = 0x81;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestRetryDelay = TimeSpan.FromMilliseconds(500);

    public static Task RunAsync(
        Func<byte, CancellationToken, Task<IpmiResponse>> writeState,
        byte netFn,
        byte command,
        Func<CancellationToken, Task> writes,
        CancellationToken cancellationToken) =>
        RunAsync(writeState, netFn, command, writes, ForeignLockWait, TimeProvider.System, cancellationToken);

    public static async Task RunAsync(
        Func<byte, CancellationToken, Task<IpmiResponse>> writeState,
        byte netFn,
        byte command,
        Func<CancellationToken, Task> writes,
        TimeSpan foreignLockWait,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var begin = await BeginAsync(writeState, foreignLockWait, time, cancellationToken).ConfigureAwait(false);
        if (begin.CompletionCode == 0x80)
        {
            await writes(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (begin.CompletionCode == LockHeld)
        {
            throw new CompletionCodeException(LockHeld, netFn, command, begin.Data.ToArray(),
                $"another tool has held the set-in-progress lock for over {foreignLockWait.TotalSeconds:0.#} s; it was left alone. "
                + "Retry when that tool is done, or clear a lock it abandoned by writing 'set complete' (0) to parameter 0");
        }

        begin.EnsureSuccess(netFn, command);
        try
        {
            await writes(cancellationToken).ConfigureAwait(false);

            // Commit is optional in the spec: 80h/81h from BMCs that don't implement it.
            var commit = await writeState(CommitWrite, cancellationToken).ConfigureAwait(false);
            if (commit.CompletionCode is not (0 or 0x80 or 0x81))
            {
                commit.EnsureSuccess(netFn, command);
            }
        }
        catch
        {
            await TryRollbackAsync(writeState).ConfigureAwait(false);
            throw;
        }

        // 81h: the BMC already went back to "set complete" by itself after the commit (ipmi_sim does when not in progress).
        var complete = await writeState(SetComplete, cancellationToken).ConfigureAwait(false);
        if (complete.CompletionCode is not (0 or 0x81))
        {
            complete.EnsureSuccess(netFn, command);
        }
    }

    // Writes "set in progress", retrying while another tool holds the lock, up to foreignLockWait in all.
    private static async Task<IpmiResponse> BeginAsync(
        Func<byte, CancellationToken, Task<IpmiResponse>> writeState, TimeSpan foreignLockWait, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = FirstRetryDelay;
        while (true)
        {
            var begin = await writeState(SetInProgress, cancellationToken).ConfigureAwait(false);
            if (begin.CompletionCode != LockHeld || time.GetElapsedTime(started) + delay > foreignLockWait)
            {
                return begin;
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LongestRetryDelay.Ticks));
        }
    }

    private static async Task TryRollbackAsync(Func<byte, CancellationToken, Task<IpmiResponse>> writeState)
    {
        try
        {
            // Not the caller's token: a cancelled operation must still release the set-in-progress lock.
            await writeState(SetComplete, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IpmiException)
        {
            // The original failure is what the caller needs to see.
        }
    }
}
