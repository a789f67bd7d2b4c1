namespace IpmiRpc.Core.Commands.App;

/// <summary>Get User Access (App 44h). IPMI v2.0 §22.27.</summary>
public sealed record GetUserAccess(byte Channel, byte UserId) : IIpmiCommand<UserAccess>
{
    private static readonly CommandInfo Row = CommandCatalogue.Find(NetFns.App, 0x44)!;

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)(Channel & 0x0F), (byte)(UserId & 0b0011_1111) };

    public UserAccess Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 4, "Get User Access response");
        var access = data[3];
        return new UserAccess(
            MaxUserIds: (byte)(data[0] & 0b0011_1111),
            EnableStatus: (UserEnableStatus)(data[1] >> 6),
            EnabledUserIds: (byte)(data[1] & 0b0011_1111),
            FixedNameUserIds: (byte)(data[2] & 0b0011_1111),
            CallbackOnly: (access & 0b0100_0000) != 0,
            LinkAuthentication: (access & 0b0010_0000) != 0,
            IpmiMessaging: (access & 0b0001_0000) != 0,
            PrivilegeLimit: (byte)(access & 0x0F));
    }
}

/// <summary>Byte 2 bits 7:6 of Get User Access (IPMI v2.0 errata: the user id's enable state).</summary>
public enum UserEnableStatus : byte
{
    Unspecified = 0,
    Enabled = 1,
    Disabled = 2,
    Reserved = 3,
}

/// <param name="CallbackOnly">Bit 6: access restricted to callback connections (ipmitool prints "Callin" as its negation).</param>
/// <param name="PrivilegeLimit">Channel privilege limit: 1 callback … 4 administrator, 5 OEM, 0Fh no access.</param>
public sealed record UserAccess(
    byte MaxUserIds,
    UserEnableStatus EnableStatus,
    byte EnabledUserIds,
    byte FixedNameUserIds,
    bool CallbackOnly,
    bool LinkAuthentication,
    bool IpmiMessaging,
    byte PrivilegeLimit);
