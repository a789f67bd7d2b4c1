using IpmiRpc.Core;
using IpmiRpc.Core.SystemInfo;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Methods;

/// <summary><c>systemInfo.get</c> and <c>systemInfo.set</c>: the string parameters 1–7 of Get/Set System Info
/// Parameters (IPMI v2.0 §22.14a/b).</summary>
public static class SystemInfoMethods
{
    /// <summary>The API names: each parameter's name in camelCase, as its StringEnumConverter spelling.</summary>
    private static readonly Dictionary<SystemInfoParameter, string> Names =
        SystemInfoFamily.Strings.ToDictionary(p => p, p => char.ToLowerInvariant(p.ToString()[0]) + p.ToString()[1..]);

    private static readonly string NameList = string.Join(", ", Names.Values);

    public static async Task<object?> GetAsync(RpcCall call)
    {
        var names = call.Params.OptionalStringArray("parameters", 16);
        var parameters = names?.Select(name => Parse(name) ?? throw new RpcParamException("parameters", $"unknown parameter '{name}'; expected one of {NameList}")).ToArray();
        var values = await SystemInfoService.GetAsync(call.Send, parameters, call.CancellationToken).ConfigureAwait(false);
        return ByName(values);
    }

    public static async Task<object?> SetAsync(RpcCall call)
    {
        var values = call.Params.OptionalStringMap("values") ?? throw call.Params.Error("values", "required");
        if (values.Count == 0)
        {
            throw call.Params.Error("values", "must name at least one parameter");
        }

        var dryRun = call.Params.OptionalBool("dryRun") ?? false;
        var byParameter = new Dictionary<SystemInfoParameter, string>();
        var callerNames = new Dictionary<SystemInfoParameter, string>();
        foreach (var (name, value) in values)
        {
            var parameter = Parse(name) ?? throw new RpcParamException($"values.{name}", $"unknown parameter; expected one of {NameList}");
            if (!byParameter.TryAdd(parameter, value))
            {
                throw new RpcParamException($"values.{name}", "given more than once");
            }

            callerNames[parameter] = name;
        }

        try
        {
            var result = await SystemInfoService.SetAsync(call.Send, byParameter, dryRun, call.CancellationToken).ConfigureAwait(false);
            return new SystemInfoSetResponse(
                result.Changed, result.DryRun, result.ChangedParameters.Select(p => Names[p]).ToArray(), ByName(result.Previous), ByName(result.Current));
        }
        catch (IpmiInvalidArgumentException ex) when (Enum.TryParse<SystemInfoParameter>(ex.Field, out var parameter) && callerNames.TryGetValue(parameter, out var name))
        {
            throw new RpcParamException($"values.{name}", ex.Reason);
        }
    }

    private static SystemInfoParameter? Parse(string name) =>
        Names.FirstOrDefault(n => string.Equals(n.Value, name, StringComparison.OrdinalIgnoreCase)) is { Value: not null } match ? match.Key : null;

    private static Dictionary<string, string?> ByName(IReadOnlyDictionary<SystemInfoParameter, string?> values) =>
        values.ToDictionary(v => Names[v.Key], v => v.Value, StringComparer.Ordinal);

    /// <summary>The <c>systemInfo.set</c> result.</summary>
    public sealed record SystemInfoSetResponse(
        bool Changed,
        bool DryRun,
        IReadOnlyList<string> ChangedParameters,
        IReadOnlyDictionary<string, string?> Previous,
        IReadOnlyDictionary<string, string?> Current);
}
