using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class GetSystemRestartCauseTests
{
    [Theory]
    [InlineData(0x01, 0x01, RestartCause.ChassisControlCommand)]
    [InlineData(0x03, 0x00, RestartCause.PowerUpViaPowerPushbutton)]
    [InlineData(0xF4, 0x00, RestartCause.WatchdogExpiration)] // reserved high bits ignored
    [InlineData(0x0B, 0x00, RestartCause.PowerUpViaRtcWakeup)]
    [InlineData(0x0C, 0x00, RestartCause.Reserved)]
    public void Decodes_cause_and_channel(byte causeByte, byte channel, RestartCause expected)
    {
        var command = new GetSystemRestartCause();
        Assert.Equal((NetFns.Chassis, (byte)0x07), (command.Info.NetFn, command.Info.Command));
        Assert.Equal(new SystemRestartCause(expected, channel), command.Decode([causeByte, channel]));
        Assert.Throws<IpmiDecodeException>(() => command.Decode([causeByte]));
    }
}
