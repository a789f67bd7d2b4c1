using IpmiRpc.Core.Threading;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Core.Tests.Threading;

public sealed class BackgroundTasksTests
{
    [Fact]
    public async Task A_forgotten_task_that_faults_is_logged_with_what_it_was_doing_and_its_exception()
    {
        var log = new RecordingLogger();
        var fail = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        fail.Task.Forget(log, "keepalive of session 7");
        Assert.Empty(log.Entries);
        fail.SetException(new InvalidOperationException("boom"));

        await WaitUntil(() => log.Entries.Count == 1);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("keepalive of session 7", entry.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public void A_task_already_faulted_is_logged_at_the_level_asked_for()
    {
        var log = new RecordingLogger();

        Task.FromException(new ObjectDisposedException("socket")).Forget(log, "closing a session", LogLevel.Debug);

        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.IsType<ObjectDisposedException>(entry.Exception);
    }

    [Fact]
    public async Task Success_and_cancellation_are_not_logged()
    {
        var log = new RecordingLogger();
        var succeed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        succeed.Task.Forget(log, "a");
        cancel.Task.Forget(log, "b");
        Task.CompletedTask.Forget(log, "c");
        Task.FromCanceled(new CancellationToken(true)).Forget(log, "d");

        succeed.SetResult();
        cancel.SetCanceled();
        await Task.WhenAll(succeed.Task, Task.WhenAny(cancel.Task));

        // Forget's continuation runs only on a fault; for these it is cancelled, never run.
        Assert.Empty(log.Entries);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        // A bounded poll: the limit only fails a broken build, nothing depends on how long the wait took.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(10);
        }
    }

    internal sealed class RecordingLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Message, Exception? Exception)> _entries = [];

        public IReadOnlyList<(LogLevel Level, string Message, Exception? Exception)> Entries
        {
            get { lock (_entries) { return [.. _entries]; } }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((logLevel, formatter(state, exception), exception));
            }
        }
    }
}
