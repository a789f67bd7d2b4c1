using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace IpmiRpc.Host.Protocol;

/// <summary>StreamJsonRpc with every method exception shaped by <see cref="ErrorMapper"/> (no stack traces in data).</summary>
internal sealed class IpmiJsonRpc(IJsonRpcMessageHandler handler, ErrorMapper errors) : JsonRpc(handler)
{
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
}
