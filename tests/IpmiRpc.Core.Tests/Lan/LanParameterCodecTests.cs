using IpmiRpc.Core.Configuration;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Lan;

public class LanParameterCodecTests
{
    [Theory]
    [InlineData(0x00, SetInProgressState.Complete)]
    [InlineData(0x01, SetInProgressState.InProgress)]
    [InlineData(0x02, SetInProgressState.CommitWrite)]
    [InlineData(0x03, SetInProgressState.Reserved)]
    [InlineData(0xFD, SetInProgressState.InProgress)]
    public void Set_in_progress_uses_bits_1_0(byte value, SetInProgressState expected) =>
        Assert.Equal(expected, LanParameterCodec.DecodeSetInProgress([value]));

    [Fact]
    public void Auth_types_ignore_the_reserved_bit_as_ipmitool_does()
    {
        // ipmi_sim answers 1Fh; ipmitool prints "NONE MD2 MD5 PASSWORD".
        Assert.Equal([AuthType.None, AuthType.Md2, AuthType.Md5, AuthType.Password], LanParameterCodec.DecodeAuthTypeSupport([0x1F]));
        Assert.Equal([AuthType.Oem], LanParameterCodec.DecodeAuthTypeSupport([0x20]));
        var enables = LanParameterCodec.DecodeAuthTypeEnables([0x01, 0x02, 0x04, 0x10, 0x20]);
        Assert.Equal([AuthType.None], enables.Callback);
        Assert.Equal([AuthType.Md2], enables.User);
        Assert.Equal([AuthType.Md5], enables.Operator);
        Assert.Equal([AuthType.Password], enables.Admin);
        Assert.Equal([AuthType.Oem], enables.Oem);
    }

    [Theory]
    [InlineData(0, IpAddressSource.Unspecified)]
    [InlineData(1, IpAddressSource.Static)]
    [InlineData(2, IpAddressSource.Dhcp)]
    [InlineData(3, IpAddressSource.Bios)]
    [InlineData(4, IpAddressSource.Other)]
    [InlineData(9, IpAddressSource.Other)]
    [InlineData(0xF1, IpAddressSource.Static)]
    public void Ip_address_source(byte value, IpAddressSource expected) =>
        Assert.Equal(expected, LanParameterCodec.DecodeIpAddressSource([value]));

    [Fact]
    public void Addresses_are_network_order()
    {
        Assert.Equal("10.1.2.3", LanParameterCodec.DecodeIpv4([10, 1, 2, 3]));
        Assert.Equal("52:54:00:12:34:56", LanParameterCodec.DecodeMac([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]));
        Assert.Equal([10, 1, 2, 3], LanParameterCodec.ParseIpv4("10.1.2.3"));
        Assert.Equal([0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0x0E], LanParameterCodec.ParseMac("02:aa:BB:cc:dd:e"));
        Assert.Equal([0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE], LanParameterCodec.ParseMac("02-aa-bb-cc-dd-ee"));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("255.255.240.0")]
    [InlineData("128.0.0.0")]
    public void Contiguous_masks_are_accepted(string mask) =>
        Assert.Equal(mask, LanParameterCodec.DecodeIpv4(LanParameterCodec.ParseSubnetMask(mask)));

    [Fact]
    public void Ipv4_header_fields_are_extracted_from_their_bits()
    {
        // Spec default: TTL 40h, flags 40h (don't fragment), precedence 0, TOS 10h (minimize delay) → ipmitool
        // prints "TTL=0x40 Flags=0x40 Precedence=0x00 TOS=0x10".
        Assert.Equal(new Ipv4HeaderParameters(0x40, 0b010, 0, 0b1000), LanParameterCodec.DecodeIpv4Header([0x40, 0x40, 0x10]));
        Assert.Equal(new Ipv4HeaderParameters(0xFF, 0b111, 0b111, 0b1111), LanParameterCodec.DecodeIpv4Header([0xFF, 0xFF, 0xFF]));
    }

    [Theory]
    [InlineData(0x7B, 0x80, 123, true)]
    [InlineData(0x7B, 0x00, 123, false)]
    [InlineData(0xFE, 0x8F, 4094, true)]
    [InlineData(0x01, 0x70, 1, false)]
    public void Vlan_id_round_trips(byte low, byte high, int id, bool enabled)
    {
        Assert.Equal(new VlanSetting(id, enabled), LanParameterCodec.DecodeVlanId([low, high]));
        Assert.Equal([low, (byte)(high & 0x8F)], LanParameterCodec.EncodeVlanId(new VlanSetting(id, enabled)));
    }

    [Fact]
    public void Cipher_suites_pair_ids_with_nibble_privileges()
    {
        var ids = LanParameterCodec.DecodeCipherSuiteIds([0x00, 0x03, 0x11, 0x01], count: 2);
        Assert.Equal([3, 17], ids);
        var privileges = LanParameterCodec.DecodeCipherSuitePrivileges([0x00, 0x24, 0, 0, 0, 0, 0, 0, 0x50]);
        Assert.Equal(4, privileges[0]);
        Assert.Equal(2, privileges[1]);
        Assert.Equal(5, privileges[15]);
        Assert.Equal([new CipherSuiteEntry(3, PrivilegeLevel.Administrator), new CipherSuiteEntry(17, PrivilegeLevel.User)], LanParameterCodec.CombineCipherSuites(ids, privileges));
    }

    [Fact]
    public void Community_string_stops_at_nul()
    {
        Assert.Equal("public", LanParameterCodec.DecodeCommunityString([0x70, 0x75, 0x62, 0x6C, 0x69, 0x63, 0, 0x41]));
        Assert.Equal("", LanParameterCodec.DecodeCommunityString([0]));
    }

    [Fact]
    public void Every_decoder_names_the_parameter_when_data_is_short()
    {
        var ex = Assert.Throws<IpmiDecodeException>(() => LanParameterCodec.DecodeMac([1, 2, 3], LanParameter.DefaultGatewayMacAddress));
        Assert.Contains("13", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 bytes", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(-1)]
    public void Vlan_ids_outside_0_to_4094_are_refused(int id)
    {
        // 4095 is reserved by 802.1Q; the encoder used to accept it while its message said 0–4094.
        var ex = Assert.Throws<FormatException>(() => LanParameterCodec.EncodeVlanId(new VlanSetting(id, true)));
        Assert.Contains("4094", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    // Parameter 51 (addressing enables) and the source/status bytes of parameters 56/59, IPMI v2.0 errata Table 23-4.
    [InlineData(0, Ipv6AddressingMode.Ipv4Only)]
    [InlineData(1, Ipv6AddressingMode.Ipv6Only)]
    [InlineData(2, Ipv6AddressingMode.Dual)]
    [InlineData(7, Ipv6AddressingMode.Reserved)]
    public void Ipv6_addressing_mode(byte value, Ipv6AddressingMode expected) =>
        Assert.Equal(expected, LanParameterCodec.DecodeIpv6AddressingMode([value]));

    [Theory]
    [InlineData(0x81, 0x00, Ipv6AddressSource.Slaac, true, Ipv6AddressStatus.Active)]
    [InlineData(0x02, 0x04, Ipv6AddressSource.Dhcpv6, false, Ipv6AddressStatus.Deprecated)]
    [InlineData(0x0F, 0x09, Ipv6AddressSource.Other, false, Ipv6AddressStatus.Reserved)]
    public void Ipv6_address_source_and_status(byte sourceByte, byte statusByte, Ipv6AddressSource source, bool enabled, Ipv6AddressStatus status)
    {
        byte[] data = [0x01, sourceByte, 0xFE, 0x80, .. new byte[13], 0x01, 64, statusByte];
        var entry = LanParameterCodec.DecodeIpv6Address(data);
        Assert.Equal(new Ipv6AddressEntry(1, "fe80::1", 64, source, enabled, status), entry);
    }
}
