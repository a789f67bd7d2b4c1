using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.OpenIpmi.Tests;

public class OpenIpmiTransportTests
{
    private static IpmiTarget Target(string? device = null) => new() { Transport = IpmiTarget.OpenIpmi, Device = device };

    [Fact]
    public void Name_is_openipmi() => Assert.Equal("openipmi", new OpenIpmiTransport().Name);

    [Fact]
    public void Default_devices_are_tried_in_order()
    {
        Assert.Equal(["/dev/ipmi0", "/dev/ipmi/0", "/dev/ipmidev/0"], OpenIpmiTransport.DefaultDevices);
        var present = new HashSet<string> { "/dev/ipmidev/0", "/dev/ipmi/0" };
        Assert.Equal("/dev/ipmi/0", OpenIpmiTransport.ResolveDevice(null, OpenIpmiTransport.DefaultDevices, present.Contains));
        Assert.Null(OpenIpmiTransport.ResolveDevice(null, OpenIpmiTransport.DefaultDevices, _ => false));
        Assert.Equal("/dev/ipmi3", OpenIpmiTransport.ResolveDevice("/dev/ipmi3", OpenIpmiTransport.DefaultDevices, _ => false));
    }

    [Fact]
    public async Task No_device_anywhere_is_transport_unavailable_with_the_module_hint()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-ipmi-" + Guid.NewGuid().ToString("N"));
        var transport = new OpenIpmiTransport([missing + "0", missing + "1"]);
        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => transport.OpenAsync(Target(), default));
        Assert.Equal(IpmiErrorKind.TransportUnavailable, ex.Kind);
        Assert.Equal("openipmi", ex.Details["transport"]);
        Assert.Contains("modprobe ipmi_si ipmi_devintf", ex.Hint, StringComparison.Ordinal);
        Assert.Contains(missing + "0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_device_that_does_not_exist_is_transport_unavailable()
    {
        var missing = "/dev/ipmi-missing-" + Guid.NewGuid().ToString("N");
        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => new OpenIpmiTransport().OpenAsync(Target(missing), default));
        Assert.Equal(IpmiErrorKind.TransportUnavailable, ex.Kind);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("modprobe", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_that_is_not_an_ipmi_device_is_refused_at_open()
    {
        // /dev/null opens fine but has no IPMI ioctls (ENOTTY): better a clear -32002 now than a timeout later.
        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => new OpenIpmiTransport().OpenAsync(Target("/dev/null"), default));
        Assert.Contains("not an OpenIPMI device", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new OpenIpmiTransport().OpenAsync(Target("/dev/null"), cts.Token));
    }
}
