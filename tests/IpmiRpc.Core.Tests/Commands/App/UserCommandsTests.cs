using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public class UserCommandsTests
{
    [Fact]
    public void Get_User_Access_decodes_counts_flags_and_privilege()
    {
        // ipmi_sim, user 3 on channel 1: max 63, 2 enabled, 0 fixed; call-in allowed, link auth off, IPMI messaging on,
        // OPERATOR (ipmitool channel getaccess 1 3).
        var access = new GetUserAccess(1, 3).Decode([0x3F, 0x42, 0x00, 0x13]);
        Assert.Equal(63, access.MaxUserIds);
        Assert.Equal(UserEnableStatus.Enabled, access.EnableStatus);
        Assert.Equal(2, access.EnabledUserIds);
        Assert.Equal(0, access.FixedNameUserIds);
        Assert.False(access.CallbackOnly);
        Assert.False(access.LinkAuthentication);
        Assert.True(access.IpmiMessaging);
        Assert.Equal(3, access.PrivilegeLimit);
        Assert.Equal(new byte[] { 0x01, 0x03 }, new GetUserAccess(1, 3).RequestData.ToArray());
        Assert.Equal(0x44, new GetUserAccess(1, 3).Info.Command);
    }

    [Fact]
    public void Get_User_Name_stops_at_the_first_NUL_and_masks_unprintable_bytes()
    {
        var name = new byte[16];
        "admin"u8.CopyTo(name);
        Assert.Equal("admin", new GetUserName(2).Decode(name));
        name[1] = 0x07;
        Assert.Equal("a?min", new GetUserName(2).Decode(name));
        Assert.Throws<IpmiDecodeException>(() => new GetUserName(2).Decode(new byte[15]));
    }
}
