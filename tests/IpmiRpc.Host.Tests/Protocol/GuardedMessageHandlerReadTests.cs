using System.IO.Pipelines;
using System.Text;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using StreamJsonRpc;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// What StreamJsonRpc's read loop gets from the guard (<see cref="GuardedMessageHandler.ReadAsync"/>): forwarded
/// requests in input order, whether the read was waiting or not; a waiting read fails when its token is cancelled;
/// null once outbound is complete.
/// </summary>
public sealed class GuardedMessageHandlerReadTests : IDisposable
{
    private readonly Pipe _output = new();
    private readonly MessageWriter _writer;
    private readonly JsonMessageFormatter _formatter = new();
    private readonly GuardedMessageHandler _handler;

    public GuardedMessageHandlerReadTests()
    {
        _writer = new MessageWriter(_output.Writer.AsStream());
        _handler = new GuardedMessageHandler(_writer, _formatter, RpcSerializer.Create(), NullLogger.Instance, MethodCatalog.All.ContainsKey);
    }

    public void Dispose()
    {
        _writer.Dispose();
        _formatter.Dispose();
    }

    private Task SendAsync(int id) =>
        _handler.AcceptAsync(new FramedMessage(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"sessions.list\"}}"), null));

    [Fact]
    public async Task Requests_come_in_input_order_whether_the_read_waited_or_not()
    {
        var waiting = _handler.ReadAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        await SendAsync(1);
        var first = Assert.IsType<ForwardedRequest>(await waiting.AsTask().WaitAsync(DefaultWait));

        await SendAsync(2);
        await SendAsync(3);
        var second = Assert.IsType<ForwardedRequest>(await _handler.ReadAsync(CancellationToken.None).AsTask().WaitAsync(DefaultWait));
        var third = Assert.IsType<ForwardedRequest>(await _handler.ReadAsync(CancellationToken.None).AsTask().WaitAsync(DefaultWait));

        // Internal ids follow input order.
        Assert.True(first.InternalId < second.InternalId && second.InternalId < third.InternalId);
        for (var round = 0; round < 50; round++)
        {
            var next = _handler.ReadAsync(CancellationToken.None);
            await SendAsync(100 + round);
            Assert.Equal("sessions.list", Assert.IsType<ForwardedRequest>(await next.AsTask().WaitAsync(DefaultWait)).Method);
        }
    }

    [Fact]
    public async Task A_waiting_read_fails_when_its_token_is_cancelled_and_so_does_the_next()
    {
        using var disconnected = new CancellationTokenSource();
        var waiting = _handler.ReadAsync(disconnected.Token);
        Assert.False(waiting.IsCompleted);
        await disconnected.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask().WaitAsync(DefaultWait));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _handler.ReadAsync(disconnected.Token).AsTask().WaitAsync(DefaultWait));
    }

    [Fact]
    public async Task A_waiting_read_ends_with_null_once_outbound_is_complete()
    {
        var waiting = _handler.ReadAsync(CancellationToken.None);
        _handler.CompleteOutbound();
        Assert.Null(await waiting.AsTask().WaitAsync(DefaultWait));
        Assert.Null(await _handler.ReadAsync(CancellationToken.None).AsTask().WaitAsync(DefaultWait));
    }
}
