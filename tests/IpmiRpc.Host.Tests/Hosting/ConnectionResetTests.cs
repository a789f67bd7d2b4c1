using System.Collections.Concurrent;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>Issue 20: every client disconnect was logged at error level with a stack trace; a reset is how connections end.</summary>
public sealed class ConnectionResetTests
{
    [Fact]
    public async Task A_reset_connection_is_logged_as_information_without_an_exception()
    {
        var provider = new RecordingProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        var context = new HostContext([new FakeTransport()], new TargetResolver(), OpenRpcDocument.Generated, factory);
        using var output = new MemoryStream();
        await new RpcServer(context).ServeConnectionAsync(new ResettingStream(), output).WaitAsync(HostHarness.DefaultWait);

        Assert.DoesNotContain(provider.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains(provider.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("closed the connection", StringComparison.Ordinal) && e.Exception is null);
        await context.DisposeAsync();
    }

    private sealed class ResettingStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("Connection reset by peer");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException<int>(new IOException("Connection reset by peer"));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal sealed record Entry(LogLevel Level, string Message, Exception? Exception);

    private sealed class RecordingProvider : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Recorder(Entries);

        public void Dispose()
        {
        }

        private sealed class Recorder(ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(logLevel, formatter(state, exception), exception));
        }
    }
}
