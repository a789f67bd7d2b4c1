namespace IpmiRpc.Transports.Cim;

/// <summary>
/// The one seam around Microsoft.Management.Infrastructure: a connected CimSession plus its cached Microsoft_IPMI instance.
/// Everything above it (argument building, response parsing, pooling, re-creation, error mapping) runs without Windows.
/// Implementations are called by one thread at a time (the session serializes) and report CIM failures as
/// <see cref="CimGatewayException"/>; anything else they throw is treated as "the CIM stack itself is broken here".
/// </summary>
internal interface ICimIpmiGateway : IDisposable
{
    /// <summary>The Microsoft_IPMI instance's InstanceName, for <c>sessions.list</c>.</summary>
    string? InstanceName { get; }

    /// <summary>Invokes Microsoft_IPMI.RequestResponse on the cached instance and returns its out-parameters by name.</summary>
    IReadOnlyDictionary<string, object?> InvokeRequestResponse(IReadOnlyList<CimArgument> arguments, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Creates a CimSession for the options and looks up the Microsoft_IPMI instance (blocking).</summary>
internal interface ICimGatewayFactory
{
    ICimIpmiGateway Connect(CimConnectionOptions options, CancellationToken cancellationToken);
}

/// <summary>What went wrong in a CIM call, in the terms the transport acts on.</summary>
internal enum CimFailureKind
{
    /// <summary>Could not reach or lost the CIM server (WinRM/DCOM): the CimSession is re-created.</summary>
    Connection,

    /// <summary>The operation ran past its timeout: the CimSession is re-created.</summary>
    Timeout,

    /// <summary>Access denied: not elevated locally, or not an administrator remotely.</summary>
    AccessDenied,

    /// <summary>The server refused the credentials (logon failure).</summary>
    AuthenticationFailed,

    /// <summary>No root/wmi namespace, no Microsoft_IPMI class or instance: the IPMI driver is not loaded.</summary>
    NoInstance,

    /// <summary>The provider rejected the call's shape (invalid parameter, method not available).</summary>
    Rejected,

    /// <summary>The provider failed the request without saying more (WBEM_E_FAILED and the like).</summary>
    ProviderFailed,
}

/// <summary>A CIM failure already classified by the gateway. Its message comes from the CIM stack and carries no secret.</summary>
internal sealed class CimGatewayException(CimFailureKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public CimFailureKind Kind { get; } = kind;
}
