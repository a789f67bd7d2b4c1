using System.Collections.Concurrent;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Host.Tests;

/// <summary>
/// An in-memory transport: answers with <see cref="Responder"/>, records what the host did to it (opens, closes,
/// disposal, the targets it was given) so tests can check pooling and shutdown.
/// </summary>
internal sealed class FakeTransport(string name = IpmiTarget.LanPlus) : IIpmiTransport, IAsyncDisposable
{
    private int _opened;
    private int _closed;

    public string Name { get; } = name;

    public Func<IpmiRequest, CancellationToken, Task<IpmiResponse>> Responder { get; set; } =
        (_, _) => Task.FromResult(new IpmiResponse(0, new byte[] { 0x01 }));

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    public bool Disposed { get; private set; }

    public ConcurrentQueue<IpmiTarget> Targets { get; } = new();

    public ConcurrentQueue<IpmiRequest> Requests { get; } = new();

    public Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _opened);
        Targets.Enqueue(target);
        return Task.FromResult<IIpmiSession>(new Session(this));
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private sealed class Session(FakeTransport owner) : IIpmiSession
    {
        private bool _closed;

        public bool IsUsable => !_closed;

        public async Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken)
        {
            owner.Requests.Enqueue(request);
            return await owner.Responder(request, cancellationToken);
        }

        public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?> { ["fake"] = true };

        public ValueTask DisposeAsync()
        {
            _closed = true;
            Interlocked.Increment(ref owner._closed);
            return ValueTask.CompletedTask;
        }
    }
}
