namespace IpmiRpc.Core.Commands.App;

/// <summary>Set System Info Parameters (App 58h). IPMI v2.0 §22.14a. The response carries only the completion code.</summary>
public static class SetSystemInfoParameters
{
    public const byte NetFn = NetFns.App;
    public const byte Command = 0x58;

    public static IpmiRequest CreateRequest(byte parameter, ReadOnlySpan<byte> parameterData) =>
        new(NetFn, Command, Encode(parameter, parameterData));

    public static byte[] Encode(byte parameter, ReadOnlySpan<byte> parameterData)
    {
        if (parameterData.Length + 1 > IpmiRequest.MaxDataLength)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterData), "parameter data longer than one IPMI request");
        }

        var buffer = new byte[parameterData.Length + 1];
        buffer[0] = parameter;
        parameterData.CopyTo(buffer.AsSpan(1));
        return buffer;
    }
}
