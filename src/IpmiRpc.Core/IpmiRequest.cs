namespace IpmiRpc.Core;

/// <summary>One IPMI request as every transport sees it: addressing plus the data bytes after the command byte.</summary>
/// <param name="NetFn">Network function (even: request). 6 bits.</param>
/// <param name="Command">Command number.</param>
/// <param name="Data">Request data, without NetFn/LUN/command bytes.</param>
/// <param name="Lun">Responder LUN (0–3).</param>
/// <param name="ResponderAddress">Responder slave address; 0x20 is the BMC. Anything else means bridging.</param>
/// <param name="Channel">Channel for bridged requests; null means the BMC itself.</param>
public sealed record IpmiRequest(
    byte NetFn,
    byte Command,
    ReadOnlyMemory<byte> Data,
    byte Lun = 0,
    byte ResponderAddress = IpmiRequest.BmcAddress,
    byte? Channel = null)
{
    public const byte BmcAddress = 0x20;

    /// <summary>The largest request data a transport must accept (IPMB message limit less the header).</summary>
    public const int MaxDataLength = 255;
}

/// <summary>The BMC's answer: the completion code and the data bytes that follow it.</summary>
public sealed record IpmiResponse(byte CompletionCode, ReadOnlyMemory<byte> Data)
{
    public bool IsSuccess => CompletionCode == 0;

    /// <summary>Throws <see cref="CompletionCodeException"/> unless the completion code is 00h.</summary>
    public IpmiResponse EnsureSuccess(byte netFn, byte command)
    {
        if (CompletionCode != 0)
        {
            throw new CompletionCodeException(CompletionCode, netFn, command, Data.ToArray());
        }

        return this;
    }
}
