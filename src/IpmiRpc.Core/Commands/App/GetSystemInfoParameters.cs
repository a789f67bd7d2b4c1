namespace IpmiRpc.Core.Commands.App;

/// <summary>Get System Info Parameters (App 59h). IPMI v2.0 §22.14b.</summary>
public static class GetSystemInfoParameters
{
    public const byte NetFn = NetFns.App;
    public const byte Command = 0x59;

    public static IpmiRequest CreateRequest(byte parameter, byte setSelector = 0, byte blockSelector = 0, bool revisionOnly = false) =>
        new(NetFn, Command, Encode(parameter, setSelector, blockSelector, revisionOnly));

    public static byte[] Encode(byte parameter, byte setSelector, byte blockSelector, bool revisionOnly) =>
        [revisionOnly ? (byte)0b1000_0000 : (byte)0, parameter, setSelector, blockSelector];

    /// <summary>Revision byte, then the parameter data (absent when only the revision was asked for).</summary>
    public static ConfigurationParameterResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Get System Info Parameters response");
        return new ConfigurationParameterResponse(data[0], data[1..].ToArray());
    }
}

/// <summary>The answer of a Get … Configuration Parameters command: parameter revision plus raw parameter data.</summary>
/// <param name="Revision">Parameter revision (present version in bits 7:4, oldest compatible in 3:0).</param>
/// <param name="Data">The parameter data that follows the revision byte.</param>
public sealed record ConfigurationParameterResponse(byte Revision, byte[] Data);
