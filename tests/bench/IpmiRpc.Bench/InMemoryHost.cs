using System.IO.Pipelines;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Bench;

/// <summary>
/// The real host (guard, StreamJsonRpc, method table, target resolution, session pool) over in-memory pipes, with a
/// transport named "lanplus" that answers every request at once from memory: what is left is the JSON-RPC layer.
/// </summary>
public sealed class InMemoryHost : IAsyncDisposable
{
    // Get Device ID data as ipmi_sim's fixture answers it (after the completion code).
    private static readonly byte[] DeviceId = [0x00, 0x03, 0x09, 0x08, 0x02, 0x9F, 0x91, 0x12, 0x00, 0x02, 0x0F, 0x00, 0x00, 0x00, 0x00];

    private readonly Pipe _requests = new(InMemoryPipes.Options);
    private readonly Pipe _responses = new(InMemoryPipes.Options);
    private readonly ILoggerFactory _loggerFactory;
    private readonly Task<int> _server;

    private InMemoryHost()
    {
        _loggerFactory = HostComposition.CreateLoggerFactory(LogLevel.Warning);
        var resolver = new TargetResolver(environment: name => name == "IPMI_PASSWORD" ? "test" : null);
        Context = new HostContext([new MemoryTransport()], resolver, OpenRpcDocument.Generated, _loggerFactory);
        _server = Task.Run(() => new RpcServer(Context).RunAsync(_requests.Reader.AsStream(), _responses.Writer.AsStream()));
        Client = RpcClient.Over(_requests.Writer.AsStream(), _responses.Reader.AsStream());
    }

    public HostContext Context { get; }

    public RpcClient Client { get; }

    public static InMemoryHost Start() => new();

    public static IpmiResponse Answer(IpmiRequest request) =>
        request is { NetFn: 0x06, Command: 0x01 } ? new IpmiResponse(0, DeviceId) : new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty);

    public async ValueTask DisposeAsync()
    {
        await _requests.Writer.CompleteAsync();
        await _server.WaitAsync(TimeSpan.FromSeconds(10));
        await _responses.Writer.CompleteAsync();
        _loggerFactory.Dispose();
    }

    private sealed class MemoryTransport : IIpmiTransport
    {
        public string Name => "lanplus";

        public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken) =>
            Task.FromResult<IIpmiSession>(new MemorySession());
    }

    private sealed class MemorySession : IIpmiSession
    {
        public bool IsUsable => true;

        public Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken) => Task.FromResult(Answer(request));

        public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?> { ["transport"] = "memory" };

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>
/// The pipes between the bench client and the in-memory host (and the echo responder, so the client's share is
/// measured alike). A pipe's default scheduler runs the side waiting for data on the thread pool: every answer the
/// host flushed woke a pool worker, which then woke the client's reader thread (and likewise for requests) — a hop of
/// the harness's, not the host's (stdio is read and written with blocking calls by the threads that have the data).
/// With BENCH_PIPE_SCHEDULER=inline the flushing thread completes the waiting read itself. Not the default: the
/// host's bytes are the process's less the client's alone against the echo responder, and inline the echo run waits
/// less often than the real one (its answer is there before the client reads), which moves client bytes to the host's
/// side of the subtraction; the default keeps the figure comparable with the earlier passes.
/// </summary>
internal static class InMemoryPipes
{
    public static PipeOptions Options { get; } = Environment.GetEnvironmentVariable("BENCH_PIPE_SCHEDULER") == "inline"
        ? new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false)
        : PipeOptions.Default;
}
