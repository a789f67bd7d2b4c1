namespace IpmiRpc.Core.Lan;

/// <summary>The settings <see cref="LanConfigurationChange"/> can change, named as its members.</summary>
public enum LanSetting
{
    IpAddressSource,
    IpAddress,
    SubnetMask,
    DefaultGatewayIp,
    DefaultGatewayMac,
    VlanId,
    VlanPriority,
}
