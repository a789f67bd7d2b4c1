using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// Requests the guard forwards to the host's endpoints are started by <see cref="IpmiJsonRpc"/> itself (not by
/// JsonRpc's reflection invoke): where JsonRpc would start them, and answered as JsonRpc would answer them.
/// </summary>
public sealed class IpmiJsonRpcTests
{
    private const string Target = "\"target\":{\"host\":\"bmc.test\",\"username\":\"admin\",\"password\":\"pw\"}";

    [Fact]
    public async Task A_forwarded_request_is_started_through_the_synchronization_context_JsonRpc_was_given()
    {
        var context = new CountingContext();
        // Get Device ID data as ipmi_sim's fixture answers it (after the completion code).
        byte[] deviceId = [0x00, 0x03, 0x09, 0x08, 0x02, 0x9F, 0x91, 0x12, 0x00, 0x02, 0x0F, 0x00, 0x00, 0x00, 0x00];
        var transport = new FakeTransport { Responder = (_, _) => Task.FromResult(new IpmiResponse(0, deviceId)) };
        await using var server = Server.Start(context, transport);
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"bmc.getDeviceId\",\"params\":{" + Target + "}}");
        var answer = await server.ReadAsync();
        Assert.Equal(1, (int)answer["id"]!);
        Assert.Equal(0x1291, (int)answer["result"]!["manufacturerId"]!);
        Assert.Equal(1, context.Posts);

        // The session is open now: the whole request may run within the post, its answer handed back as a value.
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"bmc.getDeviceId\",\"params\":{" + Target + "}}");
        var again = await server.ReadAsync();
        Assert.Equal(2, (int)again["id"]!);
        Assert.Equal(0x1291, (int)again["result"]!["manufacturerId"]!);
        Assert.Equal(2, context.Posts);
    }

    [Fact]
    public async Task Results_errors_and_cancellations_of_forwarded_requests_are_answered_as_JsonRpc_answers_them()
    {
        var transport = new FakeTransport();
        var never = new TaskCompletionSource<IpmiResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var hold = false;
        var held = 0;
        transport.Responder = (_, ct) =>
        {
            if (!Volatile.Read(ref hold))
            {
                return Task.FromResult(new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty));
            }

            Interlocked.Increment(ref held);
            return never.Task.WaitAsync(ct);
        };
        await using var server = Server.Start(context: null, transport);

        // A method that throws: the error ErrorMapper makes (an IPMI completion code), with its data.
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"bmc.getDeviceId\",\"params\":{" + Target + "}}");
        var failed = await server.ReadAsync();
        Assert.Equal(2, (int)failed["id"]!);
        Assert.NotNull(failed["error"]?["data"]);
        Assert.NotEqual(-32603, (int)failed["error"]!["code"]!);

        // Refused params: -32602 naming the field.
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"bmc.getDeviceId\",\"params\":{" + Target + ",\"timeoutMs\":\"soon\"}}");
        AssertError(await server.ReadAsync(), -32602, id: 3, field: "timeoutMs");

        // Cancelled while the BMC has not answered: -32800, and the connection keeps serving.
        Volatile.Write(ref hold, true);
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"bmc.getDeviceId\",\"params\":{" + Target + "}}");
        await HostHarness.WaitUntilAsync(() => Volatile.Read(ref held) == 1);
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":4}}");
        AssertError(await server.ReadAsync(), -32800, id: 4);
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"sessions.list\"}");
        var listed = await server.ReadAsync();
        Assert.Equal(5, (int)listed["id"]!);
        Assert.NotNull(listed["result"]);
    }

    /// <summary>Runs every post at once on the posting thread, counting them.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            d(state);
        }
    }

    /// <summary>The guard and IpmiJsonRpc with the host's endpoints, over an output pipe; input handed to the guard.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private readonly Pipe _output = new();
        private readonly MessageWriter _writer;
        private readonly JsonMessageFormatter _formatter = new();
        private readonly IpmiJsonRpc _rpc;
        private readonly HostContext _host;

        private Server(SynchronizationContext? context, FakeTransport transport)
        {
            _writer = new MessageWriter(_output.Writer.AsStream());
            var serializer = RpcSerializer.Create();
            _host = new HostContext([transport], new TargetResolver(), OpenRpcDocument.Generated, NullLoggerFactory.Instance);
            Handler = new GuardedMessageHandler(_writer, _formatter, serializer, NullLogger.Instance, MethodCatalog.All.ContainsKey) { Tickets = new RequestTickets(_host) };
            _rpc = new IpmiJsonRpc(Handler, new ErrorMapper(serializer, NullLogger.Instance)) { SynchronizationContext = context };
            foreach (var declaration in MethodCatalog.All.Values)
            {
                _rpc.AddEndpoint(new MethodEndpoint(declaration, _host));
            }

            _rpc.StartListening();
        }

        public GuardedMessageHandler Handler { get; }

        public static Server Start(SynchronizationContext? context, FakeTransport? transport = null) => new(context, transport ?? new FakeTransport());

        public Task SendAsync(string line) => Handler.AcceptAsync(new FramedMessage(Encoding.UTF8.GetBytes(line), null));

        public async Task<JToken> ReadAsync()
        {
            using var cts = new CancellationTokenSource(DefaultWait);
            while (true)
            {
                var result = await _output.Reader.ReadAsync(cts.Token);
                if (result.Buffer.PositionOf((byte)'\n') is { } end)
                {
                    var text = Encoding.UTF8.GetString(result.Buffer.Slice(0, end).ToArray());
                    _output.Reader.AdvanceTo(result.Buffer.GetPosition(1, end));
                    return JToken.Parse(text);
                }

                _output.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                Assert.False(result.IsCompleted, "output ended");
            }
        }

        public async ValueTask DisposeAsync()
        {
            Handler.CancelInFlight();
            Handler.CompleteInput();
            await Handler.Drained.WaitAsync(DefaultWait);
            Handler.CompleteOutbound();
            _rpc.Dispose();
            _writer.Dispose();
            _formatter.Dispose();
            await _host.DisposeAsync();
        }
    }
}
