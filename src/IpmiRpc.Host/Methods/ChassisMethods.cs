using IpmiRpc.Core;
using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Methods;

/// <summary>Chassis: power, restore policy, faults, identify (IPMI v2.0 §28).</summary>
public static class ChassisMethods
{
    [RpcMethod("chassis.getStatus", "Power state, power-restore policy, last power event, faults, intrusion, identify state and front-panel buttons (Get Chassis Status, IPMI v2.0 §28.2), decoded.",
        ResultName = "status", FanOut = true, Ansible = "ipmi_chassis_info", PowerShell = "Get-IpmiChassisStatus")]
    public static Task<ChassisStatus> GetStatusAsync(RpcCall call) =>
        call.Send.ExecuteAsync(new GetChassisStatus(), call.CancellationToken);
}
