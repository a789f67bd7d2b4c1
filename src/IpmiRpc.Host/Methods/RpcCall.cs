using System.Runtime.ExceptionServices;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Core.Threading;
using IpmiRpc.Host.Hosting;

namespace IpmiRpc.Host.Methods;

/// <summary>Everything a method implementation needs for one request.</summary>
public sealed class RpcCall
{
    private readonly Func<IpmiTarget>? _resolveTarget;
    private IpmiTarget? _target;
    private ExceptionDispatchInfo? _defaultTargetError;

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

    /// <summary>The <c>target</c> param resolved (object, named target or the default); -32602 on a bad one.</summary>
    public IpmiTarget Target
    {
        get
        {
            _defaultTargetError?.Throw();
            return _target ??= _resolveTarget?.Invoke() ?? Host.Targets.Resolve(Params.Get("target"), "target");
        }
    }

    /// <summary>
    /// Resolves the target ahead of the method, reading any passwordFile/kgFile: on the thread pool, within
    /// <paramref name="deadline"/>, never on the dispatcher's thread that every other request of the connection waits
    /// behind. A given <c>target</c> that is bad fails the request here; the default target's problem is kept until
    /// the method uses <see cref="Target"/> (<c>sessions.close</c> without a target never does).
    /// </summary>
    /// <param name="onThisThread">
    /// A one-shot <c>ipmirpc call</c>: a target that needs no file read is resolved on this thread (nothing there can
    /// block, and no other request waits behind it), without the hop to the thread pool on the way to the first datagram.
    /// </param>
    internal async Task ResolveTargetAsync(CancellationToken deadline, bool onThisThread = false)
    {
        var given = NamesTarget;
        if (onThisThread && _resolveTarget is null)
        {
            deadline.ThrowIfCancellationRequested();
            try
            {
                if (Host.Targets.TryResolveWithoutFileReads(Params.Get("target"), out var resolved))
                {
                    _target = resolved;
                    return;
                }
            }
            catch (Exception ex) when (!given)
            {
                // As below: the default target's problem waits until the method uses it.
                _defaultTargetError = ExceptionDispatchInfo.Capture(ex);
                return;
            }
        }

        if (_resolveTarget is null && Host.Targets.TryResolveRemembered(Params.Get("target"), out var remembered, readOnly: true))
        {
            // Resolved before and nothing to read: no trip through the thread pool.
            _target = remembered;
            return;
        }

        var resolve = Task.Run(() => _resolveTarget?.Invoke() ?? Host.Targets.Resolve(Params.Get("target"), "target"), deadline);
        try
        {
            _target = await resolve.WaitAsync(deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!resolve.IsCompleted)
        {
            // Past the deadline while a secret file still blocks: the request fails now; the read ends on its own.
            resolve.Abandon();
            throw;
        }
        catch (Exception ex) when (!given && resolve.IsFaulted)
        {
            _defaultTargetError = ExceptionDispatchInfo.Capture(ex);
        }
    }

    /// <summary>Whether the call names its target (a <c>target</c> param, or one target of a fan-out) rather than the default.</summary>
    internal bool NamesTarget => _resolveTarget is not null || Params.Has("target");

    /// <summary>The target if it has been resolved already (for error details), without resolving it.</summary>
    internal IpmiTarget? ResolvedTarget => _target;

    /// <summary>Sends requests to <see cref="Target"/> over the session pool.</summary>
    public IpmiSend Send => Host.SendFor(Target);
}
