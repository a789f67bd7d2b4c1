namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>
/// Chassis Identify (Chassis 04h). IPMI v2.0 §28.5, Table 28-6. Both request bytes are optional: no data means the
/// BMC's default interval (15 s); byte 1 alone is the IPMI 1.5 form; byte 2 (force on, IPMI 2.0) overrides byte 1.
/// Only send byte 2 when forcing, so an IPMI 1.5 BMC still understands a plain interval.
/// </summary>
/// <param name="IntervalSeconds">Seconds to identify (0 turns it off); null for the BMC default.</param>
/// <param name="ForceOn">Identify on indefinitely (IPMI 2.0 only).</param>
public sealed record ChassisIdentify(byte? IntervalSeconds = null, bool ForceOn = false) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(ChassisIdentify));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => (IntervalSeconds, ForceOn) switch
    {
        (_, true) => new byte[] { IntervalSeconds ?? 0, 0b0000_0001 },
        ({ } seconds, false) => new[] { seconds },
        (null, false) => ReadOnlyMemory<byte>.Empty,
    };

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
