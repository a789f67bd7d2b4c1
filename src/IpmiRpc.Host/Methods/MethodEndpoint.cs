using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Methods.FanOut;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary>
/// The object StreamJsonRpc invokes for one method name. Params arrive as one JSON object (so binding never fails
/// inside StreamJsonRpc with its own error data) and are bound by the method's declaration (unknown names refused);
/// the common <c>timeoutMs</c> becomes a deadline whose expiry is reported as -32004, <c>dryRun</c> reaches the call.
/// A request that talks to a BMC first waits for its turn in that BMC's write order (<see cref="RequestTickets"/>),
/// within the same deadline. On a method declared <see cref="RpcMethodAttribute.FanOut"/>, <c>targets</c> runs the
/// same call on many targets (<see cref="FanOutSweep"/>): the one place fan-out is done, for every such method.
/// </summary>
/// <param name="progressOf">The sink for a forwarded request's progress, by its internal id.</param>
/// <param name="progress">The sink for a direct call's progress (<see cref="InvokeAsync"/>), if it can be told progress.</param>
/// <param name="resolvesTargetOnCallerThread">A one-shot <c>ipmirpc call</c> (<see cref="RpcCall.ResolveTargetAsync"/>).</param>
internal sealed class MethodEndpoint(MethodDeclaration declaration, HostContext host, Func<long, IProgressSink?>? progressOf = null, Func<IProgressSink?>? progress = null,
    bool resolvesTargetOnCallerThread = false)
{
    public const int MaxTimeoutMs = 3_600_000;

    public string Name => declaration.Name;

    /// <summary>
    /// StreamJsonRpc's entry as registered: a request as the guard forwarded it, with its place in its BMC's order.
    /// <see cref="IpmiJsonRpc"/> calls <see cref="RunAsync"/> instead (no task when the answer is there at once).
    /// </summary>
    public Task<object?> DispatchAsync(ForwardedRequest request, CancellationToken cancellationToken = default) =>
        RunAsync(request, cancellationToken).AsTask();

    /// <summary>A forwarded request, run.</summary>
    internal ValueTask<object?> RunAsync(ForwardedRequest request, CancellationToken cancellationToken) =>
        InvokeAsync(request.Params, request.TakeTurn(), request.InternalId, cancellationToken);

    /// <summary>A call made in the process (<c>ipmirpc call</c>, MCP): no place in a BMC's order to wait for.</summary>
    public Task<object?> InvokeAsync(JToken? @params = null, CancellationToken cancellationToken = default) =>
        InvokeAsync(@params, taken: null, requestId: null, cancellationToken).AsTask();

    private async ValueTask<object?> InvokeAsync(JToken? @params, BmcOrdering.Ticket? taken, long? requestId, CancellationToken cancellationToken)
    {
        // First, before anything can throw, so the place is released however the request ends.
        using var turn = taken;
        var values = @params switch
        {
            null or { Type: JTokenType.Null } => [],
            JObject obj => obj,
            _ => throw new RpcParamException("params", "must be an object of named parameters"),
        };
        var reader = new ParamReader(values);
        var timeoutMs = reader.OptionalInt(MethodDeclaration.TimeoutParam, 1, MaxTimeoutMs);
        var dryRun = declaration.Attribute.Mutating && (reader.OptionalBool(MethodDeclaration.DryRunParam) ?? false);
        if (declaration.Attribute.Mutating && declaration.Attribute.FanOut)
        {
            // Checked on every call, not only a fan-out: a mistyped flag is -32602 whether or not targets is given.
            _ = reader.OptionalBool(MethodDeclaration.AllowFanOutWritesParam);
        }

        if (declaration.Attribute.FanOut && values.ContainsKey(MethodDeclaration.TargetsParam))
        {
            var sink = requestId is { } id ? progressOf?.Invoke(id) : progress?.Invoke();
            return await FanOutAsync(values, reader, timeoutMs, dryRun, sink, cancellationToken).ConfigureAwait(false);
        }

        return await RunOneAsync(values, reader, timeoutMs, dryRun, turn, resolveTarget: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One call to one target, within <paramref name="timeoutMs"/> (answered -32004 when it runs out).</summary>
    private async ValueTask<object?> RunOneAsync(JObject values, ParamReader reader, int? timeoutMs, bool dryRun, BmcOrdering.Ticket? turn,
        Func<IpmiTarget>? resolveTarget, CancellationToken cancellationToken)
    {
        // Without timeoutMs the request's own token is the deadline: no linked source to register on every request.
        using var deadline = timeoutMs is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline?.CancelAfter(timeoutMs!.Value);
        var deadlineToken = deadline?.Token ?? cancellationToken;
        var call = new RpcCall(Name, reader, host, deadlineToken, resolveTarget) { DryRun = dryRun };
        try
        {
            if (turn is not null)
            {
                await turn.WaitAsync(deadlineToken).ConfigureAwait(false);
            }

            if (declaration.Attribute.TakesTarget)
            {
                // The given target or the default one (--targets "default" entry): either may name a passwordFile.
                await call.ResolveTargetAsync(deadlineToken, onThisThread: resolvesTargetOnCallerThread && resolveTarget is null).ConfigureAwait(false);
            }

            return await declaration.InvokeAsync(call, values).ConfigureAwait(false);
        }
        catch (Exception ex) when (timeoutMs is not null && deadlineToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                   && ex is OperationCanceledException or IpmiTimeoutException)
        {
            throw new IpmiTimeoutException(
                $"No answer within timeoutMs ({timeoutMs} ms)", timeoutMs.Value, call.ResolvedTarget?.Retries ?? 0);
        }
    }

    /// <summary>
    /// <c>targets</c>: the params are checked once (a bad one fails the call, not every target), then each target runs
    /// the same params with its own <c>timeoutMs</c> deadline. A method that changes BMCs needs
    /// <c>allowFanOutWrites: true</c> unless it is a dry run.
    /// </summary>
    private async Task<object?> FanOutAsync(JObject values, ParamReader reader, int? timeoutMs, bool dryRun, IProgressSink? sink, CancellationToken cancellationToken)
    {
        if (values.ContainsKey(MethodDeclaration.TargetParam))
        {
            throw new RpcParamException(MethodDeclaration.TargetsParam, "give either target or targets, not both");
        }

        var allowWrites = declaration.Attribute.Mutating && (reader.OptionalBool(MethodDeclaration.AllowFanOutWritesParam) ?? false);
        if (declaration.AccessOf(values) == BmcAccess.Write && !dryRun && !allowWrites)
        {
            throw new RpcParamException(MethodDeclaration.AllowFanOutWritesParam,
                $"{Name} changes BMCs: sending it to many targets needs allowFanOutWrites: true (or dryRun: true)");
        }

        var perTarget = (JObject)values.DeepClone();
        perTarget.Remove(MethodDeclaration.TargetsParam);
        declaration.Validate(perTarget);
        var targets = host.Targets.ExpandTargets(values[MethodDeclaration.TargetsParam], MethodDeclaration.TargetsParam,
            host.FanOut.MaxTargets, namesOnly: false);
        var perTargetReader = new ParamReader(perTarget);
        var serializer = RpcSerializer.Create();
        var errors = new ErrorMapper(serializer, host.LoggerFactory.CreateLogger("IpmiRpc.Host.FanOut"));
        // Each call's place in its BMC's order, taken now and in input order: a fan-out write waits for earlier
        // requests to that BMC and later ones wait for it, as they would for the same writes sent one by one.
        var access = declaration.AccessOf(values);
        var turns = new Dictionary<SweepTarget, Queue<BmcOrdering.Ticket>>(ReferenceEqualityComparer.Instance);
        foreach (var target in targets)
        {
            if (access != BmcAccess.None && host.Targets.BmcOf(target.Spec) is { } bmc)
            {
                if (!turns.TryGetValue(target, out var queue))
                {
                    turns[target] = queue = new Queue<BmcOrdering.Ticket>();
                }

                queue.Enqueue(host.Ordering.Enter(bmc, access == BmcAccess.Write));
            }
        }

        BmcOrdering.Ticket? TurnOf(SweepTarget target)
        {
            lock (turns)
            {
                return turns.TryGetValue(target, out var queue) && queue.TryDequeue(out var ticket) ? ticket : null;
            }
        }

        try
        {
            return await new FanOutSweep(host, errors, serializer, Name).RunAsync(
                targets,
                async (target, ct) =>
                {
                    using var turn = TurnOf(target);
                    return await RunOneAsync(perTarget, perTargetReader, timeoutMs, dryRun, turn, () => host.Targets.Parse(target.Spec), ct).ConfigureAwait(false);
                },
                sink,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Places of calls a cancelled sweep never started.
            foreach (var ticket in turns.Values.SelectMany(q => q))
            {
                ticket.Dispose();
            }
        }
    }
}
