using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Commands.Transport;

namespace IpmiRpc.Core.Lan;

/// <summary>Reads and changes a BMC's LAN configuration. IPMI v2.0 §23.1–23.2.</summary>
public static class LanConfigurationService
{
    /// <summary>Channels scanned for an 802.3 LAN channel when none is given (0 is the primary IPMB).</summary>
    public const byte FirstChannel = 1;
    public const byte LastChannel = 11;

    // IPv6 address tables are bounded whatever the BMC claims.
    private const int MaxIpv6Addresses = 16;

    /// <summary>The first channel in 1–11 whose medium is 802.3 LAN, by Get Channel Info.</summary>
    /// <exception cref="IpmiNotSupportedException">No such channel.</exception>
    public static async Task<byte> FindLanChannelAsync(IpmiSend send, CancellationToken ct)
    {
        for (var channel = FirstChannel; channel <= LastChannel; channel++)
        {
            var response = await send(GetChannelInfo.CreateRequest(channel), ct).ConfigureAwait(false);
            if (!response.IsSuccess || response.Data.Length < GetChannelInfo.MinimumLength)
            {
                continue;
            }

            if (GetChannelInfo.Decode(response.Data.Span).MediumType == ChannelMediumType.Lan8023)
            {
                return channel;
            }
        }

        throw new IpmiNotSupportedException($"No 802.3 LAN channel found on channels {FirstChannel}–{LastChannel} (Get Channel Info)");
    }

    /// <summary>Reads every parameter <c>ipmitool lan print</c> shows, plus IPv6 where answered. A parameter the BMC
    /// answers with a non-zero completion code (80h: not supported) is null.</summary>
    public static async Task<LanConfiguration> GetAsync(IpmiSend send, byte? channel, CancellationToken ct)
    {
        var ch = await ResolveChannelAsync(send, channel, ct).ConfigureAwait(false);

        async Task<byte[]?> Read(LanParameter parameter, byte setSelector = 0) =>
            await ReadParameterAsync(send, ch, parameter, setSelector, ct).ConfigureAwait(false);

        var setInProgress = await Read(LanParameter.SetInProgress).ConfigureAwait(false);
        var authSupport = await Read(LanParameter.AuthTypeSupport).ConfigureAwait(false);
        var authEnables = await Read(LanParameter.AuthTypeEnables).ConfigureAwait(false);
        var ip = await Read(LanParameter.IpAddress).ConfigureAwait(false);
        var ipSource = await Read(LanParameter.IpAddressSource).ConfigureAwait(false);
        var mac = await Read(LanParameter.MacAddress).ConfigureAwait(false);
        var mask = await Read(LanParameter.SubnetMask).ConfigureAwait(false);
        var header = await Read(LanParameter.Ipv4HeaderParameters).ConfigureAwait(false);
        var arp = await Read(LanParameter.BmcGeneratedArpControl).ConfigureAwait(false);
        var arpInterval = await Read(LanParameter.GratuitousArpInterval).ConfigureAwait(false);
        var gatewayIp = await Read(LanParameter.DefaultGatewayAddress).ConfigureAwait(false);
        var gatewayMac = await Read(LanParameter.DefaultGatewayMacAddress).ConfigureAwait(false);
        var backupIp = await Read(LanParameter.BackupGatewayAddress).ConfigureAwait(false);
        var backupMac = await Read(LanParameter.BackupGatewayMacAddress).ConfigureAwait(false);
        var community = await Read(LanParameter.CommunityString).ConfigureAwait(false);
        var vlan = await Read(LanParameter.VlanId).ConfigureAwait(false);
        var vlanPriority = await Read(LanParameter.VlanPriority).ConfigureAwait(false);
        var cipherCount = await Read(LanParameter.CipherSuiteEntrySupport).ConfigureAwait(false);
        var cipherIds = await Read(LanParameter.CipherSuiteEntries).ConfigureAwait(false);
        var cipherPrivileges = await Read(LanParameter.CipherSuitePrivilegeLevels).ConfigureAwait(false);
        var badPassword = await Read(LanParameter.BadPasswordThreshold).ConfigureAwait(false);
        var ipv6 = await ReadIpv6Async(send, ch, ct).ConfigureAwait(false);

        var vlanSetting = vlan is null ? null : LanParameterCodec.DecodeVlanId(vlan);
        IReadOnlyList<CipherSuiteEntry>? cipherSuites = null;
        if (cipherIds is not null)
        {
            // Without parameter 22 the count is unknown: take every entry the BMC sent.
            var count = cipherCount is null ? 16 : LanParameterCodec.DecodeCipherSuiteEntryCount(cipherCount);
            var ids = LanParameterCodec.DecodeCipherSuiteIds(cipherIds, count);
            var privileges = cipherPrivileges is null ? null : LanParameterCodec.DecodeCipherSuitePrivileges(cipherPrivileges);
            cipherSuites = LanParameterCodec.CombineCipherSuites(ids, privileges);
        }

        return new LanConfiguration(
            Channel: ch,
            SetInProgress: setInProgress is null ? null : LanParameterCodec.DecodeSetInProgress(setInProgress),
            AuthTypeSupport: authSupport is null ? null : LanParameterCodec.DecodeAuthTypeSupport(authSupport),
            AuthTypeEnables: authEnables is null ? null : LanParameterCodec.DecodeAuthTypeEnables(authEnables),
            IpAddress: ip is null ? null : LanParameterCodec.DecodeIpv4(ip, LanParameter.IpAddress),
            IpAddressSource: ipSource is null ? null : LanParameterCodec.DecodeIpAddressSource(ipSource),
            MacAddress: mac is null ? null : LanParameterCodec.DecodeMac(mac, LanParameter.MacAddress),
            SubnetMask: mask is null ? null : LanParameterCodec.DecodeIpv4(mask, LanParameter.SubnetMask),
            IpHeader: header is null ? null : LanParameterCodec.DecodeIpv4Header(header),
            ArpControl: arp is null ? null : LanParameterCodec.DecodeArpControl(arp),
            GratuitousArpIntervalMs: arpInterval is null ? null : LanParameterCodec.DecodeGratuitousArpIntervalMs(arpInterval),
            DefaultGatewayIp: gatewayIp is null ? null : LanParameterCodec.DecodeIpv4(gatewayIp, LanParameter.DefaultGatewayAddress),
            DefaultGatewayMac: gatewayMac is null ? null : LanParameterCodec.DecodeMac(gatewayMac, LanParameter.DefaultGatewayMacAddress),
            BackupGatewayIp: backupIp is null ? null : LanParameterCodec.DecodeIpv4(backupIp, LanParameter.BackupGatewayAddress),
            BackupGatewayMac: backupMac is null ? null : LanParameterCodec.DecodeMac(backupMac, LanParameter.BackupGatewayMacAddress),
            CommunityString: community is null ? null : LanParameterCodec.DecodeCommunityString(community),
            VlanId: vlanSetting?.Id,
            VlanEnabled: vlanSetting?.Enabled,
            VlanPriority: vlanPriority is null ? null : LanParameterCodec.DecodeVlanPriority(vlanPriority),
            CipherSuites: cipherSuites,
            BadPasswordThreshold: badPassword is null ? null : LanParameterCodec.DecodeBadPasswordThreshold(badPassword),
            Ipv6: ipv6);
    }

    /// <summary>
    /// Validates <paramref name="change"/>, reads the current values, and writes the ones that differ inside the
    /// set-in-progress protocol (unless <paramref name="dryRun"/>), then reads them back.
    /// </summary>
    /// <exception cref="IpmiInvalidArgumentException">A malformed address, out-of-range VLAN ID or priority, or an
    /// unknown address source — raised before anything is sent.</exception>
    public static async Task<LanSetResult> SetAsync(IpmiSend send, byte? channel, LanConfigurationChange change, bool dryRun, CancellationToken ct)
    {
        var plan = Plan(change);
        var ch = await ResolveChannelAsync(send, channel, ct).ConfigureAwait(false);
        var previous = await ReadSettingsAsync(send, ch, ct).ConfigureAwait(false);

        var writes = plan.Where(w => w.Differs(previous)).ToList();
        var changedFields = writes.Select(w => w.Field).ToArray();
        if (writes.Count == 0 || dryRun)
        {
            var wouldBe = writes.Aggregate(previous, (settings, w) => w.Apply(settings));
            return new LanSetResult(ch, writes.Count > 0, dryRun, changedFields, previous, wouldBe);
        }

        await SetInProgressProtocol.RunAsync(
            (state, token) => send(SetLanConfigurationParameters.CreateRequest(ch, (byte)LanParameter.SetInProgress, [state]), token),
            SetLanConfigurationParameters.NetFn,
            SetLanConfigurationParameters.Command,
            async token =>
            {
                foreach (var write in writes)
                {
                    await send.SendCheckedAsync(SetLanConfigurationParameters.CreateRequest(ch, (byte)write.Parameter, write.Data), token).ConfigureAwait(false);
                }
            },
            ct).ConfigureAwait(false);

        var current = await ReadSettingsAsync(send, ch, ct).ConfigureAwait(false);
        return new LanSetResult(ch, true, false, changedFields, previous, current);
    }

    /// <summary>The settable subset, read from the BMC (null members where unsupported).</summary>
    public static async Task<LanSettings> ReadSettingsAsync(IpmiSend send, byte channel, CancellationToken ct)
    {
        var ip = await ReadParameterAsync(send, channel, LanParameter.IpAddress, 0, ct).ConfigureAwait(false);
        var source = await ReadParameterAsync(send, channel, LanParameter.IpAddressSource, 0, ct).ConfigureAwait(false);
        var mask = await ReadParameterAsync(send, channel, LanParameter.SubnetMask, 0, ct).ConfigureAwait(false);
        var gatewayIp = await ReadParameterAsync(send, channel, LanParameter.DefaultGatewayAddress, 0, ct).ConfigureAwait(false);
        var gatewayMac = await ReadParameterAsync(send, channel, LanParameter.DefaultGatewayMacAddress, 0, ct).ConfigureAwait(false);
        var vlan = await ReadParameterAsync(send, channel, LanParameter.VlanId, 0, ct).ConfigureAwait(false);
        var priority = await ReadParameterAsync(send, channel, LanParameter.VlanPriority, 0, ct).ConfigureAwait(false);
        var vlanSetting = vlan is null ? null : LanParameterCodec.DecodeVlanId(vlan);
        return new LanSettings(
            ip is null ? null : LanParameterCodec.DecodeIpv4(ip, LanParameter.IpAddress),
            source is null ? null : LanParameterCodec.DecodeIpAddressSource(source),
            mask is null ? null : LanParameterCodec.DecodeIpv4(mask, LanParameter.SubnetMask),
            gatewayIp is null ? null : LanParameterCodec.DecodeIpv4(gatewayIp, LanParameter.DefaultGatewayAddress),
            gatewayMac is null ? null : LanParameterCodec.DecodeMac(gatewayMac, LanParameter.DefaultGatewayMacAddress),
            vlanSetting?.Id,
            vlanSetting?.Enabled,
            priority is null ? null : LanParameterCodec.DecodeVlanPriority(priority));
    }

    /// <summary>One parameter's data (after the revision byte), or null when the BMC answers a non-zero completion code.</summary>
    public static async Task<byte[]?> ReadParameterAsync(IpmiSend send, byte channel, LanParameter parameter, byte setSelector, CancellationToken ct)
    {
        var response = await send(GetLanConfigurationParameters.CreateRequest(channel, (byte)parameter, setSelector), ct).ConfigureAwait(false);
        return response.IsSuccess ? GetLanConfigurationParameters.Decode(response.Data.Span).Data : null;
    }

    private static async Task<byte> ResolveChannelAsync(IpmiSend send, byte? channel, CancellationToken ct)
    {
        if (channel is { } given)
        {
            return given <= 0x0F ? given : throw new IpmiInvalidArgumentException("channel", "must be 0–15");
        }

        return await FindLanChannelAsync(send, ct).ConfigureAwait(false);
    }

    private static async Task<Ipv6Configuration?> ReadIpv6Async(IpmiSend send, byte channel, CancellationToken ct)
    {
        var support = await ReadParameterAsync(send, channel, LanParameter.Ipv6Ipv4Support, 0, ct).ConfigureAwait(false);
        var mode = await ReadParameterAsync(send, channel, LanParameter.Ipv6Ipv4AddressingEnables, 0, ct).ConfigureAwait(false);
        var statusData = await ReadParameterAsync(send, channel, LanParameter.Ipv6Status, 0, ct).ConfigureAwait(false);
        if (support is null && mode is null && statusData is null)
        {
            return null;
        }

        var status = statusData is null ? null : LanParameterCodec.DecodeIpv6Status(statusData);
        IReadOnlyList<Ipv6AddressEntry>? statics = null, dynamics = null;
        if (status is not null)
        {
            statics = await ReadIpv6AddressesAsync(send, channel, LanParameter.Ipv6StaticAddresses, status.StaticAddressMax, ct).ConfigureAwait(false);
            dynamics = await ReadIpv6AddressesAsync(send, channel, LanParameter.Ipv6DynamicAddresses, status.DynamicAddressMax, ct).ConfigureAwait(false);
        }

        return new Ipv6Configuration(
            support is null ? null : LanParameterCodec.DecodeIpv6Support(support),
            mode is null ? null : LanParameterCodec.DecodeIpv6AddressingMode(mode),
            status,
            statics,
            dynamics);
    }

    private static async Task<IReadOnlyList<Ipv6AddressEntry>?> ReadIpv6AddressesAsync(IpmiSend send, byte channel, LanParameter parameter, int count, CancellationToken ct)
    {
        var entries = new List<Ipv6AddressEntry>();
        for (var i = 0; i < Math.Min(count, MaxIpv6Addresses); i++)
        {
            var data = await ReadParameterAsync(send, channel, parameter, (byte)i, ct).ConfigureAwait(false);
            if (data is null)
            {
                return i == 0 ? null : entries;
            }

            entries.Add(LanParameterCodec.DecodeIpv6Address(data, parameter));
        }

        return entries;
    }

    private static List<PlannedWrite> Plan(LanConfigurationChange change)
    {
        var plan = new List<PlannedWrite>();
        if (change.IpAddressSource is { } source)
        {
            var normalized = source.Trim().ToLowerInvariant();
            var code = LanParameterCodec.EncodeIpAddressSource(normalized);
            plan.Add(new PlannedWrite("ipAddressSource", LanParameter.IpAddressSource, [code],
                s => s.IpAddressSource != normalized, s => s with { IpAddressSource = normalized }));
        }

        if (change.IpAddress is { } ipText)
        {
            var bytes = LanParameterCodec.ParseIpv4(ipText, "ipAddress");
            var text = LanParameterCodec.DecodeIpv4(bytes);
            plan.Add(new PlannedWrite("ipAddress", LanParameter.IpAddress, bytes,
                s => s.IpAddress != text, s => s with { IpAddress = text }));
        }

        if (change.SubnetMask is { } maskText)
        {
            var bytes = LanParameterCodec.ParseSubnetMask(maskText, "subnetMask");
            var text = LanParameterCodec.DecodeIpv4(bytes);
            plan.Add(new PlannedWrite("subnetMask", LanParameter.SubnetMask, bytes,
                s => s.SubnetMask != text, s => s with { SubnetMask = text }));
        }

        if (change.DefaultGatewayIp is { } gatewayText)
        {
            var bytes = LanParameterCodec.ParseIpv4(gatewayText, "defaultGatewayIp");
            var text = LanParameterCodec.DecodeIpv4(bytes);
            plan.Add(new PlannedWrite("defaultGatewayIp", LanParameter.DefaultGatewayAddress, bytes,
                s => s.DefaultGatewayIp != text, s => s with { DefaultGatewayIp = text }));
        }

        if (change.DefaultGatewayMac is { } macText)
        {
            var bytes = LanParameterCodec.ParseMac(macText, "defaultGatewayMac");
            var text = LanParameterCodec.DecodeMac(bytes);
            plan.Add(new PlannedWrite("defaultGatewayMac", LanParameter.DefaultGatewayMacAddress, bytes,
                s => s.DefaultGatewayMac != text, s => s with { DefaultGatewayMac = text }));
        }

        if (change.VlanId is { } vlanId)
        {
            if (vlanId is < 0 or > 4094)
            {
                throw new IpmiInvalidArgumentException("vlanId", "must be 1–4094, or 0 to disable");
            }

            if (vlanId == 0)
            {
                plan.Add(new PlannedWrite("vlanId", LanParameter.VlanId, LanParameterCodec.EncodeVlanId(0, false),
                    s => s.VlanEnabled != false, s => s with { VlanId = 0, VlanEnabled = false }));
            }
            else
            {
                plan.Add(new PlannedWrite("vlanId", LanParameter.VlanId, LanParameterCodec.EncodeVlanId(vlanId, true),
                    s => s.VlanEnabled != true || s.VlanId != vlanId, s => s with { VlanId = vlanId, VlanEnabled = true }));
            }
        }

        if (change.VlanPriority is { } priority)
        {
            if (priority is < 0 or > 7)
            {
                throw new IpmiInvalidArgumentException("vlanPriority", "must be 0–7");
            }

            plan.Add(new PlannedWrite("vlanPriority", LanParameter.VlanPriority, [(byte)priority],
                s => s.VlanPriority != priority, s => s with { VlanPriority = priority }));
        }

        return plan;
    }

    // Order matters on real BMCs: source before address, VLAN last (it can cut the management path).
    private sealed record PlannedWrite(
        string Field,
        LanParameter Parameter,
        byte[] Data,
        Func<LanSettings, bool> Differs,
        Func<LanSettings, LanSettings> Apply);
}
