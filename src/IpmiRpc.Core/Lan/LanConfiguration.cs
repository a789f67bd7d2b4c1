using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.Lan;

/// <summary>
/// Every LAN configuration parameter ipmitool's <c>lan print</c> shows, plus IPv6 where answered. A member is null when
/// the BMC does not support (or refuses to read) that parameter.
/// </summary>
/// <param name="GratuitousArpIntervalMs">Gratuitous ARP interval in milliseconds.</param>
/// <param name="VlanId">The 802.1q VLAN ID as stored, also while <see cref="VlanEnabled"/> is false.</param>
/// <param name="CipherSuites">RMCP+ cipher suites (parameter 23, count from 22) with their maximum privilege (24).</param>
public sealed record LanConfiguration(
    int Channel,
    SetInProgressState? SetInProgress,
    IReadOnlyList<AuthType>? AuthTypeSupport,
    AuthTypeEnables? AuthTypeEnables,
    string? IpAddress,
    IpAddressSource? IpAddressSource,
    string? MacAddress,
    string? SubnetMask,
    Ipv4HeaderParameters? IpHeader,
    ArpControl? ArpControl,
    int? GratuitousArpIntervalMs,
    string? DefaultGatewayIp,
    string? DefaultGatewayMac,
    string? BackupGatewayIp,
    string? BackupGatewayMac,
    string? CommunityString,
    int? VlanId,
    bool? VlanEnabled,
    int? VlanPriority,
    IReadOnlyList<CipherSuiteEntry>? CipherSuites,
    BadPasswordThreshold? BadPasswordThreshold,
    Ipv6Configuration? Ipv6);

/// <summary>The LAN settings a caller may change; a null member is left as it is.</summary>
/// <param name="IpAddressSource">Static or Dhcp.</param>
/// <param name="VlanId">1–4094 enables 802.1q tagging with that ID; 0 disables it.</param>
/// <param name="VlanPriority">0–7.</param>
public sealed record LanConfigurationChange(
    string? IpAddress = null,
    IpAddressSource? IpAddressSource = null,
    string? SubnetMask = null,
    string? DefaultGatewayIp = null,
    string? DefaultGatewayMac = null,
    int? VlanId = null,
    int? VlanPriority = null);

/// <summary>The settable subset of the LAN configuration, before or after a change.</summary>
public sealed record LanSettings(
    string? IpAddress,
    IpAddressSource? IpAddressSource,
    string? SubnetMask,
    string? DefaultGatewayIp,
    string? DefaultGatewayMac,
    int? VlanId,
    bool? VlanEnabled,
    int? VlanPriority);

/// <summary>Outcome of <see cref="LanConfigurationService.SetAsync"/>.</summary>
/// <param name="Changed">True when at least one parameter differed (and, unless <see cref="DryRun"/>, was written).</param>
/// <param name="ChangedFields">The fields that differed, in the order they were (or would be) written.</param>
/// <param name="Previous">What the BMC held before.</param>
/// <param name="Current">What it holds now (read back), or for a dry run what it would hold.</param>
public sealed record LanSetResult(
    int Channel,
    bool Changed,
    bool DryRun,
    IReadOnlyList<LanSetting> ChangedFields,
    LanSettings Previous,
    LanSettings Current);
