namespace IpmiRpc.Core.Commands;

/// <summary>The request data of a Set … Parameters command: a few fixed bytes (channel, selector) then the parameter data.</summary>
internal static class ParameterRequest
{
    /// <exception cref="ArgumentOutOfRangeException">More than one IPMI request can carry.</exception>
    public static byte[] Build(ReadOnlySpan<byte> head, ReadOnlySpan<byte> parameterData)
    {
        if (head.Length + parameterData.Length > IpmiRequest.MaxDataLength)
        {
            throw new ArgumentOutOfRangeException(nameof(parameterData), "parameter data longer than one IPMI request");
        }

        var buffer = new byte[head.Length + parameterData.Length];
        head.CopyTo(buffer);
        parameterData.CopyTo(buffer.AsSpan(head.Length));
        return buffer;
    }
}
