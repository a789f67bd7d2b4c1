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

    /// <summary>True when the request goes past the BMC (another controller or a channel): it needs Send Message.</summary>
    public bool IsBridged => ResponderAddress != BmcAddress || Channel is not null;
}
