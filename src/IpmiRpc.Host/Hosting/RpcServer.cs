using System.Diagnostics;
using System.IO.Pipelines;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Protocol;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// One JSON-RPC connection over a pair of streams (stdin/stdout in production, in-memory in tests): the reader and
/// guard in front, StreamJsonRpc dispatching the methods of <see cref="MethodRegistry"/>, one serialized writer.
/// </summary>
public sealed class RpcServer(HostContext host, ServerOptions? options = null)
{
    private readonly ServerOptions _options = options ?? new ServerOptions();
    private readonly ILogger _logger = host.LoggerFactory.CreateLogger("IpmiRpc.Host.RpcServer");

    /// <summary>
    /// Serves until <paramref name="input"/> ends or <paramref name="stopReading"/> fires, then finishes the requests
    /// in flight, closes every pooled session (disposing <see cref="HostContext"/>) and returns the exit code (0).
    /// </summary>
    public async Task<int> RunAsync(Stream input, Stream output, CancellationToken stopReading = default)
    {
        await ServeConnectionAsync(input, output, stopReading).ConfigureAwait(false);
        await host.DisposeAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Serves one connection until its input ends or <paramref name="stopReading"/> fires and the requests in flight
    /// are answered. Leaves <see cref="HostContext"/> (and its pooled sessions) alone: the socket server shares one
    /// context across many connections.
    /// </summary>
    public async Task ServeConnectionAsync(Stream input, Stream output, CancellationToken stopReading = default)
    {
        var serializer = RpcSerializer.Create();
        using var writer = new MessageWriter(output);
        using var formatter = new JsonMessageFormatter();
        var table = MethodRegistry.RegisterAll(new MethodTable());
        var tickets = new RequestTickets(host);
        var handler = new GuardedMessageHandler(writer, formatter, serializer, _logger, table.Contains) { Tickets = tickets };
        using var rpc = new IpmiJsonRpc(handler, new ErrorMapper(serializer, _logger));
        rpc.TraceSource = new TraceSource("StreamJsonRpc", _logger.IsEnabled(LogLevel.Trace) ? SourceLevels.Warning : SourceLevels.Off);
        rpc.TraceSource.Listeners.Clear();
        rpc.TraceSource.Listeners.Add(new LoggerTraceListener(_logger));

        var invoke = typeof(MethodEndpoint).GetMethod(nameof(MethodEndpoint.InvokeAsync))!;
        foreach (var (name, method) in table.All)
        {
            rpc.AddLocalRpcMethod(invoke, new MethodEndpoint(name, method, host, tickets), new JsonRpcMethodAttribute(name) { UseSingleObjectParameterDeserialization = true });
        }

        rpc.StartListening();

        var pipe = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var reader = new MessageReader(pipe, _options.Framing, _options.MaxMessageBytes);
        var readLoop = ReadLoopAsync(reader, writer, handler, stopReading);
        var stopped = Task.Delay(Timeout.Infinite, stopReading);
        // rpc.Completion only ends early if StreamJsonRpc itself broke; then stop rather than read into the void.
        await Task.WhenAny(readLoop, stopped, rpc.Completion).ConfigureAwait(false);
        if (rpc.Completion.IsCompleted && !readLoop.IsCompleted)
        {
            _logger.LogError(rpc.Completion.Exception, "The JSON-RPC dispatcher stopped unexpectedly");
        }
        if (readLoop.IsFaulted)
        {
            _logger.LogError(readLoop.Exception, "Reading input failed");
        }

        _logger.LogDebug("Input ended; waiting for {Count} requests in flight", handler.InFlight);
        handler.CompleteInput();
        await Task.WhenAny(handler.Drained, rpc.Completion).ConfigureAwait(false);
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

    private async Task ReadLoopAsync(MessageReader reader, MessageWriter writer, GuardedMessageHandler handler, CancellationToken stopReading)
    {
        try
        {
            if (!await reader.DetectAsync(stopReading).ConfigureAwait(false))
            {
                return;
            }

            writer.Framing = reader.Framing;
            _logger.LogDebug("Framing: {Framing}", reader.Framing);
            await foreach (var message in reader.ReadAllAsync(stopReading).ConfigureAwait(false))
            {
                await handler.AcceptAsync(message).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopReading.IsCancellationRequested)
        {
        }
    }

    private sealed class LoggerTraceListener(ILogger logger) : TraceListener
    {
        public override void Write(string? message) => logger.LogTrace("{Message}", message);

        public override void WriteLine(string? message) => logger.LogTrace("{Message}", message);
    }
}
