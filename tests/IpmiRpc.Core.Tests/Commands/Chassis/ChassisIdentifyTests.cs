using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class ChassisIdentifyTests
{
    [Fact]
    public void Default_interval_sends_no_data()
    {
        var command = new ChassisIdentify();
        Assert.Equal((NetFns.Chassis, (byte)0x04), (command.Info.NetFn, command.Info.Command));
        Assert.Empty(command.RequestData.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(255)]
    public void An_interval_alone_is_the_ipmi_1_5_one_byte_form(byte seconds) =>
        Assert.Equal([seconds], new ChassisIdentify(seconds).RequestData.ToArray());

    [Fact]
    public void Force_on_adds_byte_2_like_ipmitool_identify_force() =>
        Assert.Equal([0x00, 0x01], new ChassisIdentify(ForceOn: true).RequestData.ToArray());
}
