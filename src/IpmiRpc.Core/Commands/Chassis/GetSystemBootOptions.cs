namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>Get System Boot Options (Chassis 09h). IPMI v2.0 §28.13, Table 28-13.</summary>
/// <param name="Parameter">Boot option parameter selector (bits 6:0).</param>
public sealed record GetSystemBootOptions(byte Parameter, byte SetSelector = 0, byte BlockSelector = 0) : IIpmiCommand<BootOptionResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSystemBootOptions));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)(Parameter & 0x7F), SetSelector, BlockSelector };

    /// <summary>Parameter version, then the selector with its valid/locked bit, then the parameter data.</summary>
    public BootOptionResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Get System Boot Options response");
        return new BootOptionResponse(
            Version: (byte)(data[0] & 0x0F),
            Parameter: (byte)(data[1] & 0x7F),
            MarkedInvalid: (data[1] & 0b1000_0000) != 0,
            Data: data[2..].ToArray());
    }
}

/// <summary>A boot option parameter as the BMC answered it.</summary>
/// <param name="Version">Parameter version (1 in IPMI v2.0).</param>
/// <param name="Parameter">The parameter selector the answer is for.</param>
/// <param name="MarkedInvalid">The parameter is marked invalid / locked (byte 2 bit 7).</param>
/// <param name="Data">The parameter data.</param>
public sealed record BootOptionResponse(byte Version, byte Parameter, bool MarkedInvalid, byte[] Data);
