using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core.Lan;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary><c>lan.getConfiguration</c> and <c>lan.setConfiguration</c> (IPMI v2.0 §23.1–23.2).</summary>
public static class LanMethods
{
    private const string ChannelDescription = "LAN channel (0-15). Default: the first channel in 1-11 whose medium is 802.3 LAN (Get Channel Info).";

    [RpcMethod("lan.getConfiguration", "Reads the BMC's LAN configuration (Get LAN Configuration Parameters, IPMI v2.0 §23.2): every parameter ipmitool's `lan print` shows, plus IPv6 where the BMC answers. A parameter the BMC does not support is null.",
        ResultName = "configuration", FanOut = true, Ansible = "ipmi_bmc_info", AnsibleGather = "lan",
        PowerShell = "Get-IpmiLanConfiguration", PowerShellAliases = ["Get-IPMILANConfig"])]
    public static Task<LanConfiguration> GetConfigurationAsync(RpcCall call, LanGetParams p) =>
        LanConfigurationService.GetAsync(call.Send, p.Channel, call.CancellationToken);

    [RpcMethod("lan.setConfiguration", "Changes the BMC's IP address, address source, subnet mask, default gateway and VLAN (Set LAN Configuration Parameters, IPMI v2.0 §23.1) inside the set-in-progress protocol (set in progress, write, commit, set complete; rolled back on failure). Only values that differ are written.",
        Mutating = true, Ansible = "ipmi_lan", PowerShell = "Set-IpmiLanConfiguration", ConfirmImpact = "High")]
    public static Task<LanSetResult> SetConfigurationAsync(RpcCall call, LanSetParams p)
    {
        // An explicit "vlanId": null disables tagging like 0 does; an absent vlanId leaves it alone.
        var vlanId = p.VlanId;
        if (vlanId is null && call.Params.Values.TryGetValue("vlanId", StringComparison.Ordinal, out var vlanToken) && vlanToken.Type == JTokenType.Null)
        {
            vlanId = 0;
        }

        var change = new LanConfigurationChange(
            IpAddress: p.IpAddress,
            IpAddressSource: p.IpAddressSource switch
            {
                IpAddressSourceChoice.Static => IpAddressSource.Static,
                IpAddressSourceChoice.Dhcp => IpAddressSource.Dhcp,
                _ => null,
            },
            SubnetMask: p.SubnetMask,
            DefaultGatewayIp: p.DefaultGatewayIp,
            DefaultGatewayMac: p.DefaultGatewayMac,
            VlanId: vlanId,
            VlanPriority: p.VlanPriority);
        // A value Core refuses names its LanConfigurationChange member; ErrorMapper turns that into the param name.
        return LanConfigurationService.SetAsync(call.Send, p.Channel, change, call.DryRun, call.CancellationToken);
    }

    public sealed record LanGetParams
    {
        [Description(ChannelDescription), Range(0, 15)]
        public byte? Channel { get; init; }
    }

    public sealed record LanSetParams
    {
        [Description(ChannelDescription), Range(0, 15)]
        public byte? Channel { get; init; }

        [Description("IPv4 address, a.b.c.d."), MaxLength(64)]
        public string? IpAddress { get; init; }

        [Description("static or dhcp.")]
        public IpAddressSourceChoice? IpAddressSource { get; init; }

        [Description("IPv4 subnet mask with contiguous ones."), MaxLength(64)]
        public string? SubnetMask { get; init; }

        [Description("IPv4 address of the default gateway."), MaxLength(64)]
        public string? DefaultGatewayIp { get; init; }

        [Description("aa:bb:cc:dd:ee:ff (or with '-')."), MaxLength(64)]
        public string? DefaultGatewayMac { get; init; }

        [Description("1-4094 enables 802.1q tagging with that ID; 0 or null disables it; absent leaves it."), Range(0, 4094)]
        public int? VlanId { get; init; }

        [Description("802.1q priority."), Range(0, 7)]
        public int? VlanPriority { get; init; }
    }

    /// <summary>How the BMC gets its IPv4 address, as a caller may set it.</summary>
    public enum IpAddressSourceChoice
    {
        Static,
        Dhcp,
    }
}
