namespace IpmiRpc.Core;

/// <summary>The error families a caller can act on. A front end maps each to its own codes (the JSON-RPC host in
/// <c>JsonRpcErrorCodes.For</c>).</summary>
public enum IpmiErrorKind
{
    /// <summary>The BMC answered with a non-zero completion code.</summary>
    CompletionCode,

    /// <summary>The transport cannot reach the BMC (no device, no route, session lost).</summary>
    TransportUnavailable,

    /// <summary>The BMC refused the credentials.</summary>
    AuthenticationFailed,

    /// <summary>No answer within the timeout and retries.</summary>
    Timeout,

    /// <summary>The caller lacks the rights (device permissions, privilege level).</summary>
    PermissionDenied,

    /// <summary>A configuration refused as insecure (e.g. cipher suite 0).</summary>
    InsecureConfiguration,

    /// <summary>The BMC or transport does not support what was asked.</summary>
    NotSupported,

    /// <summary>An answer that cannot be trusted or parsed.</summary>
    MalformedResponse,
}
