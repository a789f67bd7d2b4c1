using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Set Session Privilege Level (App 3Bh), IPMI v2.0 §22.18.</summary>
public static class SetSessionPrivilegeLevel
{
    public const byte NetFn = 0x06;
    public const byte Command = 0x3B;

    /// <summary>Privilege value 0 only reads the present level back.</summary>
    public static IpmiRequest CreateRequest(PrivilegeLevel privilege) => new(NetFn, Command, Encode(privilege));

    public static byte[] Encode(PrivilegeLevel privilege) => [(byte)((byte)privilege & 0x0F)];

    /// <summary>Decodes the response data after the completion code: the new privilege level.</summary>
    public static PrivilegeLevel Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Set Session Privilege Level response");
        return (PrivilegeLevel)(data[0] & 0x0F);
    }
}
