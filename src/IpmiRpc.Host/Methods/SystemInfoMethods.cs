using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core.SystemInfo;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Methods;

/// <summary><c>systemInfo.get</c> and <c>systemInfo.set</c>: the string parameters 1–7 of Get/Set System Info
/// Parameters (IPMI v2.0 §22.14a/b).</summary>
public static class SystemInfoMethods
{
    [RpcMethod("systemInfo.get", "Reads system info string parameters 1-7 (Get System Info Parameters, IPMI v2.0 §22.14b), spanning 16-byte blocks; ASCII/Latin-1, UTF-8 and UCS-2 decoded. A parameter the BMC does not support (completion code 80h, or C1h when the BMC lacks the command) is null.",
        ResultName = "values", FanOut = true, Ansible = "ipmi_bmc_info", AnsibleGather = "system_info",
        PowerShell = "Get-IpmiSystemInfo", PowerShellAliases = ["Get-IPMISystemInfo"])]
    public static Task<IReadOnlyDictionary<string, string?>> GetAsync(RpcCall call, SystemInfoGetParams p) =>
        SystemInfoService.GetAsync(call.Send, p.Parameters?.Select(NameOf).ToArray(), call.CancellationToken);

    [RpcMethod("systemInfo.set", "Writes system info string parameters (Set System Info Parameters, IPMI v2.0 §22.14a) in the multi-block form (ASCII when possible, else UTF-8; at most 255 bytes) inside the set-in-progress protocol. Idempotent: only values that differ are written.",
        Mutating = true, Ansible = "ipmi_system_info", PowerShell = "Set-IpmiSystemInfo", PowerShellAliases = ["Set-IPMIOSInfo"], ConfirmImpact = "Medium")]
    public static Task<SystemInfoSetResult> SetAsync(RpcCall call, SystemInfoSetParams p)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in ParamBinder.For(typeof(SystemInfoValues)).Members)
        {
            if (member.Property.GetValue(p.Values) is string value)
            {
                values[member.Name] = value;
            }
        }

        return SystemInfoService.SetAsync(call.Send, values, call.DryRun, call.CancellationToken);
    }

    private static string NameOf(SystemInfoName name) => EnumNames.Of(typeof(SystemInfoName)).First(n => n.Value.Equals(name)).Name;

    public sealed record SystemInfoGetParams
    {
        [Description("Default: all seven."), MaxLength(16)]
        public SystemInfoName[]? Parameters { get; init; }
    }

    public sealed record SystemInfoSetParams
    {
        [Required, MinProperties(1), Description("The parameters to write, by name; at most 255 bytes each.")]
        public SystemInfoValues Values { get; init; } = new();
    }

    /// <summary>System info string parameters 1–7 by name (IPMI v2.0 Table 22-16a).</summary>
    public sealed record SystemInfoValues
    {
        public string? SystemFirmwareVersion { get; init; }

        public string? SystemName { get; init; }

        public string? PrimaryOperatingSystemName { get; init; }

        public string? OperatingSystemName { get; init; }

        public string? PresentOperatingSystemVersion { get; init; }

        public string? BmcUrl { get; init; }

        public string? HypervisorUrl { get; init; }
    }

    /// <summary>The names of system info string parameters 1–7.</summary>
    public enum SystemInfoName
    {
        SystemFirmwareVersion,
        SystemName,
        PrimaryOperatingSystemName,
        OperatingSystemName,
        PresentOperatingSystemVersion,
        BmcUrl,
        HypervisorUrl,
    }
}
