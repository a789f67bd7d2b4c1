namespace IpmiRpc.Core;

/// <summary>
/// The "set in progress" protocol of configuration parameter 0 (LAN §23.1, system info §22.14a): write 1 (set in
/// progress), the parameters, 2 (commit write), then 0 (set complete). A BMC that answers 80h (parameter not supported)
/// to the first write gets the parameter writes alone. A failed write is rolled back with 0 (which discards uncommitted
/// writes on BMCs that buffer them) and the failure rethrown.
/// </summary>
internal static class SetInProgressProtocol
{
    private const byte SetComplete = 0;
    private const byte SetInProgress = 1;
    private const byte CommitWrite = 2;

    public static async Task RunAsync(
        Func<byte, CancellationToken, Task<IpmiResponse>> writeState,
        byte netFn,
        byte command,
        Func<CancellationToken, Task> writes,
        CancellationToken cancellationToken)
    {
        var begin = await writeState(SetInProgress, cancellationToken).ConfigureAwait(false);
        if (begin.CompletionCode == 0x80)
        {
            await writes(cancellationToken).ConfigureAwait(false);
            return;
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
