using System.ComponentModel;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Methods;

/// <summary><c>sessions.list</c> / <c>sessions.close</c>: the session pool, without secrets or credential fingerprints.</summary>
public static class SessionMethods
{
    [RpcMethod("sessions.list", "The pooled sessions (no secrets).", ResultName = "sessions", TakesTarget = false)]
    public static Task<SessionDto[]> ListAsync(RpcCall call) =>
        Task.FromResult(call.Host.Pool.List().Select(ToDto).ToArray());

    [RpcMethod("sessions.close", "Close pooled sessions (IPMI Close Session): those of one target, or all when no target is given.", ResultName = "closed")]
    public static async Task<SessionsClosed> CloseAsync(RpcCall call)
    {
        Func<PooledSessionInfo, bool>? filter = null;
        if (call.Params.Has(MethodDeclaration.TargetParam))
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
    [property: Description("lanplus host, openipmi device or cim computer name.")] string Address,
    int? Port,
    string Username,
    PrivilegeLevel Privilege,
    [property: Description("As requested by the target; null = negotiated (see details).")] int? CipherSuite,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastUsedAt,
    long RequestCount,
    int InFlight,
    [property: Description("Transport-specific, secret-free facts (e.g. BMC session id, cipher suite in use).")] IReadOnlyDictionary<string, object?> Details);

public sealed record SessionsClosed(int Closed);
