namespace IpmiRpc.Core.Commands.App;

/// <summary>Get System Info Parameters (App 59h). IPMI v2.0 §22.14b. The answer is the revision byte, then the
/// parameter data (absent when only the revision was asked for).</summary>
public sealed record GetSystemInfoParameters(byte Parameter, byte SetSelector = 0, byte BlockSelector = 0, bool RevisionOnly = false)
    : IIpmiCommand<ConfigurationParameterResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSystemInfoParameters));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { RevisionOnly ? (byte)0b1000_0000 : (byte)0, Parameter, SetSelector, BlockSelector };

    public ConfigurationParameterResponse Decode(ReadOnlySpan<byte> data) =>
        ConfigurationParameterResponse.Decode(data, "Get System Info Parameters response");
}
