using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Host.Methods;

/// <summary><c>sessions.list</c> / <c>sessions.close</c>: the session pool, without secrets or credential fingerprints.</summary>
public static class SessionMethods
{
    public static Task<object?> ListAsync(RpcCall call)
    {
        var sessions = call.Host.Pool.List().Select(ToDto).ToArray();
        return Task.FromResult<object?>(sessions);
    }

    public static async Task<object?> CloseAsync(RpcCall call)
    {
        Func<PooledSessionInfo, bool>? filter = null;
        if (call.Params.Has("target"))
        {
            var identity = call.Target.Identity;
            filter = s => s.Identity == identity;
        }

        var closed = await call.Host.Pool.CloseAsync(filter).ConfigureAwait(false);
        return new SessionsClosed(closed);
    }

    private static SessionDto ToDto(PooledSessionInfo s) => new(
        s.Id,
        s.Identity.Transport,
        s.Identity.Address,
        s.Identity.Transport == IpmiTarget.LanPlus ? s.Identity.Port : null,
        s.Identity.Username,
        s.Identity.Privilege,
        s.Identity.CipherSuite,
        s.OpenedAt,
        s.LastUsedAt,
        s.RequestCount,
        s.InFlight,
        s.Details);
}

/// <summary>One pooled session as <c>sessions.list</c> shows it.</summary>
public sealed record SessionDto(
    string Id,
    string Transport,
    string Address,
    int? Port,
    string Username,
    PrivilegeLevel Privilege,
    int? CipherSuite,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastUsedAt,
    long RequestCount,
    int InFlight,
    IReadOnlyDictionary<string, object?> Details);

public sealed record SessionsClosed(int Closed);
