using Microsoft.Extensions.Logging;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// Creates the real provider on the first entry written, not at start: the console provider starts a writer thread
/// when it is built, and most runs of <c>ipmirpc call</c> write no log line at all. Scopes are not kept (the stderr
/// formatter prints none).
/// </summary>
internal sealed class DeferredLoggerProvider(Func<ILoggerProvider> create) : ILoggerProvider
{
    private readonly Lazy<ILoggerProvider> _inner = new(create);

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(_inner, categoryName);

    public void Dispose()
    {
        if (_inner.IsValueCreated)
        {
            _inner.Value.Dispose();
        }
    }

    private sealed class DeferredLogger(Lazy<ILoggerProvider> provider, string category) : ILogger
    {
        private ILogger? _logger;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                (_logger ??= provider.Value.CreateLogger(category)).Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
