using IpmiRpc.Core.Commands.Transport;
using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.Lan;

/// <summary>
/// The LAN configuration parameters (IPMI v2.0 §23.1–23.2, Table 23-4) as descriptors, and the family that reads and
/// writes them on one channel.
/// </summary>
public static class LanFamily
{
    public static readonly ConfigParameter<LanParameter, SetInProgressState> SetInProgress = new(LanParameter.SetInProgress, LanParameterCodec.DecodeSetInProgress);
    public static readonly ConfigParameter<LanParameter, IReadOnlyList<AuthType>> AuthTypeSupport = new(LanParameter.AuthTypeSupport, LanParameterCodec.DecodeAuthTypeSupport);
    public static readonly ConfigParameter<LanParameter, AuthTypeEnables> AuthTypeEnables = new(LanParameter.AuthTypeEnables, LanParameterCodec.DecodeAuthTypeEnables);
    public static readonly ConfigParameter<LanParameter, string> IpAddress = Ipv4(LanParameter.IpAddress, LanParameterCodec.ParseIpv4);
    public static readonly ConfigParameter<LanParameter, IpAddressSource> IpAddressSource = new(LanParameter.IpAddressSource, LanParameterCodec.DecodeIpAddressSource, LanParameterCodec.EncodeIpAddressSource);
    public static readonly ConfigParameter<LanParameter, string> MacAddress = Mac(LanParameter.MacAddress);
    public static readonly ConfigParameter<LanParameter, string> SubnetMask = Ipv4(LanParameter.SubnetMask, LanParameterCodec.ParseSubnetMask);
    public static readonly ConfigParameter<LanParameter, Ipv4HeaderParameters> Ipv4Header = new(LanParameter.Ipv4HeaderParameters, LanParameterCodec.DecodeIpv4Header);
    public static readonly ConfigParameter<LanParameter, ArpControl> ArpControl = new(LanParameter.BmcGeneratedArpControl, LanParameterCodec.DecodeArpControl);
    public static readonly ConfigParameter<LanParameter, int> GratuitousArpIntervalMs = new(LanParameter.GratuitousArpInterval, LanParameterCodec.DecodeGratuitousArpIntervalMs);
    public static readonly ConfigParameter<LanParameter, string> DefaultGatewayIp = Ipv4(LanParameter.DefaultGatewayAddress, LanParameterCodec.ParseIpv4);
    public static readonly ConfigParameter<LanParameter, string> DefaultGatewayMac = Mac(LanParameter.DefaultGatewayMacAddress);
    public static readonly ConfigParameter<LanParameter, string> BackupGatewayIp = Ipv4(LanParameter.BackupGatewayAddress, LanParameterCodec.ParseIpv4);
    public static readonly ConfigParameter<LanParameter, string> BackupGatewayMac = Mac(LanParameter.BackupGatewayMacAddress);
    public static readonly ConfigParameter<LanParameter, string> CommunityString = new(LanParameter.CommunityString, LanParameterCodec.DecodeCommunityString);
    public static readonly ConfigParameter<LanParameter, VlanSetting> VlanId = new(LanParameter.VlanId, LanParameterCodec.DecodeVlanId, LanParameterCodec.EncodeVlanId);
    public static readonly ConfigParameter<LanParameter, int> VlanPriority = new(LanParameter.VlanPriority, LanParameterCodec.DecodeVlanPriority, LanParameterCodec.EncodeVlanPriority);
    public static readonly ConfigParameter<LanParameter, int> CipherSuiteEntryCount = new(LanParameter.CipherSuiteEntrySupport, LanParameterCodec.DecodeCipherSuiteEntryCount);

    // Only the first entries (the count of parameter 22) are real; without 22 take every entry the BMC sent.
    public static readonly ConfigParameter<LanParameter, int[]> CipherSuiteIds = new(LanParameter.CipherSuiteEntries, data => LanParameterCodec.DecodeCipherSuiteIds(data, 16));
    public static readonly ConfigParameter<LanParameter, int[]> CipherSuitePrivileges = new(LanParameter.CipherSuitePrivilegeLevels, LanParameterCodec.DecodeCipherSuitePrivileges);
    public static readonly ConfigParameter<LanParameter, BadPasswordThreshold> BadPasswordThreshold = new(LanParameter.BadPasswordThreshold, LanParameterCodec.DecodeBadPasswordThreshold);
    public static readonly ConfigParameter<LanParameter, Ipv6Support> Ipv6Support = new(LanParameter.Ipv6Ipv4Support, LanParameterCodec.DecodeIpv6Support);
    public static readonly ConfigParameter<LanParameter, Ipv6AddressingMode> Ipv6AddressingMode = new(LanParameter.Ipv6Ipv4AddressingEnables, LanParameterCodec.DecodeIpv6AddressingMode);
    public static readonly ConfigParameter<LanParameter, Ipv6Status> Ipv6Status = new(LanParameter.Ipv6Status, LanParameterCodec.DecodeIpv6Status);
    public static readonly ConfigParameter<LanParameter, Ipv6AddressEntry> Ipv6StaticAddress = new(LanParameter.Ipv6StaticAddresses, data => LanParameterCodec.DecodeIpv6Address(data, LanParameter.Ipv6StaticAddresses));
    public static readonly ConfigParameter<LanParameter, Ipv6AddressEntry> Ipv6DynamicAddress = new(LanParameter.Ipv6DynamicAddresses, data => LanParameterCodec.DecodeIpv6Address(data, LanParameter.Ipv6DynamicAddresses));

    /// <summary>Get/Set LAN Configuration Parameters on <paramref name="channel"/>.</summary>
    public static ConfigurationFamily<LanParameter> For(byte channel) => new(
        (parameter, setSelector) => new GetLanConfigurationParameters(channel, (byte)parameter, setSelector).Select(r => r.Data),
        (parameter, data) => new SetLanConfigurationParameters(channel, (byte)parameter, data),
        LanParameter.SetInProgress);

    private static ConfigParameter<LanParameter, string> Ipv4(LanParameter parameter, Func<string?, byte[]> parse) =>
        new(parameter, data => LanParameterCodec.DecodeIpv4(data, parameter), text => parse(text));

    private static ConfigParameter<LanParameter, string> Mac(LanParameter parameter) =>
        new(parameter, data => LanParameterCodec.DecodeMac(data, parameter), text => LanParameterCodec.ParseMac(text));
}
