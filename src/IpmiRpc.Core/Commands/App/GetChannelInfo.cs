namespace IpmiRpc.Core.Commands.App;

/// <summary>Get Channel Info (App 42h). IPMI v2.0 §22.24.</summary>
/// <param name="Channel">Channel number; <see cref="CurrentChannel"/> is the one the request arrives on.</param>
public sealed record GetChannelInfo(byte Channel) : IIpmiCommand<GetChannelInfoResponse>
{
    /// <summary>Channel number meaning "the channel this request arrived on".</summary>
    public const byte CurrentChannel = 0x0E;

    /// <summary>Channel number, medium, protocol, session support and the vendor IANA; the two auxiliary bytes are optional.</summary>
    public const int MinimumLength = 7;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetChannelInfo));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => new[] { (byte)(Channel & 0x0F) };

    public GetChannelInfoResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, MinimumLength, "Get Channel Info response");
        int[]? auxiliary = data.Length >= 9 ? [data[7], data[8]] : null;
        return new GetChannelInfoResponse(
            Channel: data[0] & 0x0F,
            MediumType: (ChannelMediumType)(data[1] & 0b0111_1111),
            ProtocolType: data[2] & 0b0001_1111,
            SessionSupport: (ChannelSessionSupport)(data[3] >> 6),
            ActiveSessionCount: data[3] & 0b0011_1111,
            VendorId: data[4] | (data[5] << 8) | (data[6] << 16),
            AuxiliaryInfo: auxiliary);
    }
}

/// <summary>Channel medium type numbers. IPMI v2.0 Table 6-3.</summary>
public enum ChannelMediumType
{
    Reserved = 0x00,
    Ipmb = 0x01,
    IcmbV10 = 0x02,
    IcmbV09 = 0x03,
    Lan8023 = 0x04,
    Serial = 0x05,
    OtherLan = 0x06,
    PciSmbus = 0x07,
    SmbusV1 = 0x08,
    SmbusV2 = 0x09,
    Usb1 = 0x0A,
    Usb2 = 0x0B,
    SystemInterface = 0x0C,
}

public enum ChannelSessionSupport
{
    SessionLess = 0,
    SingleSession = 1,
    MultiSession = 2,
    SessionBased = 3,
}

public sealed record GetChannelInfoResponse(
    int Channel,
    ChannelMediumType MediumType,
    int ProtocolType,
    ChannelSessionSupport SessionSupport,
    int ActiveSessionCount,
    int VendorId,
    int[]? AuxiliaryInfo);
