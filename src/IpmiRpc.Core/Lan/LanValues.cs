namespace IpmiRpc.Core.Lan;

/// <summary>Authentication types enabled for each requested maximum privilege (parameter 2).</summary>
public sealed record AuthTypeEnables(
    IReadOnlyList<string> Callback,
    IReadOnlyList<string> User,
    IReadOnlyList<string> Operator,
    IReadOnlyList<string> Admin,
    IReadOnlyList<string> Oem);

/// <summary>IPv4 header parameters (parameter 7), as field values: <see cref="Flags"/> is the 3-bit IP flags field
/// (2 = don't fragment), <see cref="Precedence"/> the 3-bit precedence, <see cref="Tos"/> the 4-bit type of service.</summary>
public sealed record Ipv4HeaderParameters(int Ttl, int Flags, int Precedence, int Tos);

/// <summary>BMC-generated ARP control (parameter 10).</summary>
public sealed record ArpControl(bool ArpResponsesEnabled, bool GratuitousArpEnabled);

/// <summary>802.1q VLAN ID (parameter 20): the ID is reported even while disabled, as ipmitool reads it.</summary>
public sealed record VlanSetting(int Id, bool Enabled);

/// <summary>One RMCP+ cipher suite the channel offers (parameters 23 and 24).</summary>
/// <param name="MaxPrivilege">callback, user, operator, administrator, oem; null where the BMC marks the entry unused.</param>
public sealed record CipherSuiteEntry(int Id, string? MaxPrivilege);

/// <summary>Bad password threshold (parameter 26).</summary>
public sealed record BadPasswordThreshold(
    int Threshold,
    bool GenerateInvalidPasswordDisableEvent,
    int AttemptCountResetIntervalSeconds,
    int UserLockoutIntervalSeconds);

/// <summary>IPv6/IPv4 support (parameter 50).</summary>
public sealed record Ipv6Support(bool Ipv6Only, bool DualStack, bool Ipv6AlertDestinations);

/// <summary>IPv6 status (parameter 55).</summary>
public sealed record Ipv6Status(int StaticAddressMax, int DynamicAddressMax, bool DhcpV6Supported, bool SlaacSupported);

/// <summary>One IPv6 static (parameter 56) or dynamic (parameter 59) address.</summary>
/// <param name="Source">static, slaac, dhcpv6 or other.</param>
/// <param name="Status">active, disabled, pending, failed, deprecated, invalid or reserved.</param>
public sealed record Ipv6AddressEntry(int Index, string Address, int PrefixLength, string Source, bool Enabled, string Status);

/// <summary>What the BMC answers of the IPv6 parameters; null members where it does not.</summary>
/// <param name="AddressingMode">ipv4Only, ipv6Only, dual or reserved.</param>
public sealed record Ipv6Configuration(
    Ipv6Support? Support,
    string? AddressingMode,
    Ipv6Status? Status,
    IReadOnlyList<Ipv6AddressEntry>? StaticAddresses,
    IReadOnlyList<Ipv6AddressEntry>? DynamicAddresses);
