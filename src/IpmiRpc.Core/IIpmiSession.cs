using IpmiRpc.Core.Targets;

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

/// <summary>A transport family (lanplus, openipmi, cim) that can open sessions to targets it understands.</summary>
public interface IIpmiTransport
{
    /// <summary>The <c>transport</c> value of a target this family serves.</summary>
    string Name { get; }

    /// <summary>Opens (authenticates, if the wire needs it) a session to the target.</summary>
    Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken);
}
