using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary>
/// The object StreamJsonRpc invokes for one method name. Params arrive as one JSON object (so binding never fails
/// inside StreamJsonRpc with its own error data); unknown param names are refused against the method's schema; the
/// common <c>timeoutMs</c> becomes a deadline whose expiry is reported as -32004. A request that talks to a BMC first
/// waits for its turn in that BMC's write order (<see cref="RequestTickets"/>), within the same deadline.
/// </summary>
internal sealed class MethodEndpoint(string name, RpcHandler handler, HostContext host, RequestTickets? tickets = null)
{
    public const int MaxTimeoutMs = 3_600_000;

    public string Name { get; } = name;

    public async Task<object?> InvokeAsync(JToken? @params = null, CancellationToken cancellationToken = default)
    {
        // Taken before anything can throw, so the place is released however the request ends.
        using var turn = tickets?.TakeCurrent();
        var values = @params switch
        {
            null or { Type: JTokenType.Null } => [],
            JObject obj => obj,
            _ => throw new Protocol.RpcParamException("params", "must be an object of named parameters"),
        };
        var reader = new ParamReader(values);
        if (host.Schema.ParamNames(Name) is { } allowed)
        {
            foreach (var property in values.Properties())
            {
                if (!allowed.Contains(property.Name))
                {
                    throw new Protocol.RpcParamException(property.Name, "unknown parameter");
                }
            }
        }

        var timeoutMs = reader.OptionalInt("timeoutMs", 1, MaxTimeoutMs);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeoutMs is { } ms)
        {
            deadline.CancelAfter(ms);
        }

        var call = new RpcCall(Name, reader, host, deadline.Token);
        try
        {
            if (turn is not null)
            {
                await turn.WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            return await handler(call).ConfigureAwait(false);
        }
        catch (Exception ex) when (timeoutMs is not null && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                   && ex is OperationCanceledException or IpmiTimeoutException)
        {
            throw new IpmiTimeoutException(
                $"No answer within timeoutMs ({timeoutMs} ms)", timeoutMs.Value, call.ResolvedTarget?.Retries ?? 0);
        }
    }
}
