using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Lan;

/// <summary>Authentication types enabled for each requested maximum privilege (parameter 2).</summary>
public sealed record AuthTypeEnables(
    IReadOnlyList<AuthType> Callback,
    IReadOnlyList<AuthType> User,
    IReadOnlyList<AuthType> Operator,
    IReadOnlyList<AuthType> Admin,
    IReadOnlyList<AuthType> Oem);

/// <summary>IPv4 header parameters (parameter 7), as field values: <see cref="Flags"/> is the 3-bit IP flags field
/// (2 = don't fragment), <see cref="Precedence"/> the 3-bit precedence, <see cref="Tos"/> the 4-bit type of service.</summary>
public sealed record Ipv4HeaderParameters(int Ttl, int Flags, int Precedence, int Tos);

/// <summary>BMC-generated ARP control (parameter 10).</summary>
public sealed record ArpControl(bool ArpResponsesEnabled, bool GratuitousArpEnabled);

/// <summary>802.1q VLAN ID (parameter 20): the ID is reported even while disabled, as ipmitool reads it.</summary>
public sealed record VlanSetting(int Id, bool Enabled);

/// <summary>One RMCP+ cipher suite the channel offers (parameters 23 and 24).</summary>
/// <param name="MaxPrivilege">The highest privilege a session with this suite may have; null where the BMC marks the entry unused.</param>
public sealed record CipherSuiteEntry(int Id, PrivilegeLevel? MaxPrivilege);

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
public sealed record Ipv6AddressEntry(int Index, string Address, int PrefixLength, Ipv6AddressSource Source, bool Enabled, Ipv6AddressStatus Status);

/// <summary>What the BMC answers of the IPv6 parameters; null members where it does not.</summary>
public sealed record Ipv6Configuration(
    Ipv6Support? Support,
    Ipv6AddressingMode? AddressingMode,
    Ipv6Status? Status,
    IReadOnlyList<Ipv6AddressEntry>? StaticAddresses,
    IReadOnlyList<Ipv6AddressEntry>? DynamicAddresses);

/// <summary>IPMI 1.5 authentication types, by their bit in parameters 1 and 2 (IPMI v2.0 Table 23-4; bit 3 is reserved).</summary>
public enum AuthType
{
    None = 0,
    Md2 = 1,
    Md5 = 2,
    Password = 4,
    Oem = 5,
}

/// <summary>Where the BMC's IPv4 address comes from (parameter 4, bits 3:0).</summary>
public enum IpAddressSource
{
    Unspecified = 0,
    Static = 1,
    Dhcp = 2,
    Bios = 3,

    /// <summary>Any other value (4: other protocol, or reserved).</summary>
    Other = 4,
}

/// <summary>IPv6/IPv4 addressing enables (parameter 51).</summary>
public enum Ipv6AddressingMode
{
    Ipv4Only = 0,
    Ipv6Only = 1,
    Dual = 2,
    Reserved = 3,
}

/// <summary>How an IPv6 address was configured (parameters 56 and 59, byte 2 bits 3:0).</summary>
public enum Ipv6AddressSource
{
    Static = 0,
    Slaac = 1,
    Dhcpv6 = 2,
    Other = 3,
}

/// <summary>The state of an IPv6 address (parameters 56 and 59, last byte).</summary>
public enum Ipv6AddressStatus
{
    Active = 0,
    Disabled = 1,
    Pending = 2,
    Failed = 3,
    Deprecated = 4,
    Invalid = 5,
    Reserved = 6,
}
