using System.Diagnostics;
using System.IO.Pipelines;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// One JSON-RPC connection over a pair of streams (stdin/stdout in production, in-memory in tests): the reader and
/// guard in front, StreamJsonRpc dispatching the methods of <see cref="MethodCatalog"/>, one serialized writer.
/// </summary>
public sealed class RpcServer(HostContext host, ServerOptions? options = null)
{
    private readonly ServerOptions _options = options ?? new ServerOptions();
    private readonly ILogger _logger = host.LoggerFactory.CreateLogger("IpmiRpc.Host.RpcServer");

    /// <summary>
    /// Serves until <paramref name="input"/> ends (then finishes the requests in flight) or <paramref name="stop"/>
    /// fires (then cancels them), closes every pooled session (disposing <see cref="HostContext"/>; after a stop
    /// within <see cref="ServerOptions.ShutdownGrace"/>) and returns the exit code (0).
    /// </summary>
    /// <remarks>
    /// The input is read by a thread of its own (<see cref="DedicatedReader"/>) and the answers are written by the
    /// thread that finished the request: a sequential request then wakes the reader when its line arrives and a
    /// transport thread when the BMC answers, and no other thread.
    /// </remarks>
    public async Task<int> RunAsync(Stream input, Stream output, CancellationToken stop = default)
    {
        await ServeAsync(input, output, stop, connectionLost: default, ownThreads: true).ConfigureAwait(false);
        await CloseSessionsAsync(host, stop.IsCancellationRequested ? _options.ShutdownGrace : Timeout.InfiniteTimeSpan, _logger).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Disposes the context (IPMI Close Session for every pooled session), giving up after <paramref name="grace"/>.</summary>
    internal static async Task CloseSessionsAsync(HostContext host, TimeSpan grace, ILogger logger)
    {
        try
        {
            await host.DisposeAsync().AsTask().WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Sessions still closing after {Seconds} s: exiting without waiting for them", grace.TotalSeconds);
        }
    }

    /// <summary>
    /// Serves one connection until its input ends and the requests in flight are answered, or until
    /// <paramref name="stop"/> fires (the process is stopping: reading stops and the requests in flight are
    /// cancelled, answered -32800). Leaves <see cref="HostContext"/> (and its pooled sessions) alone: the socket
    /// server shares one context across many connections. When the connection is gone — its output breaks, or
    /// <paramref name="connectionLost"/> fires — reading stops and the requests in flight are cancelled too, since
    /// nobody is left to read their answers.
    /// </summary>
    public Task ServeConnectionAsync(Stream input, Stream output, CancellationToken stop = default, CancellationToken connectionLost = default) =>
        ServeAsync(input, output, stop, connectionLost, ownThreads: false);

    /// <param name="ownThreads">
    /// Read on a dedicated thread with blocking reads and write answers with blocking writes on the thread that has
    /// them (stdio: one client, whose own pipe is all a blocked write can hold up). Connections of the socket server
    /// share the transports' threads with other clients, so they read and write asynchronously.
    /// </param>
    private async Task ServeAsync(Stream input, Stream output, CancellationToken stop, CancellationToken connectionLost, bool ownThreads)
    {
        var serializer = RpcSerializer.Create();
        using var writer = new MessageWriter(output, writeInline: ownThreads);
        using var formatter = new JsonMessageFormatter();
        var tickets = new RequestTickets(host);
        var handler = new GuardedMessageHandler(writer, formatter, serializer, _logger, MethodCatalog.All.ContainsKey, _options) { Tickets = tickets };
        using var rpc = new IpmiJsonRpc(handler, new ErrorMapper(serializer, _logger)) { SynchronizationContext = new InlineDispatchContext() };
        rpc.TraceSource = new TraceSource("StreamJsonRpc", _logger.IsEnabled(LogLevel.Trace) ? SourceLevels.Warning : SourceLevels.Off);
        rpc.TraceSource.Listeners.Clear();
        rpc.TraceSource.Listeners.Add(new LoggerTraceListener(_logger));

        foreach (var declaration in MethodCatalog.All.Values)
        {
            rpc.AddEndpoint(new MethodEndpoint(declaration, host, id => new NotificationProgress(handler, id)));
        }

        rpc.StartListening();

        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(stop, connectionLost, writer.Closed);
        using var onStop = stopAll.Token.Register(handler.CancelInFlight);
        var readLoop = ownThreads
            ? DedicatedReader.Start(input, _options.Framing, _options.MaxMessageBytes, handler.AcceptAsync, framing => UseFraming(writer, framing), stopAll.Token, writer.FlushHeld)
            : ReadLoopAsync(new MessageReader(PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true)), _options.Framing, _options.MaxMessageBytes),
                writer, handler, stopAll.Token);
        var stopped = Task.Delay(Timeout.Infinite, stopAll.Token);
        // rpc.Completion only ends early if StreamJsonRpc itself broke; then stop rather than read into the void.
        await Task.WhenAny(readLoop, stopped, rpc.Completion).ConfigureAwait(false);
        if (rpc.Completion.IsCompleted && !readLoop.IsCompleted)
        {
            _logger.LogError(rpc.Completion.Exception, "The JSON-RPC dispatcher stopped unexpectedly");
        }
        if (readLoop.Exception?.InnerException is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // A client hanging up or resetting its connection is how connections end, not a failure of the host.
            _logger.LogInformation("The client closed the connection: {Reason}", readLoop.Exception.InnerException.Message);
        }
        else if (readLoop.IsFaulted)
        {
            _logger.LogError(readLoop.Exception, "Reading input failed");
        }

        _logger.LogDebug("Input ended; waiting for {Count} requests in flight", handler.InFlight);
        handler.CompleteInput();
        // After a stop the requests in flight are cancelled; one that ignores it must not hold the exit for long.
        var abandon = stopAll.IsCancellationRequested ? Task.Delay(_options.ShutdownGrace, CancellationToken.None) : Task.Delay(Timeout.Infinite, CancellationToken.None);
        await Task.WhenAny(handler.Drained, rpc.Completion, abandon).ConfigureAwait(false);
        handler.CompleteOutbound();
        try
        {
            await rpc.Completion.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "JSON-RPC connection ended with an error");
        }
    }

    /// <summary>A request's progress told as <c>$/progress</c> notifications.</summary>
    private sealed class NotificationProgress(GuardedMessageHandler handler, long requestId) : Methods.FanOut.IProgressSink
    {
        public ValueTask ReportAsync(int done, int total, CancellationToken cancellationToken) =>
            handler.NotifyProgressAsync(requestId, done, total, cancellationToken);
    }

    private async Task ReadLoopAsync(MessageReader reader, MessageWriter writer, GuardedMessageHandler handler, CancellationToken stopReading)
    {
        try
        {
            if (!await reader.DetectAsync(stopReading).ConfigureAwait(false))
            {
                return;
            }

            UseFraming(writer, reader.Framing);
            await foreach (var message in reader.ReadAllAsync(stopReading).ConfigureAwait(false))
            {
                await handler.AcceptAsync(message, stopReading).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested)
        {
        }
    }

    private void UseFraming(MessageWriter writer, Framing framing)
    {
        writer.Framing = framing;
        _logger.LogDebug("Framing: {Framing}", framing);
    }

    private sealed class LoggerTraceListener(ILogger logger) : TraceListener
    {
        public override void Write(string? message) => logger.LogTrace("{Message}", message);

        public override void WriteLine(string? message) => logger.LogTrace("{Message}", message);
    }
}
