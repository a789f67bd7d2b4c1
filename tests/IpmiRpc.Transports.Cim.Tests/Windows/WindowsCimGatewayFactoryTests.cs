using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.Transports.Cim.Windows;

namespace IpmiRpc.Transports.Cim.Tests.Windows;

// The real Microsoft.Management.Infrastructure gateway cannot do its job here (no Windows, no WMI). What CAN be checked on
// Linux is that when it is forced past the platform check, the real library's failure (libmi missing) is caught and
// becomes -32002 instead of escaping as DllNotFoundException/TypeInitializationException.
#pragma warning disable CA1416 // deliberately calling Windows-only code on Linux to see how it fails
public class WindowsCimGatewayFactoryTests
{
    [Fact]
    public async Task Real_library_forced_on_Linux_fails_as_transport_unavailable_not_a_crash()
    {
        Assert.False(OperatingSystem.IsWindows(), "this test documents the Linux failure mode of the real CIM library");
        var transport = new CimTransport(new WindowsCimGatewayFactory(), () => true);

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            transport.OpenAsync(new IpmiTarget { Transport = "cim" }, CancellationToken.None));

        Assert.Equal(IpmiErrorKind.TransportUnavailable, ex.Kind);
        Assert.Equal("The cim transport needs Windows (WMI Microsoft_IPMI). On Linux use openipmi or lanplus.", ex.Hint);
        Assert.True(CimErrors.IsPlatformFailure(ex.InnerException!), $"inner was {ex.InnerException?.GetType()}");

        // A second attempt behaves the same (no poisoned static state turns it into something else).
        var again = await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            transport.OpenAsync(new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "admin", Password = Secret.FromString("pw") }, CancellationToken.None));
        Assert.Equal(IpmiErrorKind.TransportUnavailable, again.Kind);
    }
}
#pragma warning restore CA1416
