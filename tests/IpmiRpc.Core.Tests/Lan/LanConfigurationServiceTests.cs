using IpmiRpc.Core.Configuration;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Lan;

public class LanConfigurationServiceTests
{
    private static readonly byte[] Public = [0x70, 0x75, 0x62, 0x6C, 0x69, 0x63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    // Parameter data as ipmi_sim 2.0.33 answered after `ipmitool lan set 1 …` (ipsrc static, ipaddr 10.1.2.3,
    // netmask 255.255.240.0, defgw 10.1.0.1 / 02:11:22:33:44:55, bakgw 10.1.0.2 / 02:aa:bb:cc:dd:ee, vlan id 123,
    // vlan priority 5, macaddr 52:54:00:12:34:56), captured with `raw 0x0c 0x02 1 P 0 0`.
    private static FakeBmc SimulatorLike()
    {
        var bmc = new FakeBmc();
        bmc.Lan[1] = [0x1F];
        bmc.Lan[2] = [0x17, 0x17, 0x17, 0x17, 0x00];
        bmc.Lan[3] = [0x0A, 0x01, 0x02, 0x03];
        bmc.Lan[4] = [0x01];
        bmc.Lan[5] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
        bmc.Lan[6] = [0xFF, 0xFF, 0xF0, 0x00];
        bmc.Lan[7] = [0x40, 0x40, 0x10];
        bmc.Lan[12] = [0x0A, 0x01, 0x00, 0x01];
        bmc.Lan[13] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
        bmc.Lan[14] = [0x0A, 0x01, 0x00, 0x02];
        bmc.Lan[15] = [0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE];
        bmc.Lan[16] = Public;
        bmc.Lan[17] = [0x00];
        bmc.Lan[20] = [0x7B, 0x80];
        bmc.Lan[21] = [0x05];
        bmc.Lan[22] = [0x0F];
        bmc.Lan[23] = [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10];
        bmc.Lan[24] = [0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44, 0x44];
        return bmc;
    }

    [Fact]
    public async Task Get_decodes_every_parameter_the_simulator_answers()
    {
        var bmc = SimulatorLike();
        bmc.Lan[24] = [0x00, 0x34, 0x21, 0x05, 0x44, 0x44, 0x44, 0x44, 0x04];

        var config = await LanConfigurationService.GetAsync(bmc.Send, null, CancellationToken.None);

        Assert.Equal(1, config.Channel);
        Assert.Equal(SetInProgressState.Complete, config.SetInProgress);
        Assert.Equal([AuthType.None, AuthType.Md2, AuthType.Md5, AuthType.Password], config.AuthTypeSupport);
        Assert.Equal([AuthType.None, AuthType.Md2, AuthType.Md5, AuthType.Password], config.AuthTypeEnables!.Admin);
        Assert.Empty(config.AuthTypeEnables.Oem);
        Assert.Equal("10.1.2.3", config.IpAddress);
        Assert.Equal(IpAddressSource.Static, config.IpAddressSource);
        Assert.Equal("52:54:00:12:34:56", config.MacAddress);
        Assert.Equal("255.255.240.0", config.SubnetMask);
        Assert.Equal(new Ipv4HeaderParameters(0x40, 2, 0, 8), config.IpHeader);
        Assert.Equal("10.1.0.1", config.DefaultGatewayIp);
        Assert.Equal("02:11:22:33:44:55", config.DefaultGatewayMac);
        Assert.Equal("10.1.0.2", config.BackupGatewayIp);
        Assert.Equal("02:aa:bb:cc:dd:ee", config.BackupGatewayMac);
        Assert.Equal("public", config.CommunityString);
        Assert.Equal(123, config.VlanId);
        Assert.True(config.VlanEnabled);
        Assert.Equal(5, config.VlanPriority);
        Assert.Equal(15, config.CipherSuites!.Count);
        Assert.Equal(Enumerable.Range(1, 15), config.CipherSuites.Select(c => c.Id));
        Assert.Equal(new CipherSuiteEntry(1, PrivilegeLevel.Administrator), config.CipherSuites[0]);
        Assert.Equal(new CipherSuiteEntry(2, PrivilegeLevel.Operator), config.CipherSuites[1]);
        Assert.Equal(new CipherSuiteEntry(3, PrivilegeLevel.Callback), config.CipherSuites[2]);
        Assert.Equal(new CipherSuiteEntry(4, PrivilegeLevel.User), config.CipherSuites[3]);
        Assert.Equal(new CipherSuiteEntry(5, PrivilegeLevel.Oem), config.CipherSuites[4]);
        Assert.Equal(new CipherSuiteEntry(6, null), config.CipherSuites[5]);
        // Parameters 10, 11, 26 and IPv6 answer 80h on the simulator: null, not an error.
        Assert.Null(config.ArpControl);
        Assert.Null(config.GratuitousArpIntervalMs);
        Assert.Null(config.BadPasswordThreshold);
        Assert.Null(config.Ipv6);
    }

    [Fact]
    public async Task Get_finds_the_first_8023_channel()
    {
        var bmc = SimulatorLike();
        bmc.ChannelMediums.Clear();
        bmc.ChannelMediums[1] = 0x05; // serial
        bmc.ChannelMediums[3] = 0x04;
        bmc.ChannelMediums[4] = 0x04;

        var config = await LanConfigurationService.GetAsync(bmc.Send, null, CancellationToken.None);

        Assert.Equal(3, config.Channel);
        Assert.All(bmc.Log.Where(r => r.Command == 0x02 && r.NetFn == 0x0C), r => Assert.Equal(3, r.Data.Span[0]));
    }

    [Fact]
    public async Task Get_without_any_LAN_channel_is_not_supported()
    {
        var bmc = SimulatorLike();
        bmc.ChannelMediums.Clear();
        bmc.ChannelMediums[2] = 0x0C;

        await Assert.ThrowsAsync<IpmiNotSupportedException>(() => LanConfigurationService.GetAsync(bmc.Send, null, CancellationToken.None));
        Assert.Equal(11, bmc.Log.Count);
    }

    [Fact]
    public async Task Unsupported_parameters_are_null_and_the_rest_still_decodes()
    {
        var bmc = SimulatorLike();
        bmc.Lan.Remove(3);
        bmc.Lan.Remove(22);
        bmc.Lan.Remove(24);

        var config = await LanConfigurationService.GetAsync(bmc.Send, 1, CancellationToken.None);

        Assert.Null(config.IpAddress);
        Assert.Equal("255.255.240.0", config.SubnetMask);
        // Without parameter 22 every ID parameter 23 carries is taken; without 24 the privilege is unknown.
        Assert.Equal(16, config.CipherSuites!.Count);
        Assert.All(config.CipherSuites, c => Assert.Null(c.MaxPrivilege));
    }

    [Fact]
    public async Task Get_decodes_bad_password_threshold_and_ipv6_when_answered()
    {
        var bmc = SimulatorLike();
        bmc.Lan[26] = [0x01, 0x05, 0x06, 0x00, 0x2C, 0x01];
        bmc.Lan[50] = [0x02];
        bmc.Lan[51] = [0x02];
        bmc.Lan[55] = [0x01, 0x01, 0x03];
        bmc.Intercept = r =>
        {
            var d = r.Data.Span;
            if (r.NetFn == 0x0C && r.Command == 0x02 && d[1] is 56 or 59 && d[2] == 0)
            {
                byte source = d[1] == 56 ? (byte)0x80 : (byte)0x82;
                var address = new byte[16];
                address[0] = 0x20;
                address[1] = 0x01;
                address[2] = 0x0D;
                address[3] = 0xB8;
                address[15] = d[1] == 56 ? (byte)0x01 : (byte)0x02;
                byte[] data = [0x11, 0x00, source, .. address, 64, 0x00];
                return new IpmiResponse(0, data);
            }

            return null;
        };

        var config = await LanConfigurationService.GetAsync(bmc.Send, 1, CancellationToken.None);

        Assert.Equal(new BadPasswordThreshold(5, true, 60, 3000), config.BadPasswordThreshold);
        Assert.Equal(new Ipv6Support(false, true, false), config.Ipv6!.Support);
        Assert.Equal(Ipv6AddressingMode.Dual, config.Ipv6.AddressingMode);
        Assert.Equal(new Ipv6AddressEntry(0, "2001:db8::1", 64, Ipv6AddressSource.Static, true, Ipv6AddressStatus.Active), Assert.Single(config.Ipv6.StaticAddresses!));
        Assert.Equal(new Ipv6AddressEntry(0, "2001:db8::2", 64, Ipv6AddressSource.Dhcpv6, true, Ipv6AddressStatus.Active), Assert.Single(config.Ipv6.DynamicAddresses!));
    }

    [Fact]
    public async Task Set_writes_only_what_differs_inside_the_set_in_progress_protocol()
    {
        var bmc = SimulatorLike();
        var change = new LanConfigurationChange(IpAddress: "192.168.7.9", IpAddressSource: IpAddressSource.Static, SubnetMask: "255.255.255.0",
            DefaultGatewayMac: "02:11:22:33:44:55", VlanId: 200);

        var result = await LanConfigurationService.SetAsync(bmc.Send, null, change, dryRun: false, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.Equal([LanSetting.IpAddress, LanSetting.SubnetMask, LanSetting.VlanId], result.ChangedFields);
        Assert.Equal("10.1.2.3", result.Previous.IpAddress);
        Assert.Equal("192.168.7.9", result.Current.IpAddress);
        Assert.Equal("255.255.255.0", result.Current.SubnetMask);
        Assert.Equal(200, result.Current.VlanId);
        Assert.True(result.Current.VlanEnabled);
        var writes = bmc.Writes.Select(w => Convert.ToHexString(w.Data.Span)).ToArray();
        Assert.Equal(["010001", "0103C0A80709", "0106FFFFFF00", "0114C880", "010002", "010000"], writes);
        Assert.Equal([0xC0, 0xA8, 0x07, 0x09], bmc.Lan[3]);
    }

    [Fact]
    public async Task Set_with_nothing_to_change_writes_nothing()
    {
        var bmc = SimulatorLike();
        var change = new LanConfigurationChange(IpAddress: "10.1.2.3", DefaultGatewayMac: "02-11-22-33-44-55", VlanId: 123, VlanPriority: 5);

        var result = await LanConfigurationService.SetAsync(bmc.Send, 1, change, dryRun: false, CancellationToken.None);

        Assert.False(result.Changed);
        Assert.Empty(result.ChangedFields);
        Assert.Empty(bmc.Writes);
        Assert.Equal(result.Previous, result.Current);
    }

    [Fact]
    public async Task Dry_run_reports_the_change_without_writing()
    {
        var bmc = SimulatorLike();
        var change = new LanConfigurationChange(IpAddressSource: IpAddressSource.Dhcp, VlanId: 0);

        var result = await LanConfigurationService.SetAsync(bmc.Send, 1, change, dryRun: true, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.True(result.DryRun);
        Assert.Equal([LanSetting.IpAddressSource, LanSetting.VlanId], result.ChangedFields);
        Assert.Equal(IpAddressSource.Static, result.Previous.IpAddressSource);
        Assert.Equal(IpAddressSource.Dhcp, result.Current.IpAddressSource);
        Assert.False(result.Current.VlanEnabled);
        Assert.Empty(bmc.Writes);
        Assert.Equal([0x01], bmc.Lan[4]);
    }

    [Theory]
    [InlineData(nameof(LanConfigurationChange.IpAddress), "10.1.2")]
    [InlineData(nameof(LanConfigurationChange.IpAddress), "10.1.2.256")]
    [InlineData(nameof(LanConfigurationChange.IpAddress), "10.1.2.3.4")]
    [InlineData(nameof(LanConfigurationChange.IpAddress), "::1")]
    [InlineData(nameof(LanConfigurationChange.IpAddress), " 10.1.2.3")]
    [InlineData(nameof(LanConfigurationChange.SubnetMask), "255.0.255.0")]
    [InlineData(nameof(LanConfigurationChange.DefaultGatewayIp), "gateway")]
    [InlineData(nameof(LanConfigurationChange.DefaultGatewayMac), "02:11:22:33:44")]
    [InlineData(nameof(LanConfigurationChange.DefaultGatewayMac), "02:11:22:33:44:zz")]
    [InlineData(nameof(LanConfigurationChange.IpAddressSource), "Bios")]
    public async Task Invalid_values_are_rejected_before_anything_is_sent(string field, string value)
    {
        var bmc = SimulatorLike();
        var change = field switch
        {
            nameof(LanConfigurationChange.IpAddress) => new LanConfigurationChange(IpAddress: value),
            nameof(LanConfigurationChange.SubnetMask) => new LanConfigurationChange(SubnetMask: value),
            nameof(LanConfigurationChange.DefaultGatewayIp) => new LanConfigurationChange(DefaultGatewayIp: value),
            nameof(LanConfigurationChange.DefaultGatewayMac) => new LanConfigurationChange(DefaultGatewayMac: value),
            _ => new LanConfigurationChange(IpAddressSource: Enum.Parse<IpAddressSource>(value)),
        };

        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() => LanConfigurationService.SetAsync(bmc.Send, 1, change, false, CancellationToken.None));

        Assert.Equal(field, ex.Field);
        Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.Empty(bmc.Log);
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(4095, null)]
    [InlineData(null, 8)]
    public async Task Out_of_range_vlan_values_are_rejected(int? vlanId, int? priority)
    {
        var bmc = SimulatorLike();
        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() =>
            LanConfigurationService.SetAsync(bmc.Send, 1, new LanConfigurationChange(VlanId: vlanId, VlanPriority: priority), false, CancellationToken.None));
        Assert.Equal(vlanId is null ? nameof(LanConfigurationChange.VlanPriority) : nameof(LanConfigurationChange.VlanId), ex.Field);
        Assert.Empty(bmc.Log);
    }

    [Fact]
    public async Task A_failed_write_rolls_back_and_rethrows()
    {
        var bmc = SimulatorLike();
        bmc.ReadOnlyLan.Add(6);

        var ex = await Assert.ThrowsAsync<CompletionCodeException>(() =>
            LanConfigurationService.SetAsync(bmc.Send, 1, new LanConfigurationChange(IpAddress: "10.9.9.9", SubnetMask: "255.0.0.0"), false, CancellationToken.None));

        Assert.Equal(0x82, ex.CompletionCode);
        var writes = bmc.Writes.Select(w => Convert.ToHexString(w.Data.Span)).ToArray();
        Assert.Equal(["010001", "01030A090909", "0106FF000000", "010000"], writes);
        Assert.Equal([0x0A, 0x01, 0x02, 0x03], bmc.Lan[3]);
    }

    [Fact]
    public async Task Without_parameter_0_the_values_are_written_directly()
    {
        var bmc = SimulatorLike();
        bmc.LanSetInProgressSupported = false;

        var result = await LanConfigurationService.SetAsync(bmc.Send, 1, new LanConfigurationChange(DefaultGatewayIp: "10.1.0.254"), false, CancellationToken.None);

        Assert.Equal("10.1.0.254", result.Current.DefaultGatewayIp);
        Assert.Equal(["010001", "010C0A0100FE"], bmc.Writes.Select(w => Convert.ToHexString(w.Data.Span)));
    }

    [Theory]
    [InlineData(0x80)]
    [InlineData(0x81)]
    public async Task A_BMC_without_commit_is_tolerated(byte commitCode)
    {
        var bmc = SimulatorLike();
        bmc.CommitCompletionCode = commitCode;

        var result = await LanConfigurationService.SetAsync(bmc.Send, 1, new LanConfigurationChange(VlanPriority: 3), false, CancellationToken.None);

        Assert.Equal(3, result.Current.VlanPriority);
    }

    [Fact]
    public async Task Disabling_the_vlan_clears_the_enable_bit()
    {
        var bmc = SimulatorLike();

        var result = await LanConfigurationService.SetAsync(bmc.Send, 1, new LanConfigurationChange(VlanId: 0), false, CancellationToken.None);

        Assert.Equal([LanSetting.VlanId], result.ChangedFields);
        Assert.False(result.Current.VlanEnabled);
        Assert.Equal([0x00, 0x00], bmc.Lan[20]);
    }
}
