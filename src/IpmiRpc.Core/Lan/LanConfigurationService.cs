using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.Lan;

/// <summary>Reads and changes a BMC's LAN configuration. IPMI v2.0 §23.1–23.2.</summary>
public static class LanConfigurationService
{
    /// <summary>Channels scanned for an 802.3 LAN channel when none is given (0 is the primary IPMB).</summary>
    public const byte FirstChannel = 1;
    public const byte LastChannel = 11;

    // IPv6 address tables are bounded whatever the BMC claims.
    private const int MaxIpv6Addresses = 16;

    /// <summary>Every parameter <c>ipmitool lan print</c> shows, in its order.</summary>
    private static readonly IConfigParameter[] Printed =
    [
        LanFamily.SetInProgress, LanFamily.AuthTypeSupport, LanFamily.AuthTypeEnables, LanFamily.IpAddress,
        LanFamily.IpAddressSource, LanFamily.MacAddress, LanFamily.SubnetMask, LanFamily.Ipv4Header, LanFamily.ArpControl,
        LanFamily.GratuitousArpIntervalMs, LanFamily.DefaultGatewayIp, LanFamily.DefaultGatewayMac, LanFamily.BackupGatewayIp,
        LanFamily.BackupGatewayMac, LanFamily.CommunityString, LanFamily.VlanId, LanFamily.VlanPriority,
        LanFamily.CipherSuiteEntryCount, LanFamily.CipherSuiteIds, LanFamily.CipherSuitePrivileges, LanFamily.BadPasswordThreshold,
    ];

    private static readonly IConfigParameter[] Ipv6Printed = [LanFamily.Ipv6Support, LanFamily.Ipv6AddressingMode, LanFamily.Ipv6Status];

    /// <summary>
    /// The settable fields, in write order: real BMCs want the source before the address, and VLAN last (it can cut the
    /// management path). Each reads its value out of <see cref="LanSettings"/> and plans its write from a change.
    /// </summary>
    private static readonly SettableField[] Settable =
    [
        ValueField(LanSetting.IpAddressSource, LanFamily.IpAddressSource, c => c.IpAddressSource, s => s.IpAddressSource, (s, v) => s with { IpAddressSource = v }),
        Field(LanSetting.IpAddress, LanFamily.IpAddress, c => c.IpAddress, s => s.IpAddress, (s, v) => s with { IpAddress = v }),
        Field(LanSetting.SubnetMask, LanFamily.SubnetMask, c => c.SubnetMask, s => s.SubnetMask, (s, v) => s with { SubnetMask = v }),
        Field(LanSetting.DefaultGatewayIp, LanFamily.DefaultGatewayIp, c => c.DefaultGatewayIp, s => s.DefaultGatewayIp, (s, v) => s with { DefaultGatewayIp = v }),
        Field(LanSetting.DefaultGatewayMac, LanFamily.DefaultGatewayMac, c => c.DefaultGatewayMac, s => s.DefaultGatewayMac, (s, v) => s with { DefaultGatewayMac = v }),
        Field(
            LanSetting.VlanId,
            LanFamily.VlanId,
            c => c.VlanId is { } id ? new VlanSetting(id, id != 0) : null,
            // A disabled VLAN is the same whatever ID it keeps.
            s => s.VlanEnabled == true ? new VlanSetting(s.VlanId ?? 0, true) : s.VlanEnabled == false ? new VlanSetting(0, false) : null,
            (s, v) => s with { VlanId = v.Id, VlanEnabled = v.Enabled }),
        ValueField(LanSetting.VlanPriority, LanFamily.VlanPriority, c => c.VlanPriority, s => s.VlanPriority, (s, v) => s with { VlanPriority = v }),
    ];

    private static readonly IConfigParameter[] SettingsParameters = Settable.Select(f => f.Parameter).ToArray();

    /// <summary>The first channel in 1–11 whose medium is 802.3 LAN, by Get Channel Info.</summary>
    /// <exception cref="IpmiNotSupportedException">No such channel.</exception>
    public static async Task<byte> FindLanChannelAsync(IpmiSend send, CancellationToken ct)
    {
        for (var channel = FirstChannel; channel <= LastChannel; channel++)
        {
            var command = new GetChannelInfo(channel);
            var response = await send(command.ToRequest(), ct).ConfigureAwait(false);
            if (!response.IsSuccess || response.Data.Length < GetChannelInfo.MinimumLength)
            {
                continue;
            }

            if (command.Decode(response.Data.Span).MediumType == ChannelMediumType.Lan8023)
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
        var family = LanFamily.For(ch);
        var values = await family.ReadAllAsync(send, Printed, ct).ConfigureAwait(false);
        var ipv6 = await ReadIpv6Async(send, family, ct).ConfigureAwait(false);

        IReadOnlyList<CipherSuiteEntry>? cipherSuites = null;
        if (values.Get(LanFamily.CipherSuiteIds) is { } allIds)
        {
            var count = values.GetValue(LanFamily.CipherSuiteEntryCount) ?? allIds.Length;
            cipherSuites = LanParameterCodec.CombineCipherSuites(allIds.Take(count).ToArray(), values.Get(LanFamily.CipherSuitePrivileges));
        }

        var vlan = values.Get(LanFamily.VlanId);
        return new LanConfiguration(
            Channel: ch,
            SetInProgress: values.GetValue(LanFamily.SetInProgress),
            AuthTypeSupport: values.Get(LanFamily.AuthTypeSupport),
            AuthTypeEnables: values.Get(LanFamily.AuthTypeEnables),
            IpAddress: values.Get(LanFamily.IpAddress),
            IpAddressSource: values.GetValue(LanFamily.IpAddressSource),
            MacAddress: values.Get(LanFamily.MacAddress),
            SubnetMask: values.Get(LanFamily.SubnetMask),
            IpHeader: values.Get(LanFamily.Ipv4Header),
            ArpControl: values.Get(LanFamily.ArpControl),
            GratuitousArpIntervalMs: values.GetValue(LanFamily.GratuitousArpIntervalMs),
            DefaultGatewayIp: values.Get(LanFamily.DefaultGatewayIp),
            DefaultGatewayMac: values.Get(LanFamily.DefaultGatewayMac),
            BackupGatewayIp: values.Get(LanFamily.BackupGatewayIp),
            BackupGatewayMac: values.Get(LanFamily.BackupGatewayMac),
            CommunityString: values.Get(LanFamily.CommunityString),
            VlanId: vlan?.Id,
            VlanEnabled: vlan?.Enabled,
            VlanPriority: values.GetValue(LanFamily.VlanPriority),
            CipherSuites: cipherSuites,
            BadPasswordThreshold: values.Get(LanFamily.BadPasswordThreshold),
            Ipv6: ipv6);
    }

    /// <summary>
    /// Validates <paramref name="change"/>, reads the current values, and writes the ones that differ inside the
    /// set-in-progress protocol (unless <paramref name="dryRun"/>), then reads them back.
    /// </summary>
    /// <exception cref="IpmiInvalidArgumentException">A malformed address, out-of-range VLAN ID or priority, or an
    /// address source other than static or DHCP — raised before anything is sent; its field is the
    /// <see cref="LanConfigurationChange"/> member's name.</exception>
    public static async Task<LanSetResult> SetAsync(IpmiSend send, byte? channel, LanConfigurationChange change, bool dryRun, CancellationToken ct)
    {
        var plan = Settable.Select(field => field.Plan(change)).OfType<PlannedWrite>().ToList();
        var ch = await ResolveChannelAsync(send, channel, ct).ConfigureAwait(false);
        var previous = await ReadSettingsAsync(send, ch, ct).ConfigureAwait(false);

        var writes = plan.Where(w => w.Differs(previous)).ToList();
        var changedFields = writes.Select(w => w.Field).ToArray();
        if (writes.Count == 0 || dryRun)
        {
            var wouldBe = writes.Aggregate(previous, (settings, w) => w.Apply(settings));
            return new LanSetResult(ch, writes.Count > 0, dryRun, changedFields, previous, wouldBe);
        }

        await LanFamily.For(ch).WriteAsync(send, writes.Select(w => w.Write).ToList(), ct).ConfigureAwait(false);
        var current = await ReadSettingsAsync(send, ch, ct).ConfigureAwait(false);
        return new LanSetResult(ch, true, false, changedFields, previous, current);
    }

    /// <summary>The settable subset, read from the BMC (null members where unsupported).</summary>
    public static async Task<LanSettings> ReadSettingsAsync(IpmiSend send, byte channel, CancellationToken ct)
    {
        var values = await LanFamily.For(channel).ReadAllAsync(send, SettingsParameters, ct).ConfigureAwait(false);
        var vlan = values.Get(LanFamily.VlanId);
        return new LanSettings(
            values.Get(LanFamily.IpAddress),
            values.GetValue(LanFamily.IpAddressSource),
            values.Get(LanFamily.SubnetMask),
            values.Get(LanFamily.DefaultGatewayIp),
            values.Get(LanFamily.DefaultGatewayMac),
            vlan?.Id,
            vlan?.Enabled,
            values.GetValue(LanFamily.VlanPriority));
    }

    private static async Task<byte> ResolveChannelAsync(IpmiSend send, byte? channel, CancellationToken ct)
    {
        if (channel is { } given)
        {
            return given <= 0x0F ? given : throw new IpmiInvalidArgumentException("Channel", "must be 0–15");
        }

        return await FindLanChannelAsync(send, ct).ConfigureAwait(false);
    }

    private static async Task<Ipv6Configuration?> ReadIpv6Async(IpmiSend send, ConfigurationFamily<LanParameter> family, CancellationToken ct)
    {
        var values = await family.ReadAllAsync(send, Ipv6Printed, ct).ConfigureAwait(false);
        var support = values.Get(LanFamily.Ipv6Support);
        var mode = values.GetValue(LanFamily.Ipv6AddressingMode);
        var status = values.Get(LanFamily.Ipv6Status);
        if (support is null && mode is null && status is null)
        {
            return null;
        }

        IReadOnlyList<Ipv6AddressEntry>? statics = null, dynamics = null;
        if (status is not null)
        {
            statics = await ReadIpv6AddressesAsync(send, family, LanFamily.Ipv6StaticAddress, status.StaticAddressMax, ct).ConfigureAwait(false);
            dynamics = await ReadIpv6AddressesAsync(send, family, LanFamily.Ipv6DynamicAddress, status.DynamicAddressMax, ct).ConfigureAwait(false);
        }

        return new Ipv6Configuration(support, mode, status, statics, dynamics);
    }

    private static async Task<IReadOnlyList<Ipv6AddressEntry>?> ReadIpv6AddressesAsync(
        IpmiSend send, ConfigurationFamily<LanParameter> family, ConfigParameter<LanParameter, Ipv6AddressEntry> parameter, int count, CancellationToken ct)
    {
        var entries = new List<Ipv6AddressEntry>();
        for (var i = 0; i < Math.Min(count, MaxIpv6Addresses); i++)
        {
            var data = await family.ReadAsync(send, parameter.Selector, (byte)i, ct).ConfigureAwait(false);
            if (data is null)
            {
                return i == 0 ? null : entries;
            }

            entries.Add(parameter.Decode(data));
        }

        return entries;
    }

    private static SettableField Field<T>(
        LanSetting field,
        ConfigParameter<LanParameter, T> parameter,
        Func<LanConfigurationChange, T?> wanted,
        Func<LanSettings, T?> current,
        Func<LanSettings, T, LanSettings> apply)
        where T : class =>
        Plan(field, parameter, c => wanted(c) is { } value ? [value] : [], (s, written) => Equals(current(s), written), apply);

    private static SettableField ValueField<T>(
        LanSetting field,
        ConfigParameter<LanParameter, T> parameter,
        Func<LanConfigurationChange, T?> wanted,
        Func<LanSettings, T?> current,
        Func<LanSettings, T, LanSettings> apply)
        where T : struct =>
        Plan(field, parameter, c => wanted(c) is { } value ? [value] : [], (s, written) => current(s) is { } now && now.Equals(written), apply);

    // wanted: the change's value for this field, if it names one (empty: leave the field alone).
    private static SettableField Plan<T>(
        LanSetting field,
        ConfigParameter<LanParameter, T> parameter,
        Func<LanConfigurationChange, T[]> wanted,
        Func<LanSettings, T, bool> same,
        Func<LanSettings, T, LanSettings> apply) =>
        new(parameter, change =>
        {
            if (wanted(change) is not [var value])
            {
                return null;
            }

            byte[] data;
            try
            {
                data = parameter.Encode!(value);
            }
            catch (FormatException ex)
            {
                throw new IpmiInvalidArgumentException(field.ToString(), ex.Message);
            }

            // Compare what the BMC would read back: a written address comes back in its canonical form.
            var written = parameter.Decode(data);
            return new PlannedWrite(
                field,
                new ParameterWrite<LanParameter>(parameter.Selector, data),
                settings => !same(settings, written),
                settings => apply(settings, written));
        });

    private sealed record SettableField(IConfigParameter Parameter, Func<LanConfigurationChange, PlannedWrite?> Plan);

    private sealed record PlannedWrite(
        LanSetting Field,
        ParameterWrite<LanParameter> Write,
        Func<LanSettings, bool> Differs,
        Func<LanSettings, LanSettings> Apply);
}
