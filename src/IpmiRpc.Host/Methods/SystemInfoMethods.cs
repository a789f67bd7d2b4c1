using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using IpmiRpc.Core;
using IpmiRpc.Core.SystemInfo;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Methods;

/// <summary><c>systemInfo.get</c> and <c>systemInfo.set</c>: the string parameters 1–7 of Get/Set System Info
/// Parameters (IPMI v2.0 §22.14a/b).</summary>
public static class SystemInfoMethods
{
    [RpcMethod("systemInfo.get", "Reads system info string parameters 1-7 (Get System Info Parameters, IPMI v2.0 §22.14b), spanning 16-byte blocks; ASCII/Latin-1, UTF-8 and UCS-2 decoded. A parameter the BMC does not support (completion code 80h, or C1h when the BMC lacks the command) is null.",
        ResultName = "values", FanOut = true, Ansible = "ipmi_bmc_info", AnsibleGather = "system_info",
        PowerShell = "Get-IpmiSystemInfo", PowerShellAliases = ["Get-IPMISystemInfo"])]
    public static async Task<IReadOnlyDictionary<string, string?>> GetAsync(RpcCall call, SystemInfoGetParams p)
    {
        var values = await SystemInfoService.GetAsync(call.Send, p.Parameters?.Select(ToParameter).ToArray(), call.CancellationToken).ConfigureAwait(false);
        return ByName(values);
    }

    [RpcMethod("systemInfo.set", "Writes system info string parameters (Set System Info Parameters, IPMI v2.0 §22.14a) in the multi-block form (ASCII when possible, else UTF-8; at most 255 bytes) inside the set-in-progress protocol. Idempotent: only values that differ are written.",
        Mutating = true, Ansible = "ipmi_system_info", PowerShell = "Set-IpmiSystemInfo", PowerShellAliases = ["Set-IPMIOSInfo"], ConfirmImpact = "Medium")]
    public static async Task<SystemInfoSetResponse> SetAsync(RpcCall call, SystemInfoSetParams p)
    {
        var values = new Dictionary<SystemInfoParameter, string>();
        foreach (var member in ParamBinder.For(typeof(SystemInfoValues)).Members)
        {
            if (member.Property.GetValue(p.Values) is string value)
            {
                values[Enum.Parse<SystemInfoParameter>(member.Property.Name)] = value;
            }
        }

        try
        {
            var result = await SystemInfoService.SetAsync(call.Send, values, call.DryRun, call.CancellationToken).ConfigureAwait(false);
            return new SystemInfoSetResponse(
                result.Changed, result.DryRun, result.ChangedParameters.Select(NameOf).ToArray(), ByName(result.Previous), ByName(result.Current));
        }
        catch (IpmiInvalidArgumentException ex) when (Enum.TryParse<SystemInfoParameter>(ex.Field, out var parameter))
        {
            throw new RpcParamException("values." + NameOf(parameter), ex.Reason);
        }
    }

    private static SystemInfoParameter ToParameter(SystemInfoName name) => Enum.Parse<SystemInfoParameter>(name.ToString());

    /// <summary>A parameter's API name: the camelCase of its <see cref="SystemInfoName"/>.</summary>
    private static string NameOf(SystemInfoParameter parameter) =>
        EnumNames.Of(typeof(SystemInfoName)).First(n => n.Value.ToString() == parameter.ToString()).Name;

    private static Dictionary<string, string?> ByName(IReadOnlyDictionary<SystemInfoParameter, string?> values) =>
        values.ToDictionary(v => NameOf(v.Key), v => v.Value, StringComparer.Ordinal);

    /// <summary>The <c>systemInfo.set</c> result.</summary>
    public sealed record SystemInfoSetResponse(
        bool Changed,
        bool DryRun,
        IReadOnlyList<string> ChangedParameters,
        IReadOnlyDictionary<string, string?> Previous,
        IReadOnlyDictionary<string, string?> Current);

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
