using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Hosting;

namespace IpmiRpc.Host.Methods;

/// <summary>Everything a method implementation needs for one request.</summary>
public sealed class RpcCall
{
    private readonly Func<IpmiTarget>? _resolveTarget;
    private IpmiTarget? _target;

    public RpcCall(string method, ParamReader parameters, HostContext host, CancellationToken cancellationToken)
        : this(method, parameters, host, cancellationToken, resolveTarget: null)
    {
    }

    /// <param name="resolveTarget">One target of a fan-out: resolves it instead of the <c>target</c> param.</param>
    internal RpcCall(string method, ParamReader parameters, HostContext host, CancellationToken cancellationToken, Func<IpmiTarget>? resolveTarget)
    {
        _resolveTarget = resolveTarget;
        Method = method;
        Params = parameters;
        Host = host;
        CancellationToken = cancellationToken;
    }

    public string Method { get; }

    public ParamReader Params { get; }

    public HostContext Host { get; }

    /// <summary>The common <c>dryRun</c> param of a mutating method: plan and report, send no change.</summary>
    public bool DryRun { get; init; }

    /// <summary>Cancelled by <c>$/cancelRequest</c> or when the request's <c>timeoutMs</c> runs out.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The <c>target</c> param resolved (object, named target or the default); -32602 on a bad one. In a fan-out: this call's target.</summary>
    public IpmiTarget Target => _target ??= _resolveTarget?.Invoke() ?? Host.Targets.Resolve(Params.Get("target"), "target");

    /// <summary>Whether the call names its target (a <c>target</c> param, or one target of a fan-out) rather than the default.</summary>
    internal bool NamesTarget => _resolveTarget is not null || Params.Has("target");

    /// <summary>The target if it has been resolved already (for error details), without resolving it.</summary>
    internal IpmiTarget? ResolvedTarget => _target;

    /// <summary>Sends requests to <see cref="Target"/> over the session pool.</summary>
    public IpmiSend Send => Host.SendFor(Target);
}
