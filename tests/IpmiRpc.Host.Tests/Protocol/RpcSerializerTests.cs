using IpmiRpc.Core.BootOptions;
using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Core.Configuration;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Protocol;

public class RpcSerializerTests
{
    public static TheoryData<object, string> CoreEnums => new()
    {
        // The strings Core's decoders returned before they returned enums: the wire must not change.
        { PowerRestorePolicy.AlwaysOff, "alwaysOff" },
        { PowerRestorePolicy.AlwaysOn, "alwaysOn" },
        { ChassisIdentifyState.Indefinite, "indefinite" },
        { SetInProgressState.InProgress, "inProgress" },
        { SetInProgressState.CommitWrite, "commitWrite" },
        { AuthType.Md2, "md2" },
        { AuthType.Password, "password" },
        { IpAddressSource.Dhcp, "dhcp" },
        { IpAddressSource.Unspecified, "unspecified" },
        { Ipv6AddressingMode.Ipv4Only, "ipv4Only" },
        { Ipv6AddressSource.Dhcpv6, "dhcpv6" },
        { Ipv6AddressSource.Slaac, "slaac" },
        { Ipv6AddressStatus.Deprecated, "deprecated" },
        { PrivilegeLevel.Administrator, "administrator" },
        { LanSetting.DefaultGatewayMac, "defaultGatewayMac" },
        { LanSetting.IpAddressSource, "ipAddressSource" },
        { BootDevice.DiskSafeMode, "diskSafeMode" },
    };

    [Theory]
    [MemberData(nameof(CoreEnums))]
    public void Core_enums_are_written_as_camelCase_strings(object value, string expected) =>
        Assert.Equal(expected, (string?)JToken.FromObject(value, RpcSerializer.Create()));
}
