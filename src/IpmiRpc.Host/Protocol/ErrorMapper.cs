using System.Reflection;
using IpmiRpc.Core;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The one place exceptions become JSON-RPC errors. IPMI errors carry their kind as the code and their secret-free
/// details as data; anything unexpected is -32603 with a generic message: no exception type, message or stack
/// trace leaves the process (they go to the stderr log instead).
/// </summary>
internal sealed class ErrorMapper(JsonSerializer serializer, ILogger logger)
{
    public RpcError Map(Exception exception, string method)
    {
        exception = Unwrap(exception);
        switch (exception)
        {
            case RpcParamException p:
                return RpcError.Invalid(JsonRpcErrorCodes.InvalidParams, p.Field, p.Reason);
            case IpmiInvalidArgumentException a:
                return RpcError.Invalid(JsonRpcErrorCodes.InvalidParams, ParamPath(a.Field), a.Reason);
            case IpmiException ipmi:
                logger.LogDebug("{Method} failed: {Kind} {Message}", method, ipmi.Kind, ipmi.Message);
                return new RpcError(JsonRpcErrorCodes.For(ipmi.Kind), ipmi.Message, DataOf(ipmi));
            case OperationCanceledException:
                return new RpcError(JsonRpcErrorCodes.RequestCanceled, "Request canceled", null);
            default:
                logger.LogError(exception, "{Method} failed unexpectedly", method);
                return new RpcError(JsonRpcErrorCodes.InternalError, "Internal error", null);
        }
    }

    private JToken? DataOf(IpmiException exception)
    {
        var details = exception.Details;
        if (details.Count == 0)
        {
            return null;
        }

        try
        {
            return JToken.FromObject(details, serializer);
        }
        catch (JsonException ex)
        {
            logger.LogError(ex, "Could not serialize error details of {Kind}", exception.Kind);
            return null;
        }
    }

    /// <summary>Core names a refused value by its C# member (<c>VlanId</c>, <c>Channel</c>); params are camelCase.</summary>
    private static string ParamPath(string field) =>
        string.Join('.', field.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));

    private static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    exception = inner;
                    continue;
                case AggregateException { InnerExceptions.Count: 1 } agg:
                    exception = agg.InnerExceptions[0];
                    continue;
                default:
                    return exception;
            }
        }
    }
}
