namespace IpmiRpc.Core.Commands.App;

/// <summary>Set System Info Parameters (App 58h). IPMI v2.0 §22.14a. The response carries only the completion code.</summary>
/// <param name="Parameter">Parameter selector.</param>
/// <param name="ParameterData">The parameter data after the selector (for strings: set selector, then a 16-byte block).</param>
public sealed record SetSystemInfoParameters(byte Parameter, ReadOnlyMemory<byte> ParameterData) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(SetSystemInfoParameters));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ParameterRequest.Build([Parameter], ParameterData.Span);

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
