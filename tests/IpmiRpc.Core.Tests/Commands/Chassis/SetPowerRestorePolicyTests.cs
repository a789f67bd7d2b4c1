using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class SetPowerRestorePolicyTests
{
    [Theory]
    [InlineData(PowerRestorePolicySetting.AlwaysOff, 0x00)]
    [InlineData(PowerRestorePolicySetting.Previous, 0x01)]
    [InlineData(PowerRestorePolicySetting.AlwaysOn, 0x02)]
    [InlineData(PowerRestorePolicySetting.NoChange, 0x03)]
    public void Request_is_the_table_28_9_value(PowerRestorePolicySetting policy, byte expected)
    {
        var command = new SetPowerRestorePolicy(policy);
        Assert.Equal((NetFns.Chassis, (byte)0x06), (command.Info.NetFn, command.Info.Command));
        Assert.Equal([expected], command.RequestData.ToArray());
    }

    [Fact]
    public void Decodes_the_supported_policies()
    {
        var command = new SetPowerRestorePolicy(PowerRestorePolicySetting.NoChange);
        Assert.Equal(new SupportedPowerRestorePolicies(AlwaysOff: true, Previous: false, AlwaysOn: true), command.Decode([0b0000_0101]));
        Assert.Equal(new SupportedPowerRestorePolicies(AlwaysOff: false, Previous: true, AlwaysOn: false), command.Decode([0b0000_0010]));
        Assert.Throws<IpmiDecodeException>(() => command.Decode([]));
    }
}
