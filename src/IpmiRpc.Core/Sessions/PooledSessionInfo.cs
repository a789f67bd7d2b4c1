using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sessions;

/// <summary>What <c>sessions.list</c> shows of one pooled session. No secrets.</summary>
public sealed record PooledSessionInfo(
    string Id,
    TargetIdentity Identity,
    DateTimeOffset OpenedAt,
    DateTimeOffset LastUsedAt,
    long RequestCount,
    int InFlight,
    IReadOnlyDictionary<string, object?> Details);
