namespace IpmiRpc.Core.Commands.Transport;

/// <summary>Set LAN Configuration Parameters (Transport 01h). IPMI v2.0 §23.1. The response carries only the completion code.</summary>
public sealed record SetLanConfigurationParameters(byte Channel, byte Parameter, ReadOnlyMemory<byte> ParameterData) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(SetLanConfigurationParameters));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            if (ParameterData.Length + 2 > IpmiRequest.MaxDataLength)
            {
                throw new ArgumentOutOfRangeException(nameof(ParameterData), "parameter data longer than one IPMI request");
            }

            var buffer = new byte[ParameterData.Length + 2];
            buffer[0] = (byte)(Channel & 0x0F);
            buffer[1] = Parameter;
            ParameterData.Span.CopyTo(buffer.AsSpan(2));
            return buffer;
        }
    }

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
