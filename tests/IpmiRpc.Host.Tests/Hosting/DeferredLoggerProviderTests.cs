using IpmiRpc.Host.Hosting;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>The console provider (and its writer thread) is built on the first entry written, never before.</summary>
public sealed class DeferredLoggerProviderTests
{
    private sealed class RecordingProvider : ILoggerProvider
    {
        public List<string> Lines { get; } = [];

        public bool Disposed { get; private set; }

        public ILogger CreateLogger(string categoryName) => new Recording(this, categoryName);

        public void Dispose() => Disposed = true;

        private sealed class Recording(RecordingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Add($"{logLevel} {category} {formatter(state, exception)}");
        }
    }

    [Fact]
    public void Loggers_and_filtered_entries_do_not_build_the_provider()
    {
        var built = 0;
        using var factory = new LoggerFactory([], new LoggerFilterOptions { MinLevel = LogLevel.Warning });
        factory.AddProvider(new DeferredLoggerProvider(() =>
        {
            built++;
            return new RecordingProvider();
        }));

        var logger = factory.CreateLogger("IpmiRpc.Test");
        logger.LogInformation("below the level");
        logger.LogDebug("below the level");

        Assert.Equal(0, built);
    }

    [Fact]
    public void The_first_entry_written_builds_the_provider_once_and_reaches_it()
    {
        var built = 0;
        var inner = new RecordingProvider();
        var factory = new LoggerFactory([], new LoggerFilterOptions { MinLevel = LogLevel.Warning });
        factory.AddProvider(new DeferredLoggerProvider(() =>
        {
            built++;
            return inner;
        }));

        var first = factory.CreateLogger("IpmiRpc.First");
        var second = factory.CreateLogger("IpmiRpc.Second");
        first.LogWarning("one {Number}", 1);
        second.LogError("two");
        first.LogCritical("three");
        factory.Dispose();

        Assert.Equal(1, built);
        Assert.Equal(["Warning IpmiRpc.First one 1", "Error IpmiRpc.Second two", "Critical IpmiRpc.First three"], inner.Lines);
        Assert.True(inner.Disposed);
    }
}
