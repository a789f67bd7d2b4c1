namespace IpmiRpc.Core;

/// <summary>
/// A live channel to one BMC. Implementations must be safe for many concurrent <see cref="SendAsync"/> calls
/// (they multiplex or serialize as their wire allows) and must honour cancellation.
/// </summary>
public interface IIpmiSession : IAsyncDisposable
{
    /// <summary>Send one request and wait for its response. Throws <see cref="IpmiException"/> subclasses only.</summary>
    Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken);

    /// <summary>False once the session is known dead (closed, BMC forgot it); the pool then drops it.</summary>
    bool IsUsable { get; }

    /// <summary>Secret-free facts for <c>sessions.list</c> (e.g. BMC session id, cipher suite in use).</summary>
    IReadOnlyDictionary<string, object?> Describe();
}
