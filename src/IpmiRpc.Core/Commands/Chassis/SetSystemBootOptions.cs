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

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            if (ParameterData.Length + 1 > IpmiRequest.MaxDataLength)
            {
                throw new ArgumentOutOfRangeException(nameof(ParameterData), "parameter data longer than one IPMI request");
            }

            var buffer = new byte[ParameterData.Length + 1];
            buffer[0] = (byte)((MarkInvalid ? 0b1000_0000 : 0) | (Parameter & 0x7F));
            ParameterData.Span.CopyTo(buffer.AsSpan(1));
            return buffer;
        }
    }

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
