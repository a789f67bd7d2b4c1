using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

/// <summary>
/// What StreamJsonRpc costs by itself, with the host's setup (JsonMessageFormatter, one method taking the params
/// object as its one argument, a small result): the floor under the host's per-request allocations and rate while it
/// keeps JsonRpc's dispatch. 1,000 requests per operation, all written at once like scenario 6's batch.
/// </summary>
[MemoryDiagnoser]
public class StreamJsonRpcFloorBenchmarks
{
    public const int Requests = 1000;

    private static readonly JObject Params = JObject.Parse(
        "{\"target\":{\"host\":\"127.0.0.1\",\"port\":623,\"username\":\"ipmiusr\",\"passwordEnv\":\"IPMI_PASSWORD\",\"cipherSuite\":3}}");

    private FeedHandler _feed = null!;
    private JsonRpc _dispatchOnly = null!;
    private Pipe _requests = null!;
    private Pipe _responses = null!;
    private JsonRpc _withFormatter = null!;
    private byte[] _requestLines = null!;
    private long _nextId;

    [GlobalSetup]
    public void Setup()
    {
        _feed = new FeedHandler();
        _dispatchOnly = new JsonRpc(_feed);
        AddMethod(_dispatchOnly);
        _dispatchOnly.StartListening();

        _requests = new Pipe();
        _responses = new Pipe();
        _withFormatter = new JsonRpc(new NewLineDelimitedMessageHandler(_responses.Writer, _requests.Reader, new JsonMessageFormatter()));
        AddMethod(_withFormatter);
        _withFormatter.StartListening();
        var lines = new StringBuilder();
        for (var i = 0; i < Requests; i++)
        {
            lines.Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(i + 1).Append(",\"method\":\"bmc.getDeviceId\",\"params\":").Append(Params.ToString(Newtonsoft.Json.Formatting.None)).Append("}\n");
        }

        _requestLines = Encoding.UTF8.GetBytes(lines.ToString());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dispatchOnly.Dispose();
        _withFormatter.Dispose();
    }

    private static void AddMethod(JsonRpc rpc) =>
        rpc.AddLocalRpcMethod(typeof(TrivialMethod).GetMethod(nameof(TrivialMethod.InvokeAsync))!, new TrivialMethod(),
            new JsonRpcMethodAttribute("bmc.getDeviceId") { UseSingleObjectParameterDeserialization = true });

    /// <summary>Requests handed to JsonRpc as objects (as the guard does) and its answers taken as objects: dispatch alone.</summary>
    [Benchmark(Description = "StreamJsonRpc dispatch alone, 1,000 requests", OperationsPerInvoke = Requests)]
    public Task DispatchOnly()
    {
        var done = _feed.Expect(Requests);
        for (var i = 0; i < Requests; i++)
        {
            _feed.Feed(new JsonRpcRequest { RequestId = new RequestId(++_nextId), Method = "bmc.getDeviceId", ArgumentsList = [Params] });
        }

        return done;
    }

    /// <summary>Plain StreamJsonRpc: newline-delimited text in, its JsonMessageFormatter parsing and writing, text out.</summary>
    [Benchmark(Description = "StreamJsonRpc with its JsonMessageFormatter over pipes, 1,000 requests", OperationsPerInvoke = Requests)]
    public async Task WithFormatter()
    {
        await _requests.Writer.WriteAsync(_requestLines);
        var answered = 0;
        while (answered < Requests)
        {
            var result = await _responses.Reader.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                answered += segment.Span.Count((byte)'\n');
            }

            _responses.Reader.AdvanceTo(result.Buffer.End);
        }
    }

    public sealed class TrivialMethod
    {
        private static readonly Task<object?> Answer = Task.FromResult<object?>(new { deviceId = 32, firmware = "9.8" });

        public Task<object?> InvokeAsync(JToken? @params = null, CancellationToken cancellationToken = default) =>
            @params is null ? Task.FromResult<object?>(null) : Answer;
    }

    /// <summary>An in-memory message handler: requests go in as objects, answers are counted.</summary>
    private sealed class FeedHandler : IJsonRpcMessageHandler
    {
        private readonly Channel<JsonRpcMessage> _inbound = Channel.CreateUnbounded<JsonRpcMessage>(new UnboundedChannelOptions { SingleReader = true });
        private TaskCompletionSource _done = new();
        private int _remaining;

        public bool CanRead => true;

        public bool CanWrite => true;

        public IJsonRpcMessageFormatter Formatter { get; } = new JsonMessageFormatter();

        public Task Expect(int count)
        {
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _remaining = count;
            return _done.Task;
        }

        public void Feed(JsonRpcMessage message) => _inbound.Writer.TryWrite(message);

        public async ValueTask<JsonRpcMessage?> ReadAsync(CancellationToken cancellationToken)
        {
            while (await _inbound.Reader.WaitToReadAsync(cancellationToken))
            {
                if (_inbound.Reader.TryRead(out var message))
                {
                    return message;
                }
            }

            return null;
        }

        public ValueTask WriteAsync(JsonRpcMessage jsonRpcMessage, CancellationToken cancellationToken)
        {
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }
}
