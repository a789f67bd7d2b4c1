using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class GetChassisStatusTests
{
    private static readonly GetChassisStatus Command = new();

    [Fact]
    public void Request_is_chassis_01_without_data()
    {
        var request = Command.ToRequest();
        Assert.Equal((0x00, 0x01), (request.NetFn, request.Command));
        Assert.True(request.Data.IsEmpty);
    }

    [Fact]
    public void Decodes_power_restore_policy_events_and_identify()
    {
        // Power on, restore policy "previous" (01b in bits 6:5), last event: command on; identify supported + indefinite.
        var r = Command.Decode([0b0010_0001, 0b0001_0000, 0b0110_0000, 0b1000_0001]);
        Assert.True(r.PowerOn);
        Assert.Equal(PowerRestorePolicy.Previous, r.PowerRestorePolicy);
        Assert.True(r.LastPowerEvent.PowerOnByCommand);
        Assert.False(r.LastPowerEvent.AcFailed);
        Assert.True(r.IdentifySupported);
        Assert.Equal(ChassisIdentifyState.Indefinite, r.IdentifyState);
        Assert.True(r.FrontPanel!.StandbyButtonDisableAllowed);
        Assert.True(r.FrontPanel.PowerButtonDisabled);
        Assert.False(r.FrontPanel.ResetButtonDisabled);
    }

    [Fact]
    public void Identify_state_is_null_when_not_reported_and_front_panel_optional()
    {
        var r = Command.Decode([0x00, 0x00, 0b0011_0000]);
        Assert.False(r.PowerOn);
        Assert.Equal(PowerRestorePolicy.AlwaysOff, r.PowerRestorePolicy);
        Assert.False(r.IdentifySupported);
        Assert.Null(r.IdentifyState);
        Assert.Null(r.FrontPanel);
        Assert.Throws<IpmiDecodeException>(() => Command.Decode([0x00, 0x00]));
    }

    [Theory]
    // Byte 1 bits: 0 power on, 1 overload, 2 interlock, 3 fault, 4 control fault; bits 6:5 restore policy.
    [InlineData(0b0100_0000, PowerRestorePolicy.AlwaysOn)]
    [InlineData(0b0110_0000, PowerRestorePolicy.Unknown)]
    public void Power_byte_bits_each_decode_to_their_field(byte power, PowerRestorePolicy policy)
    {
        var r = Command.Decode([(byte)(power | 0b0001_1110), 0b0000_1111, 0b0000_1111]);
        Assert.Equal(policy, r.PowerRestorePolicy);
        Assert.False(r.PowerOn);
        Assert.True(r.PowerOverload && r.PowerInterlock && r.PowerFault && r.PowerControlFault);
        Assert.Equal(new LastPowerEvent(AcFailed: true, Overload: true, Interlock: true, Fault: true, PowerOnByCommand: false), r.LastPowerEvent);
        Assert.True(r.IntrusionActive && r.FrontPanelLockout && r.DriveFault && r.CoolingFault);
    }
}
