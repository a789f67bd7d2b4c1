namespace IpmiRpc.Core.Commands.App;

/// <summary>
/// Send Message (App 34h), IPMI v2.0 §22.7, Table 22-10: a session-based console asks the BMC to forward a request
/// onto another channel (IPMB) for it. Byte 1 of the request is the tracking mode and channel; the rest is the
/// complete IPMB message for the target, which the transport builds (it needs the rqSeq it chose) — so this is a
/// catalogue row and the byte-1 codec, not a typed command.
/// </summary>
public static class SendMessage
{
    /// <summary>"Track request" (bits 7:6 = 01b): the BMC keeps the request's origin and routes the answer back to the session.</summary>
    public const byte TrackRequest = 0x40;

    /// <summary>The channel number is bits 3:0 of byte 1.</summary>
    public const byte MaxChannel = 0x0F;

    public static CommandInfo Info { get; } = CommandCatalogue.Get(nameof(SendMessage));

    /// <summary>Byte 1 of the request data: track request, the given channel.</summary>
    public static byte ChannelByte(byte channel)
    {
        if (channel > MaxChannel)
        {
            throw new IpmiInvalidArgumentException(nameof(IpmiRequest.Channel), $"must be 0–{MaxChannel}, got {channel}");
        }

        return (byte)(TrackRequest | channel);
    }
}
