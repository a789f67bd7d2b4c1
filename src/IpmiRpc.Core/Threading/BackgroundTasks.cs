using Microsoft.Extensions.Logging;

namespace IpmiRpc.Core.Threading;

/// <summary>
/// Work started and not awaited (a timer's scavenge, a keepalive, a session closed after its last request, an
/// exchange abandoned at its deadline). A discarded task's exception is otherwise seen by nobody: it surfaces, if
/// ever, as an unobserved-task event with no context. Every such task goes through <see cref="Forget"/>, which
/// observes it and logs a fault with what the task was doing.
/// </summary>
public static class BackgroundTasks
{
    /// <summary>
    /// Observes <paramref name="task"/>: a fault is logged at <paramref name="level"/> naming <paramref name="what"/>;
    /// cancellation is how abandoned work ends and is not logged.
    /// </summary>
    /// <param name="level">Warning for work that should not fail; Debug for work abandoned on purpose, whose failure
    /// is expected (the caller already reported the deadline).</param>
    public static void Forget(this Task task, ILogger logger, string what, LogLevel level = LogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(logger);
        if (task.IsCompletedSuccessfully || task.IsCanceled)
        {
            return;
        }

        task.ContinueWith(
            static (t, state) =>
            {
                var (log, description, logLevel) = ((ILogger, string, LogLevel))state!;
                var error = t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception;
                log.Log(logLevel, error, "Background task failed: {What}", description);
            },
            (logger, what, level),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Observes work abandoned at its caller's deadline or failure, whose outcome nobody wants any more: the caller has
    /// already reported why it stopped waiting, and what the abandoned task ends with (the same timeout, a closed
    /// device) adds nothing. For code with a logger, <see cref="Forget"/> at Debug says the same with a trace.
    /// </summary>
    public static void Abandon(this Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompleted)
        {
            _ = task.Exception;
            return;
        }

        task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
