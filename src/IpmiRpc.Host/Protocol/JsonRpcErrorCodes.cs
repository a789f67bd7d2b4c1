namespace IpmiRpc.Host.Protocol;

/// <summary>JSON-RPC 2.0 reserved codes; IPMI codes come from <see cref="IpmiRpc.Core.IpmiErrorKind"/>.</summary>
internal static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int RequestCanceled = -32800;
}
