using System.Collections.Concurrent;

namespace IpmiRpc.Transports.OpenIpmi;

/// <summary>
/// Requests in flight on one device fd, keyed by the msgid the kernel echoes back. A reply for an id nobody waits
/// for any more (timed out, cancelled) is dropped.
/// </summary>
internal sealed class PendingReplies
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<DeviceReply>> _waiting = new();
    private long _lastId;

    public int Count => _waiting.Count;

    /// <summary>Allocates a msgid unique for this fd's lifetime and the task its reply completes.</summary>
    public (long MsgId, Task<DeviceReply> Reply) Register()
    {
        var id = Interlocked.Increment(ref _lastId);
        var tcs = new TaskCompletionSource<DeviceReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = tcs;
        return (id, tcs.Task);
    }

    /// <summary>Hands the reply to its waiter; false when no one waits for that msgid.</summary>
    public bool TryComplete(DeviceReply reply) =>
        _waiting.TryRemove(reply.MsgId, out var tcs) && tcs.TrySetResult(reply);

    public void Forget(long msgId) => _waiting.TryRemove(msgId, out _);

    public void FailAll(Exception error)
    {
        foreach (var id in _waiting.Keys)
        {
            if (_waiting.TryRemove(id, out var tcs))
            {
                tcs.TrySetException(error);
            }
        }
    }
}
