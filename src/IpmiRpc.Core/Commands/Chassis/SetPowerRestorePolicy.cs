namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>
/// Set Power Restore Policy (Chassis 06h). IPMI v2.0 §28.8, Table 28-9. Answers the policies the BMC supports;
/// <see cref="PowerRestorePolicySetting.NoChange"/> only asks for them.
/// </summary>
public sealed record SetPowerRestorePolicy(PowerRestorePolicySetting Policy) : IIpmiCommand<SupportedPowerRestorePolicies>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(SetPowerRestorePolicy));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)Policy };

    public SupportedPowerRestorePolicies Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Set Power Restore Policy response");
        var supported = data[0];
        return new SupportedPowerRestorePolicies(
            AlwaysOff: (supported & 0b0000_0001) != 0,
            Previous: (supported & 0b0000_0010) != 0,
            AlwaysOn: (supported & 0b0000_0100) != 0);
    }
}

/// <summary>Power restore policy request values (byte 1 bits 2:0).</summary>
public enum PowerRestorePolicySetting : byte
{
    AlwaysOff = 0,
    Previous = 1,
    AlwaysOn = 2,

    /// <summary>Change nothing; the answer still lists the supported policies.</summary>
    NoChange = 3,
}

/// <summary>The policies the BMC supports (response byte 2).</summary>
public sealed record SupportedPowerRestorePolicies(bool AlwaysOff, bool Previous, bool AlwaysOn);
