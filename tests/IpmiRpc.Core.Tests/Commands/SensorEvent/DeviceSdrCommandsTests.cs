using IpmiRpc.Core.Commands.SensorEvent;

namespace IpmiRpc.Core.Tests.Commands.SensorEvent;

public class DeviceSdrCommandsTests
{
    [Fact]
    public void Get_Device_SDR_Info_static_and_dynamic()
    {
        Assert.Equal(new DeviceSdrInfo(12, false, 0b0001, null), new GetDeviceSdrInfo().Decode([12, 0x01]));
        Assert.Equal(new DeviceSdrInfo(3, true, 0b0011, 0x12345678u), new GetDeviceSdrInfo().Decode([3, 0x83, 0x78, 0x56, 0x34, 0x12]));
        Assert.Equal(new byte[] { 0x01 }, new GetDeviceSdrInfo().RequestData.ToArray());
        Assert.Empty(new GetDeviceSdrInfo(SdrCount: false).RequestData.ToArray());
        Assert.Throws<IpmiDecodeException>(() => new GetDeviceSdrInfo().Decode([1]));
    }

    [Fact]
    public void Get_Device_SDR_is_Get_SDR_on_the_sensor_netfn()
    {
        var command = new GetDeviceSdr(0x0102, 0x0304, 5, 16);
        Assert.Equal((NetFns.SensorEvent, (byte)0x21), (command.Info.NetFn, command.Info.Command));
        Assert.Equal(new byte[] { 0x02, 0x01, 0x04, 0x03, 5, 16 }, command.RequestData.ToArray());
        Assert.Equal(0xFFFF, command.Decode([0xFF, 0xFF, 1]).NextRecordId);
        Assert.Equal(0x0201, ReserveDeviceSdrRepository.Instance.Decode([1, 2]));
        Assert.Equal((NetFns.SensorEvent, (byte)0x22), (ReserveDeviceSdrRepository.Instance.Info.NetFn, ReserveDeviceSdrRepository.Instance.Info.Command));
    }
}
