using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Transports.Cim.Windows;

namespace IpmiRpc.Transports.Cim;

/// <summary>
/// The <c>cim</c> transport: IPMI requests through the Windows IPMI driver's WMI class Microsoft_IPMI (root/wmi),
/// locally or on a remote computer over WS-Management or DCOM. Each pooled session is one CimSession with its
/// Microsoft_IPMI instance cached. On other operating systems every open fails with -32002 before the native CIM
/// library is touched.
/// </summary>
public sealed class CimTransport : IIpmiTransport
{
    private readonly ICimGatewayFactory? _factory;
    private readonly Func<bool> _isSupportedPlatform;
    private readonly TimeSpan? _grace;

    public CimTransport()
        : this(null, null)
    {
    }

    /// <param name="factory">The CIM seam; null means the real Microsoft.Management.Infrastructure one on Windows.</param>
    /// <param name="isSupportedPlatform">Overrides the Windows check (tests).</param>
    /// <param name="grace">Margin past the CIM operation timeout before a call is abandoned.</param>
    internal CimTransport(ICimGatewayFactory? factory, Func<bool>? isSupportedPlatform, TimeSpan? grace = null)
    {
        _factory = factory;
        _isSupportedPlatform = isSupportedPlatform ?? OperatingSystem.IsWindows;
        _grace = grace;
    }

    public string Name => IpmiTarget.Cim;

    /// <summary>True where the transport can work at all (Windows).</summary>
    public static bool IsSupported => OperatingSystem.IsWindows();

    /// <summary>The default target on Windows: the local computer's BMC through its IPMI driver.</summary>
    public static IpmiTarget LocalTarget => new() { Transport = IpmiTarget.Cim };

    public async Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_isSupportedPlatform())
        {
            throw CimErrors.NotWindows();
        }

        var options = CimConnectionOptions.FromTarget(target);
        var session = new CimIpmiSession(_factory ?? DefaultFactory(), options, _grace);
        try
        {
            await session.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static ICimGatewayFactory DefaultFactory() =>
        OperatingSystem.IsWindows() ? new WindowsCimGatewayFactory() : throw CimErrors.NotWindows();
}
