using IpmiRpc.Core;

namespace IpmiRpc.Host.Protocol;

/// <summary>JSON-RPC 2.0 reserved codes, and the server-error codes (-32001…-32008) of each <see cref="IpmiErrorKind"/>.</summary>
internal static class JsonRpcErrorCodes
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;
    public const int MethodNotFound = -32601;
    public const int InvalidParams = -32602;
    public const int InternalError = -32603;
    public const int RequestCanceled = -32800;

    /// <summary>The JSON-RPC error code of an IPMI error family; the schema's ErrorObject lists the same numbers.</summary>
    public static int For(IpmiErrorKind kind) => kind switch
    {
        IpmiErrorKind.CompletionCode => -32001,
        IpmiErrorKind.TransportUnavailable => -32002,
        IpmiErrorKind.AuthenticationFailed => -32003,
        IpmiErrorKind.Timeout => -32004,
        IpmiErrorKind.PermissionDenied => -32005,
        IpmiErrorKind.InsecureConfiguration => -32006,
        IpmiErrorKind.NotSupported => -32007,
        IpmiErrorKind.MalformedResponse => -32008,
        _ => InternalError,
    };
}
