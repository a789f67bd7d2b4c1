using IpmiRpc.Core.Lan;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary><c>lan.getConfiguration</c> and <c>lan.setConfiguration</c> (IPMI v2.0 §23.1–23.2).</summary>
public static class LanMethods
{
    public static async Task<object?> GetConfigurationAsync(RpcCall call)
    {
        var channel = call.Params.OptionalByte("channel", 0, 15);
        return await LanConfigurationService.GetAsync(call.Send, channel, call.CancellationToken).ConfigureAwait(false);
    }

    public static async Task<object?> SetConfigurationAsync(RpcCall call)
    {
        var p = call.Params;
        var channel = p.OptionalByte("channel", 0, 15);
        var dryRun = p.OptionalBool("dryRun") ?? false;

        // An explicit "vlanId": null disables tagging like 0 does; an absent vlanId leaves it alone.
        var vlanId = p.OptionalInt("vlanId", 0, 4094);
        if (vlanId is null && p.Values.TryGetValue("vlanId", StringComparison.Ordinal, out var vlanToken) && vlanToken.Type == JTokenType.Null)
        {
            vlanId = 0;
        }

        var change = new LanConfigurationChange(
            IpAddress: p.OptionalString("ipAddress", 64),
            IpAddressSource: p.OptionalChoice("ipAddressSource", "static", "dhcp") switch
            {
                "static" => IpAddressSource.Static,
                "dhcp" => IpAddressSource.Dhcp,
                _ => null,
            },
            SubnetMask: p.OptionalString("subnetMask", 64),
            DefaultGatewayIp: p.OptionalString("defaultGatewayIp", 64),
            DefaultGatewayMac: p.OptionalString("defaultGatewayMac", 64),
            VlanId: vlanId,
            VlanPriority: p.OptionalInt("vlanPriority", 0, 7));

        // A value Core refuses names its LanConfigurationChange member; ErrorMapper turns that into the param name.
        return await LanConfigurationService.SetAsync(call.Send, channel, change, dryRun, call.CancellationToken).ConfigureAwait(false);
    }
}
