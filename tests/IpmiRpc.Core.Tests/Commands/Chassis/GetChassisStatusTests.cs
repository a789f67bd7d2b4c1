using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class GetChassisStatusTests
{
    [Fact]
    public void Decodes_power_restore_policy_events_and_identify()
    {
        // Power on, restore policy "previous" (01b in bits 6:5), last event: command on; identify supported + indefinite.
        var r = GetChassisStatus.Decode([0b0010_0001, 0b0001_0000, 0b0110_0000, 0b1000_0001]);
        Assert.True(r.PowerOn);
        Assert.Equal("previous", r.PowerRestorePolicy);
        Assert.True(r.LastPowerEvent.CommandOn);
        Assert.False(r.LastPowerEvent.AcFailed);
        Assert.Equal("indefinite", r.IdentifyState);
        Assert.True(r.FrontPanel!.StandbyButtonDisableAllowed);
        Assert.True(r.FrontPanel.PowerButtonDisabled);
    }

    [Fact]
    public void Identify_state_is_null_when_not_reported_and_front_panel_optional()
    {
        var r = GetChassisStatus.Decode([0x00, 0x00, 0b0011_0000]);
        Assert.False(r.PowerOn);
        Assert.Equal("alwaysOff", r.PowerRestorePolicy);
        Assert.Null(r.IdentifyState);
        Assert.Null(r.FrontPanel);
        Assert.Throws<IpmiDecodeException>(() => GetChassisStatus.Decode([0x00, 0x00]));
    }
}
