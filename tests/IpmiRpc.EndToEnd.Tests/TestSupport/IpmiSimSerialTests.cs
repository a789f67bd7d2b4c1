using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.TestSupport;

public sealed class IpmiSimSerialTests
{
    [Fact]
    public async Task Qemu_serial_port_is_listening_when_start_returns()
    {
        var serial = Ports.GetFreeTcpPort();
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { QemuSerialPort = serial });

        Assert.Contains($"serial 15 127.0.0.1 {serial} codec VM", await File.ReadAllTextAsync(sim.LanConfPath), StringComparison.Ordinal);
        Assert.False(Ports.IsTcpPortFree(serial));
        Assert.True((await IpmiTool.RunAsync(sim, "raw", "6", "1")).Succeeded);
    }
}
