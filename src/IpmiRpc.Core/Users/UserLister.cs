using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Users;

/// <summary>One user slot as seen on one channel. Never a password: the spec has no command that reads one.</summary>
/// <param name="Name">Get User Name's answer; null when the BMC refused it for this slot.</param>
/// <param name="Enabled">From Get User Access byte 2 bits 7:6; null when the BMC leaves it unspecified.</param>
public sealed record UserEntry(
    byte UserId,
    string? Name,
    bool? Enabled,
    bool CallbackOnly,
    bool LinkAuthentication,
    bool IpmiMessaging,
    byte PrivilegeLimit);

/// <summary>The channel's user table.</summary>
public sealed record UserList(byte Channel, byte MaxUserIds, byte EnabledUserIds, byte FixedNameUserIds, IReadOnlyList<UserEntry> Users);

/// <summary>
/// Lists users with Get User Access and Get User Name per id, from 1 up to the maximum Get User Access reports.
/// Empty slots are left out unless asked for: a slot is empty when it has no name, no IPMI messaging, no link
/// authentication and a privilege limit of 0 (reserved) or Fh (no access). ipmitool's <c>user list</c> prints every
/// slot up to the maximum (63 rows on ipmi_sim, blank ones included); <c>includeEmpty</c> gives that full table.
/// </summary>
public sealed class UserLister(IpmiSend send)
{
    public const byte NoAccess = 0x0F;

    public async Task<UserList> ListAsync(byte channel, bool includeEmpty, CancellationToken ct)
    {
        if (channel > 0x0F)
            throw new IpmiInvalidArgumentException("channel", "must be 0–15");
        var first = await send.ExecuteAsync(new GetUserAccess(channel, 1), ct).ConfigureAwait(false);
        var users = new List<UserEntry>();
        // Max user ids is a 6-bit field: at most 63 slots, so the loop is bounded whatever the BMC says.
        for (var id = (byte)1; id <= first.MaxUserIds; id++)
        {
            var access = id == 1 ? first : await send.ExecuteAsync(new GetUserAccess(channel, id), ct).ConfigureAwait(false);
            string? name;
            try
            {
                name = await send.ExecuteAsync(new GetUserName(id), ct).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode is 0xCC or 0xC9 or 0xCB or 0xD4)
            {
                name = null;
            }

            var entry = new UserEntry(
                id,
                name,
                access.EnableStatus switch
                {
                    UserEnableStatus.Enabled => true,
                    UserEnableStatus.Disabled => false,
                    _ => null,
                },
                access.CallbackOnly,
                access.LinkAuthentication,
                access.IpmiMessaging,
                access.PrivilegeLimit);
            if (includeEmpty || !IsEmpty(entry))
                users.Add(entry);
        }

        return new UserList(channel, first.MaxUserIds, first.EnabledUserIds, first.FixedNameUserIds, users);
    }

    public static bool IsEmpty(UserEntry user) =>
        string.IsNullOrEmpty(user.Name)
        && !user.IpmiMessaging
        && !user.LinkAuthentication
        && user.PrivilegeLimit is 0 or NoAccess;
}
