using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Set Session Privilege Level (App 3Bh), IPMI v2.0 §22.18. The answer is the session's new privilege level.</summary>
/// <param name="Privilege">The level to raise (or lower) the session to; value 0 only reads the present level back.</param>
public sealed record SetSessionPrivilegeLevel(PrivilegeLevel Privilege) : IIpmiCommand<PrivilegeLevel>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(SetSessionPrivilegeLevel));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)((byte)Privilege & 0x0F) };

    public PrivilegeLevel Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Set Session Privilege Level response");
        return (PrivilegeLevel)(data[0] & 0x0F);
    }
}
