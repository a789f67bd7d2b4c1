using System.Globalization;
using IpmiRpc.Core.Users;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>
/// UserLister over real lanplus against ipmi_sim (users from lan.conf.in and fixtures/ipmi_sim/fru-sel-users.lan.conf),
/// compared with <c>ipmitool user list 1</c> and FreeIPMI <c>ipmi-config --checkout --category=core</c>.
/// </summary>
public sealed class UserSimTests : IAsyncLifetime
{
    private InventorySimSession _bmc = null!;

    public async Task InitializeAsync() => _bmc = await InventorySimSession.StartAsync();

    public async Task DisposeAsync() => await _bmc.DisposeAsync();

    private static string IpmitoolPrivilege(byte limit) => limit switch
    {
        1 => "CALLBACK",
        2 => "USER",
        3 => "OPERATOR",
        4 => "ADMINISTRATOR",
        5 => "OEM",
        0x0F => "NO ACCESS",
        _ => $"Unknown (0x{limit:X2})",
    };

    [Fact]
    public async Task The_full_table_matches_ipmitool_user_list_row_for_row_and_the_default_drops_only_empty_slots()
    {
        var full = await new UserLister(_bmc.Send).ListAsync(1, includeEmpty: true, CancellationToken.None);
        var named = await new UserLister(_bmc.Send).ListAsync(1, includeEmpty: false, CancellationToken.None);
        var rows = (await _bmc.IpmiToolAsync("user", "list", "1")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .ToList();

        Assert.Equal(63, full.MaxUserIds);
        Assert.Equal(rows.Count, full.Users.Count);
        foreach (var (user, row) in full.Users.Zip(rows))
        {
            // ID [Name] Callin LinkAuth IpmiMsg Priv... (blank names leave the column out)
            Assert.Equal(user.UserId, byte.Parse(row[0], CultureInfo.InvariantCulture));
            var flagsAt = string.IsNullOrEmpty(user.Name) ? 1 : 2;
            if (flagsAt == 2)
                Assert.Equal(user.Name, row[1]);
            Assert.Equal(user.CallbackOnly ? "false" : "true", row[flagsAt]);
            Assert.Equal(user.LinkAuthentication ? "true" : "false", row[flagsAt + 1]);
            Assert.Equal(user.IpmiMessaging ? "true" : "false", row[flagsAt + 2]);
            Assert.Equal(IpmitoolPrivilege(user.PrivilegeLimit), string.Join(" ", row[(flagsAt + 3)..]));
        }

        Assert.Equal(["ipmiusr", "operator1", "viewer", "retired"], named.Users.Select(u => u.Name));
        Assert.Equal([2, 3, 4, 6], named.Users.Select(u => (int)u.UserId));
        Assert.Equal([true, true, true, false], named.Users.Select(u => u.IpmiMessaging));
        Assert.All(full.Users.Except(named.Users), u => Assert.True(UserLister.IsEmpty(u)));
    }

    [Fact]
    public async Task Named_users_match_FreeIPMI_ipmi_config()
    {
        var users = await new UserLister(_bmc.Send).ListAsync(1, includeEmpty: false, CancellationToken.None);
        var result = await TestSupport.FreeIpmi.RunAsync("ipmi-config", _bmc.Sim,
            ["--checkout", "--category=core", .. users.Users.Select(u => $"--section=User{u.UserId}")], timeout: null);
        // ipmi-config exits 1 when some field could not be checked out (the password never can, Enable_User not on
        // ipmi_sim); the sections it could read are printed all the same.
        Assert.True(result.ExitCode is 0 or 1, result.ToString());
        var sections = result.StdOut.Split("EndSection", StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
                .Select(l => l.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim()))
            .Where(d => d.Count > 0).ToList();

        Assert.Equal(users.Users.Count, sections.Count);
        foreach (var (user, section) in users.Users.Zip(sections))
        {
            Assert.Equal($"User{user.UserId}", section["Section"]);
            Assert.Equal(user.Name, section["Username"]);
            Assert.Equal(user.IpmiMessaging ? "Yes" : "No", section["Lan_Enable_IPMI_Msgs"]);
            Assert.Equal(user.LinkAuthentication ? "Yes" : "No", section["Lan_Enable_Link_Auth"]);
            Assert.Equal(user.CallbackOnly ? "Yes" : "No", section["Lan_Enable_Restricted_to_Callback"]);
            Assert.Equal(user.PrivilegeLimit switch { 2 => "User", 3 => "Operator", 4 => "Administrator", _ => "?" }, section["Lan_Privilege_Limit"]);
        }
    }
}
