using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary>
/// The object StreamJsonRpc invokes for one method name. Params arrive as one JSON object (so binding never fails
/// inside StreamJsonRpc with its own error data) and are bound by the method's declaration (unknown names refused);
/// the common <c>timeoutMs</c> becomes a deadline whose expiry is reported as -32004, <c>dryRun</c> reaches the call.
/// A request that talks to a BMC first waits for its turn in that BMC's write order (<see cref="RequestTickets"/>),
/// within the same deadline.
/// </summary>
internal sealed class MethodEndpoint(MethodDeclaration declaration, HostContext host, RequestTickets? tickets = null)
{
    public const int MaxTimeoutMs = 3_600_000;

    public string Name => declaration.Name;

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
        var timeoutMs = reader.OptionalInt(MethodDeclaration.TimeoutParam, 1, MaxTimeoutMs);
        var dryRun = declaration.Attribute.Mutating && (reader.OptionalBool(MethodDeclaration.DryRunParam) ?? false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeoutMs is { } ms)
        {
            deadline.CancelAfter(ms);
        }

        var call = new RpcCall(Name, reader, host, deadline.Token) { DryRun = dryRun };
        try
        {
            if (turn is not null)
            {
                await turn.WaitAsync(deadline.Token).ConfigureAwait(false);
            }

            if (declaration.Attribute.TakesTarget)
            {
                // The given target or the default one (--targets "default" entry): either may name a passwordFile.
                await call.ResolveTargetAsync(deadline.Token).ConfigureAwait(false);
            }

            return await declaration.InvokeAsync(call, values).ConfigureAwait(false);
        }
        catch (Exception ex) when (timeoutMs is not null && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                   && ex is OperationCanceledException or IpmiTimeoutException)
        {
            throw new IpmiTimeoutException(
                $"No answer within timeoutMs ({timeoutMs} ms)", timeoutMs.Value, call.ResolvedTarget?.Retries ?? 0);
        }
    }
}
