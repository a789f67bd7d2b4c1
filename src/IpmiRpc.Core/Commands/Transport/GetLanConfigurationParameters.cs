namespace IpmiRpc.Core.Commands.Transport;

/// <summary>Get LAN Configuration Parameters (Transport 02h). IPMI v2.0 §23.2.</summary>
public sealed record GetLanConfigurationParameters(byte Channel, byte Parameter, byte SetSelector = 0, byte BlockSelector = 0, bool RevisionOnly = false)
    : IIpmiCommand<ConfigurationParameterResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetLanConfigurationParameters));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData =>
        new[] { (byte)((RevisionOnly ? 0b1000_0000 : 0) | (Channel & 0x0F)), Parameter, SetSelector, BlockSelector };

    public ConfigurationParameterResponse Decode(ReadOnlySpan<byte> data) =>
        ConfigurationParameterResponse.Decode(data, "Get LAN Configuration Parameters response");
}
