using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// One request without the JSON-RPC server, for <c>ipmirpc call</c>: the same <see cref="MethodEndpoint"/> (param
/// checks, <c>timeoutMs</c>, unknown params refused), the same <see cref="ErrorMapper"/> and result serializer, and the
/// request-shape answers the guard would give, so the outcome equals what <see cref="RpcServer"/> answers. Skipping
/// StreamJsonRpc (its setup, its reflection over message types, the in-memory streams) saves a large part of a cold start.
/// </summary>
internal static class DirectCall
{
    /// <summary>The <c>result</c> (Error null) or the <c>error</c> of the response the server would send.</summary>
    public readonly record struct Outcome(JToken? Result, RpcError? Error);

    /// <summary>Result types whose contracts are built or being built: the task completes when they are.</summary>
    private static readonly ConcurrentDictionary<Type, Task> Prepared = new();

    /// <summary>Runs <paramref name="method"/> once; leaves <paramref name="host"/> (and its sessions) to the caller.</summary>
    /// <param name="progress">Told the progress of a fan-out (<c>targets</c>), if anyone listens.</param>
    /// <param name="oneShot">
    /// <c>ipmirpc call</c>: the only request of the process, so its target (when no file is read for it) is resolved on
    /// the calling thread instead of the thread pool.
    /// </param>
    public static async Task<Outcome> InvokeAsync(HostContext host, string method, JToken? parameters, CancellationToken cancellationToken,
        Methods.FanOut.IProgressSink? progress = null, bool oneShot = false)
    {
        if (method.Length == 0)
        {
            return Fail(RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "method", "must be a non-empty string"));
        }

        if (parameters is not null && parameters.Type is not (JTokenType.Object or JTokenType.Array or JTokenType.Null))
        {
            return Fail(RpcError.Invalid(JsonRpcErrorCodes.InvalidRequest, "params", "must be an object or an array"));
        }

        if (!MethodCatalog.TryGet(method, out var declaration))
        {
            return Fail(RpcError.Invalid(JsonRpcErrorCodes.MethodNotFound, "method", $"no method named '{method}'"));
        }

        var logger = host.LoggerFactory.CreateLogger("IpmiRpc.Host.Call");
        var serializer = RpcSerializer.Create();
        // The first serialization of a type makes Newtonsoft build its contract by reflection over every member and
        // attribute: in a one-shot `ipmirpc call` that was most of the time between the BMC's answer and the exit. Built
        // on another core while the request goes out and back (once per type; the resolver caches contracts).
        // `ipmirpc call` has usually started this from argv already (CallWarmUp).
        var contracts = Prepared.TryGetValue(declaration.ResultType, out var started)
            ? started
            : Task.Run(() => PrepareResultContracts(declaration.ResultType), CancellationToken.None);
        object? result;
        try
        {
            result = await new MethodEndpoint(declaration, host, progress: () => progress, resolvesTargetOnCallerThread: oneShot).InvokeAsync(parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            return Fail(new ErrorMapper(serializer, logger).Map(ex, method));
        }

        try
        {
            await contracts.ConfigureAwait(false);
            return new Outcome(result is null ? JValue.CreateNull() : JToken.FromObject(result, serializer), null);
        }
        catch (JsonException ex)
        {
            logger.LogError(ex, "Could not serialize the result of {Method}", method);
            return Fail(new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null));
        }
    }

    private static Outcome Fail(RpcError error) => new(null, error);

    /// <summary>
    /// Builds the contracts of <paramref name="resultType"/> on this thread, once per type (Newtonsoft's camel-case
    /// resolver shares its contracts across instances); a caller that finds them claimed gets the task of the thread
    /// building them instead of building them again.
    /// </summary>
    internal static Task PrepareResultContracts(Type resultType)
    {
        if (ClaimResultContracts(resultType) is not { } claim)
        {
            return Prepared[resultType];
        }

        BuildClaimedResultContracts(resultType, claim);
        return claim.Task;
    }

    /// <summary>
    /// Claims the building of <paramref name="resultType"/>'s contracts for the caller, which must then call
    /// <see cref="BuildClaimedResultContracts"/> (or complete the claim) whatever happens; null if another caller has
    /// claimed them. <see cref="CallWarmUp"/> claims them as soon as it knows the method, so the request waits for that
    /// thread instead of starting a thread-pool worker to build them beside it before its first datagram.
    /// </summary>
    internal static TaskCompletionSource? ClaimResultContracts(Type resultType)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return Prepared.TryAdd(resultType, done.Task) ? done : null;
    }

    /// <summary>Builds the contracts claimed by <see cref="ClaimResultContracts"/>, then completes the claim.</summary>
    internal static void BuildClaimedResultContracts(Type resultType, TaskCompletionSource claim)
    {
        try
        {
            PrepareContracts(RpcSerializer.Create().ContractResolver, resultType);
            // The writers' shared state tables (built by reflection over Newtonsoft's token enums on first use), which the
            // result's serialization would otherwise build after the BMC's answer.
            RuntimeHelpers.RunClassConstructor(typeof(JsonWriter).TypeHandle);
        }
        finally
        {
            claim.TrySetResult();
        }
    }

    /// <summary>
    /// Resolves the contract of <paramref name="type"/> and of the declared types it reaches (properties, items, values).
    /// Only a warm-up: whatever fails here fails again, and is reported, when the result is serialized.
    /// </summary>
    internal static void PrepareContracts(IContractResolver resolver, Type type)
    {
        var pending = new Stack<Type>();
        var seen = new HashSet<Type>();
        pending.Push(type);
        try
        {
            while (pending.TryPop(out var next))
            {
                if (!seen.Add(next) || next == typeof(object))
                {
                    continue;
                }

                switch (resolver.ResolveContract(next))
                {
                    case JsonObjectContract obj:
                        foreach (var property in obj.Properties)
                        {
                            if (!property.Ignored && property.PropertyType is { } propertyType)
                            {
                                pending.Push(propertyType);
                            }
                        }

                        break;
                    case JsonArrayContract { CollectionItemType: { } item }:
                        pending.Push(item);
                        break;
                    case JsonDictionaryContract { DictionaryValueType: { } value }:
                        pending.Push(value);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            // Left for the serialization itself to report.
        }
    }
}
