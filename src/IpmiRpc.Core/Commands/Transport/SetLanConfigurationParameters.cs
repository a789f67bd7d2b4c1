namespace IpmiRpc.Core.Commands.Transport;

/// <summary>Set LAN Configuration Parameters (Transport 01h). IPMI v2.0 §23.1. The response carries only the completion code.</summary>
public sealed record SetLanConfigurationParameters(byte Channel, byte Parameter, ReadOnlyMemory<byte> ParameterData) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(SetLanConfigurationParameters));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ParameterRequest.Build([(byte)(Channel & 0x0F), Parameter], ParameterData.Span);

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
