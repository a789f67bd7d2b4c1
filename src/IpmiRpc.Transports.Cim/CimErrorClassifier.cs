using Microsoft.Management.Infrastructure;

namespace IpmiRpc.Transports.Cim;

/// <summary>
/// Turns a CIM status (and, where the server sent one, the Win32/WMI/WinRM error code from the error instance's
/// <c>error_Code</c>) into a <see cref="CimFailureKind"/>. Pure, so it is tested without Windows.
/// </summary>
internal static class CimErrorClassifier
{
    // Win32 / DCOM (HRESULT_FROM_WIN32).
    internal const uint EAccessDenied = 0x80070005;
    internal const uint ErrorLogonFailure = 0x8007052E;
    internal const uint ErrorTimeout = 0x800705B4;
    internal const uint RpcServerUnavailable = 0x800706BA;
    internal const uint RpcCallFailed = 0x800706BE;
    internal const uint RpcCallFailedDne = 0x800706BF;
    internal const uint ObjectExporterNotFound = 0x80070776;

    // WMI (WBEM_E_*).
    internal const uint WbemFailed = 0x80041001;
    internal const uint WbemNotFound = 0x80041002;
    internal const uint WbemAccessDenied = 0x80041003;
    internal const uint WbemInvalidParameter = 0x80041008;
    internal const uint WbemInvalidNamespace = 0x8004100E;
    internal const uint WbemInvalidClass = 0x80041010;
    internal const uint WbemShuttingDown = 0x80041033;
    internal const uint WbemLocalCredentials = 0x80041064;

    // WinRM client errors live in facility 51 (0x8033xxxx); this one is its operation timeout.
    internal const uint WsManFacilityMask = 0xFFFF0000;
    internal const uint WsManFacility = 0x80330000;
    internal const uint WsManOperationTimedOut = 0x80338029;

    public static CimFailureKind Classify(NativeErrorCode status, uint? errorCode)
    {
        if (errorCode is uint code && ClassifyErrorCode(code) is CimFailureKind fromCode)
        {
            return fromCode;
        }

        return status switch
        {
            NativeErrorCode.AccessDenied => CimFailureKind.AccessDenied,
            NativeErrorCode.InvalidNamespace or NativeErrorCode.InvalidClass or NativeErrorCode.NotFound => CimFailureKind.NoInstance,
            NativeErrorCode.ServerIsShuttingDown or NativeErrorCode.ServerLimitsExceeded => CimFailureKind.Connection,
            NativeErrorCode.InvalidParameter or NativeErrorCode.MethodNotAvailable or NativeErrorCode.MethodNotFound
                or NativeErrorCode.NotSupported or NativeErrorCode.TypeMismatch or NativeErrorCode.NoSuchProperty => CimFailureKind.Rejected,
            _ => CimFailureKind.ProviderFailed,
        };
    }

    private static CimFailureKind? ClassifyErrorCode(uint code) => code switch
    {
        EAccessDenied or WbemAccessDenied or WbemLocalCredentials => CimFailureKind.AccessDenied,
        ErrorLogonFailure => CimFailureKind.AuthenticationFailed,
        ErrorTimeout or WsManOperationTimedOut => CimFailureKind.Timeout,
        WbemNotFound or WbemInvalidNamespace or WbemInvalidClass => CimFailureKind.NoInstance,
        WbemInvalidParameter => CimFailureKind.Rejected,
        RpcServerUnavailable or RpcCallFailed or RpcCallFailedDne or ObjectExporterNotFound or WbemShuttingDown => CimFailureKind.Connection,
        WbemFailed => CimFailureKind.ProviderFailed,
        _ when (code & WsManFacilityMask) == WsManFacility => CimFailureKind.Connection,
        _ => null,
    };
}
