using System.Collections.Concurrent;
using System.Threading.Channels;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.OpenIpmi.Tests;

/// <summary>
/// Stands in for the kernel queue so the session's multiplexing can be driven deterministically: the test sees each
/// request with its msgid and decides which replies arrive, in which order.
/// </summary>
internal sealed class FakeIpmiDevice : IIpmiDevice
{
    private readonly ConcurrentQueue<DeviceReply> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private volatile bool _woken;
    private volatile Exception? _failWait;

    public string Path => "/dev/fake-ipmi";

    public Channel<(long MsgId, IpmiRequest Request)> Sent { get; } = Channel.CreateUnbounded<(long, IpmiRequest)>();

    /// <summary>How many of the next sends report a full kernel queue.</summary>
    public int BusyCount;

    public bool Disposed { get; private set; }

    public void Send(long msgId, IpmiRequest request)
    {
        if (Disposed)
        {
            throw new ObjectDisposedException(Path);
        }

        if (Interlocked.Decrement(ref BusyCount) >= 0)
        {
            throw new DeviceBusyException();
        }

        Sent.Writer.TryWrite((msgId, request));
    }

    public async Task<(long MsgId, IpmiRequest Request)> NextSentAsync() =>
        await Sent.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    public void Reply(DeviceReply reply)
    {
        _queue.Enqueue(reply);
        _signal.Release();
    }

    public void Answer(long msgId, IpmiRequest request, params byte[] ccAndData) =>
        Reply(new DeviceReply(1, msgId, (byte)(request.NetFn | 1), request.Command, ccAndData));

    public void FailWait(Exception error)
    {
        _failWait = error;
        _signal.Release();
    }

    public bool WaitReadable()
    {
        _signal.Wait();
        if (_failWait is { } error)
        {
            throw error;
        }

        return !_woken;
    }

    public bool TryReceive(out DeviceReply reply) => _queue.TryDequeue(out reply);

    public void Wake()
    {
        _woken = true;
        _signal.Release();
    }

    public void Dispose() => Disposed = true;
}
