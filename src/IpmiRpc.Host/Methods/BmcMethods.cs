using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Methods;

/// <summary>Decoded BMC-level commands.</summary>
public static class BmcMethods
{
    // The command carries no state: one instance serves every request.
    private static readonly GetDeviceId GetDeviceIdCommand = new();

    [RpcMethod("bmc.getDeviceId", "Get Device ID (IPMI v2.0 §20.1), decoded.", ResultName = "deviceId", FanOut = true,
        Ansible = "ipmi_bmc_info", AnsibleGather = "device", PowerShell = "Get-IpmiDeviceId", PowerShellAliases = ["Get-IPMIDevice"])]
    public static Task<GetDeviceIdResponse> GetDeviceIdAsync(RpcCall call) =>
        call.Send.ExecuteAsync(GetDeviceIdCommand, call.CancellationToken);
}
