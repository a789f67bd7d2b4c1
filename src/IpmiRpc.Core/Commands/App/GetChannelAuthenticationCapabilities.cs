using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Get Channel Authentication Capabilities (App 38h), IPMI v2.0 §22.13. Sent outside a session.</summary>
/// <param name="Privilege">The maximum privilege level the console will ask for.</param>
/// <param name="Channel">The channel to ask about; <see cref="CurrentChannel"/> is the one the request arrives on.</param>
/// <param name="Ipmi20ExtendedData">Sets bit 7 of byte 1 so an IPMI 2.0 BMC reports its RMCP+ support (an IPMI 1.5
/// BMC answers CCh to it, which callers may retry without the bit).</param>
public sealed record GetChannelAuthenticationCapabilities(
    PrivilegeLevel Privilege,
    byte Channel = GetChannelAuthenticationCapabilities.CurrentChannel,
    bool Ipmi20ExtendedData = true) : IIpmiCommand<GetChannelAuthenticationCapabilitiesResponse>
{
    /// <summary>Channel number meaning "the channel this request arrived on".</summary>
    public const byte CurrentChannel = 0x0E;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetChannelAuthenticationCapabilities));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData =>
        new[] { (byte)((Ipmi20ExtendedData ? 0x80 : 0x00) | (Channel & 0x0F)), (byte)((byte)Privilege & 0x0F) };

    /// <summary>Decodes the response data after the completion code (8 bytes).</summary>
    public GetChannelAuthenticationCapabilitiesResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 8, "Get Channel Authentication Capabilities response");
        var authTypes = data[1];
        var status = data[2];
        var extended = data[3];
        var ipmi20Data = (authTypes & 0x80) != 0;
        return new GetChannelAuthenticationCapabilitiesResponse(
            Channel: (byte)(data[0] & 0x0F),
            Ipmi20ExtendedData: ipmi20Data,
            AuthTypeNone: (authTypes & 0b0000_0001) != 0,
            AuthTypeMd2: (authTypes & 0b0000_0010) != 0,
            AuthTypeMd5: (authTypes & 0b0000_0100) != 0,
            AuthTypeStraightPassword: (authTypes & 0b0001_0000) != 0,
            AuthTypeOem: (authTypes & 0b0010_0000) != 0,
            KgStatusNonZero: (status & 0b0010_0000) != 0,
            PerMessageAuthenticationDisabled: (status & 0b0001_0000) != 0,
            UserLevelAuthenticationDisabled: (status & 0b0000_1000) != 0,
            NonNullUsernamesEnabled: (status & 0b0000_0100) != 0,
            NullUsernamesEnabled: (status & 0b0000_0010) != 0,
            AnonymousLoginEnabled: (status & 0b0000_0001) != 0,
            SupportsIpmi20: ipmi20Data && (extended & 0b0000_0010) != 0,
            SupportsIpmi15: !ipmi20Data || (extended & 0b0000_0001) != 0,
            OemId: data[4] | (data[5] << 8) | (data[6] << 16),
            OemAuxiliaryData: data[7]);
    }
}

/// <param name="KgStatusNonZero">True when the BMC has a non-zero Kg (two-key login): a client must supply it.</param>
/// <param name="SupportsIpmi20">RMCP+ sessions are available on this channel.</param>
public sealed record GetChannelAuthenticationCapabilitiesResponse(
    byte Channel,
    bool Ipmi20ExtendedData,
    bool AuthTypeNone,
    bool AuthTypeMd2,
    bool AuthTypeMd5,
    bool AuthTypeStraightPassword,
    bool AuthTypeOem,
    bool KgStatusNonZero,
    bool PerMessageAuthenticationDisabled,
    bool UserLevelAuthenticationDisabled,
    bool NonNullUsernamesEnabled,
    bool NullUsernamesEnabled,
    bool AnonymousLoginEnabled,
    bool SupportsIpmi20,
    bool SupportsIpmi15,
    int OemId,
    byte OemAuxiliaryData);
