using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Commands.Transport;

/// <summary>Get LAN Configuration Parameters (Transport 02h). IPMI v2.0 §23.2.</summary>
public static class GetLanConfigurationParameters
{
    public const byte NetFn = NetFns.Transport;
    public const byte Command = 0x02;

    public static IpmiRequest CreateRequest(byte channel, byte parameter, byte setSelector = 0, byte blockSelector = 0, bool revisionOnly = false) =>
        new(NetFn, Command, Encode(channel, parameter, setSelector, blockSelector, revisionOnly));

    public static byte[] Encode(byte channel, byte parameter, byte setSelector, byte blockSelector, bool revisionOnly) =>
        [(byte)((revisionOnly ? 0b1000_0000 : 0) | (channel & 0x0F)), parameter, setSelector, blockSelector];

    public static ConfigurationParameterResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 1, "Get LAN Configuration Parameters response");
        return new ConfigurationParameterResponse(data[0], data[1..].ToArray());
    }
}
