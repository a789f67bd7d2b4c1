namespace IpmiRpc.Core.Commands.App;

/// <summary>
/// Send Message (App 34h), IPMI v2.0 §22.7, Table 22-10: a session-based console asks the BMC to forward a request
/// onto another channel (IPMB) for it. Byte 1 of the request is the tracking mode and channel; the rest is the
/// complete IPMB message for the target (transports build it: it needs the rqSeq they chose).
/// </summary>
public static class SendMessage
{
    public const byte NetFn = NetFns.App;
    public const byte Command = 0x34;

    /// <summary>"Track request" (bits 7:6 = 01b): the BMC keeps the request's origin and routes the answer back to the session.</summary>
    public const byte TrackRequest = 0x40;

    /// <summary>The channel number is bits 3:0 of byte 1.</summary>
    public const byte MaxChannel = 0x0F;

    /// <summary>Byte 1 of the request data: track request, the given channel.</summary>
    public static byte ChannelByte(byte channel)
    {
        if (channel > MaxChannel)
        {
            throw new IpmiInvalidArgumentException("channel", $"must be 0–{MaxChannel}, got {channel}");
        }

        return (byte)(TrackRequest | channel);
    }
}
