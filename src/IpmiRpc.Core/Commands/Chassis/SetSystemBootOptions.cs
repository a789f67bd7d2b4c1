namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>Set System Boot Options (Chassis 08h). IPMI v2.0 §28.12, Table 28-12. The response carries only the
/// completion code.</summary>
/// <param name="Parameter">Boot option parameter selector (bits 6:0).</param>
/// <param name="ParameterData">The parameter data.</param>
/// <param name="MarkInvalid">Byte 1 bit 7: mark the parameter invalid / locked instead of valid / unlocked.</param>
public sealed record SetSystemBootOptions(byte Parameter, ReadOnlyMemory<byte> ParameterData, bool MarkInvalid = false) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(SetSystemBootOptions));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData =>
        ParameterRequest.Build([(byte)((MarkInvalid ? 0b1000_0000 : 0) | (Parameter & 0x7F))], ParameterData.Span);

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
