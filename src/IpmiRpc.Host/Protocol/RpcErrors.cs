using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>A bad parameter: becomes -32602 with <c>data: {field, reason}</c>. The reason never quotes a secret.</summary>
public sealed class RpcParamException(string field, string reason)
    : Exception($"Invalid params: {field}: {reason}")
{
    public string Field { get; } = field;
    public string Reason { get; } = reason;
}

/// <summary>A JSON-RPC error body (the <c>error</c> member of a response).</summary>
internal sealed record RpcError(int Code, string Message, JToken? Data)
{
    public JObject ToJson()
    {
        var error = new JObject { ["code"] = Code, ["message"] = Message };
        if (Data is not null && Data.Type != JTokenType.Null)
        {
            error["data"] = Data;
        }

        return error;
    }

    /// <summary>
    /// A request or parameter problem. The message names the field and the reason too ("Invalid params: target.port:
    /// must be an integer from 1 to 65535"): clients and wrappers show the message, and "Invalid params" alone says
    /// nothing. <c>data</c> keeps them apart for programs.
    /// </summary>
    public static RpcError Invalid(int code, string field, string reason)
    {
        var title = code switch
        {
            JsonRpcErrorCodes.ParseError => "Parse error",
            JsonRpcErrorCodes.InvalidRequest => "Invalid request",
            JsonRpcErrorCodes.MethodNotFound => "Method not found",
            _ => "Invalid params",
        };
        var message = field == "message" ? $"{title}: {reason}" : $"{title}: {field}: {reason}";
        return new(code, message, new JObject { ["field"] = field, ["reason"] = reason });
    }

    public static JObject Response(JToken? id, RpcError error) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id ?? JValue.CreateNull(), ["error"] = error.ToJson() };
}
