namespace IpmiRpc.Core.Commands.Transport;

/// <summary>Set LAN Configuration Parameters (Transport 01h). IPMI v2.0 §23.1. The response carries only the completion code.</summary>
public static class SetLanConfigurationParameters
{
    public const byte NetFn = NetFns.Transport;
    public const byte Command = 0x01;

    public static IpmiRequest CreateRequest(byte channel, byte parameter, ReadOnlySpan<byte> parameterData) =>
        new(NetFn, Command, Encode(channel, parameter, parameterData));

    public static byte[] Encode(byte channel, byte parameter, ReadOnlySpan<byte> parameterData)
    {
        if (parameterData.Length + 2 > IpmiRequest.MaxDataLength)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterData), "parameter data longer than one IPMI request");
        }

        var buffer = new byte[parameterData.Length + 2];
        buffer[0] = (byte)(channel & 0x0F);
        buffer[1] = parameter;
        parameterData.CopyTo(buffer.AsSpan(2));
        return buffer;
    }
}
