namespace IpmiRpc.Core.Commands;

/// <summary>The answer of a Get … Configuration Parameters command: parameter revision plus raw parameter data.</summary>
/// <param name="Revision">Parameter revision (present version in bits 7:4, oldest compatible in 3:0).</param>
/// <param name="Data">The parameter data that follows the revision byte.</param>
public sealed record ConfigurationParameterResponse(byte Revision, byte[] Data)
{
    /// <summary>Reads the revision byte and the parameter data after it.</summary>
    public static ConfigurationParameterResponse Decode(ReadOnlySpan<byte> data, string what)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, what);
        return new ConfigurationParameterResponse(data[0], data[1..].ToArray());
    }
}
