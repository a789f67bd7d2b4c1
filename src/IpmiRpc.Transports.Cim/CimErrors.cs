using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim;

/// <summary>The one place CIM failures become the JSON-RPC error families, each with a hint a user can act on.</summary>
internal static class CimErrors
{
    public const string NonWindowsHint = "The cim transport needs Windows (WMI Microsoft_IPMI). On Linux use openipmi or lanplus.";
    public const string DriverHint = "IPMI driver not loaded (Microsoft IPMI driver / ipmidrv)";
    public const string ElevationHint = "run as Administrator";

    public static TransportUnavailableException NotWindows() =>
        new(IpmiTarget.Cim, "The cim transport is not available on this operating system", NonWindowsHint);

    /// <summary>True for failures that say the CIM stack itself cannot run here (no libmi, missing native runtime).</summary>
    public static bool IsPlatformFailure(Exception ex) => ex is DllNotFoundException or TypeInitializationException
        or PlatformNotSupportedException or EntryPointNotFoundException or BadImageFormatException
        or FileNotFoundException or FileLoadException or TypeLoadException;

    /// <summary>True when the CimSession should be thrown away and created again before the next call.</summary>
    public static bool NeedsNewSession(Exception ex) => ex switch
    {
        CimGatewayException g => g.Kind is CimFailureKind.Connection or CimFailureKind.Timeout or CimFailureKind.NoInstance,
        IpmiException => false,
        _ => true,
    };

    public static IpmiException Map(Exception ex, CimConnectionOptions options)
    {
        switch (ex)
        {
            case IpmiException ipmi:
                return ipmi;
            case CimGatewayException g:
                return MapGateway(g, options);
            case UnauthorizedAccessException:
                return AccessDenied(options, ex);
            case var _ when IsPlatformFailure(ex):
                return new TransportUnavailableException(
                    IpmiTarget.Cim,
                    $"The CIM client library (Microsoft.Management.Infrastructure) cannot run here: {ex.GetType().Name}",
                    OperatingSystem.IsWindows()
                        ? "The Microsoft.Management.Infrastructure native runtime is missing or broken; reinstall ipmirpc"
                        : NonWindowsHint,
                    ex);
            default:
                return new TransportUnavailableException(
                    IpmiTarget.Cim,
                    $"The CIM call to {options.DisplayName} failed: {ex.GetType().Name}: {OneLine(ex.Message)}",
                    "See the ipmirpc log (--log-level debug) for details",
                    ex);
        }
    }

    private static IpmiException MapGateway(CimGatewayException g, CimConnectionOptions options)
    {
        var detail = OneLine(g.Message);
        return g.Kind switch
        {
            CimFailureKind.NoInstance => new TransportUnavailableException(
                IpmiTarget.Cim,
                $"No {MicrosoftIpmi.ClassName} instance in {MicrosoftIpmi.Namespace} on {options.DisplayName}{Suffix(detail)}",
                DriverHint + ": the BMC must be visible to Windows (Device Manager > System devices > Microsoft Generic IPMI Compliant Device)",
                g),
            CimFailureKind.AccessDenied => AccessDenied(options, g),
            CimFailureKind.AuthenticationFailed => new IpmiAuthenticationException(
                IpmiTarget.Cim, $"{options.DisplayName} refused the credentials of '{options.Username}'{Suffix(detail)}", refusedByBmc: true),
            CimFailureKind.Timeout => new IpmiTimeoutException(
                $"No answer from the IPMI provider on {options.DisplayName} within {(int)options.OperationTimeout.TotalMilliseconds} ms{Suffix(detail)}",
                (int)options.OperationTimeout.TotalMilliseconds,
                0),
            CimFailureKind.Connection => new TransportUnavailableException(
                IpmiTarget.Cim,
                $"Cannot reach the CIM server on {options.DisplayName} over {options.ProtocolName}{Suffix(detail)}",
                options.Protocol == CimProtocol.Dcom
                    ? "Check that the computer is reachable and that DCOM/RPC (TCP 135 and the dynamic RPC ports) passes its firewall, or use protocol \"wsman\""
                    : "Check that WinRM is running and reachable on the computer (Enable-PSRemoting; TrustedHosts for workgroup hosts), or use protocol \"dcom\"",
                g),
            CimFailureKind.Rejected => new IpmiNotSupportedException(
                $"The WMI IPMI provider on {options.DisplayName} rejected the request{Suffix(detail)}"),
            _ => new IpmiDecodeException(
                $"The WMI IPMI provider on {options.DisplayName} failed the request without a usable response{Suffix(detail)}"),
        };
    }

    private static IpmiPermissionDeniedException AccessDenied(CimConnectionOptions options, Exception inner) =>
        options.IsLocal && !options.HasCredentials
            ? new($"Access to {MicrosoftIpmi.ClassName} was denied: {ElevationHint} (an elevated process is needed)", inner)
            : new($"Access to {MicrosoftIpmi.ClassName} on {options.DisplayName} was denied: use an account that is an administrator there " +
                  $"({ElevationHint}), and check the username and password", inner);

    private static string Suffix(string detail) => detail.Length == 0 ? "" : ": " + detail;

    /// <summary>CIM messages can be multi-line and long; the error message should be one readable line.</summary>
    internal static string OneLine(string message)
    {
        var flat = string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return flat.Length <= 300 ? flat : flat[..300] + "…";
    }
}
