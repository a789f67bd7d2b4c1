using System.Reflection;
using IpmiRpc.Host.Methods;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// StreamJsonRpc with every method exception shaped by <see cref="ErrorMapper"/> (no stack traces in data). JsonRpc
/// reads, finds the method, tracks cancellation and writes as always; only the last step of a request the guard
/// forwarded to one of the host's endpoints is ours (<see cref="DispatchRequestAsync"/>).
/// </summary>
internal sealed class IpmiJsonRpc(IJsonRpcMessageHandler handler, ErrorMapper errors) : JsonRpc(handler)
{
    private static readonly MethodInfo EndpointEntry = typeof(MethodEndpoint).GetMethod(nameof(MethodEndpoint.DispatchAsync))!;

    private readonly Dictionary<string, MethodEndpoint> _endpoints = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="endpoint"/> under its method name (before listening starts).</summary>
    public void AddEndpoint(MethodEndpoint endpoint)
    {
        AddLocalRpcMethod(EndpointEntry, endpoint, new JsonRpcMethodAttribute(endpoint.Name) { UseSingleObjectParameterDeserialization = true });
        _endpoints.Add(endpoint.Name, endpoint);
    }

    /// <summary>
    /// JsonRpc's own last step invokes the method by reflection after a post to its synchronization context: an
    /// argument array, a boxed token, a synchronization-context awaiter and two state machines per request. A
    /// request the guard forwarded to one of our endpoints is instead started where JsonRpc would start it (posted to
    /// <see cref="JsonRpc.SynchronizationContext"/> if set, else queued to the thread pool as itself) and completes as
    /// itself (<see cref="ForwardedRequest"/>), with the same answers: the result, JsonRpc's cancellation answer, or
    /// the error <see cref="CreateErrorDetails"/> makes. Anything else takes JsonRpc's path.
    /// </summary>
    protected override ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        if (request is ForwardedRequest forwarded && targetMethod.TargetMethodInfo == EndpointEntry
            && _endpoints.TryGetValue(forwarded.Method!, out var endpoint))
        {
            return forwarded.RunAsync(endpoint, this, SynchronizationContext, cancellationToken);
        }

        return base.DispatchRequestAsync(request, targetMethod, cancellationToken);
    }

    protected override JsonRpcError.ErrorDetail CreateErrorDetails(JsonRpcRequest request, Exception exception)
    {
        var error = errors.Map(exception, request.Method ?? "");
        return new JsonRpcError.ErrorDetail
        {
            Code = (JsonRpcErrorCode)error.Code,
            Message = error.Message,
            Data = new TrustedErrorData(error.Data),
        };
    }

    /// <summary>What JsonRpc answers a method that returned <paramref name="result"/>.</summary>
    internal static JsonRpcResult ResultOf(JsonRpcRequest request, object? result) =>
        new() { RequestId = request.RequestId, Result = result, ResultDeclaredType = typeof(object) };

    /// <summary>
    /// What JsonRpc answers a method that failed with <paramref name="exception"/>: the error
    /// <see cref="CreateErrorDetails"/> makes (a cancellation becomes -32800 there, as JsonRpc's own answer to a
    /// cancelled task reads once the guard has written it).
    /// </summary>
    internal JsonRpcError ErrorOf(JsonRpcRequest request, Exception exception) =>
        new() { RequestId = request.RequestId, Error = CreateErrorDetails(request, exception) };
}
