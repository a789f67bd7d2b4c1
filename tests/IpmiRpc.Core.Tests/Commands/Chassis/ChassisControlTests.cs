using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class ChassisControlTests
{
    [Theory]
    [InlineData(ChassisControlAction.PowerDown, 0x00)]
    [InlineData(ChassisControlAction.PowerUp, 0x01)]
    [InlineData(ChassisControlAction.PowerCycle, 0x02)]
    [InlineData(ChassisControlAction.HardReset, 0x03)]
    [InlineData(ChassisControlAction.PulseDiagnosticInterrupt, 0x04)]
    [InlineData(ChassisControlAction.SoftShutdown, 0x05)]
    public void Request_is_the_table_28_4_value(ChassisControlAction action, byte expected)
    {
        var command = new ChassisControl(action);
        Assert.Equal((NetFns.Chassis, (byte)0x02), (command.Info.NetFn, command.Info.Command));
        Assert.Equal([expected], command.RequestData.ToArray());
    }
}
