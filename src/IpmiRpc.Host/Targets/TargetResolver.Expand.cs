using System.Globalization;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Targets;

/// <summary>One target of a fan-out: how the result names it, and the target object it resolves from.</summary>
/// <param name="Label">
/// What the result's <c>target</c> member shows: the name as given, the host of a range as expanded
/// (<c>"bmc007"</c>, <c>"127.0.0.1:9001"</c>), or a target object without its secret fields.
/// </param>
/// <param name="Spec">The target object (a targets-file entry, a template with the host filled in, or the object given).</param>
public sealed record SweepTarget(JToken Label, JObject Spec);

public sealed partial class TargetResolver
{
    /// <summary>Groups may name groups; deeper than this is a mistake (a cycle is refused on its own).</summary>
    private const int MaxGroupDepth = 16;

    private static readonly HashSet<string> RangeFields = new(StringComparer.Ordinal) { "hosts", "template" };

    /// <summary>Target fields that hold or point at a secret: never echoed in a result.</summary>
    private static readonly HashSet<string> SecretFields = new(StringComparer.Ordinal)
    {
        "password", "passwordEnv", "passwordFile", "kg", "kgHex", "kgEnv", "kgFile",
    };

    /// <summary>
    /// Expands a <c>targets</c> param — an array of target names, group names, range objects
    /// <c>{"hosts": "bmc[001-100]", "template": name-or-target}</c> and target objects — into one entry per target, in
    /// input order (duplicates kept). No secret is read and nothing is resolved here: a bad target fails its own entry
    /// when it runs. Structural problems (unknown names, bad ranges, more than <paramref name="maxTargets"/>) are -32602.
    /// </summary>
    /// <param name="namesOnly">
    /// Accept only names of targets and groups (MCP): a model never chooses credentials, nor the hosts a named
    /// template's credentials are offered to — ranges are the operator's, written as groups in the targets file.
    /// </param>
    public IReadOnlyList<SweepTarget> ExpandTargets(JToken? targets, string field, int maxTargets, bool namesOnly)
    {
        if (targets is not JArray { Count: > 0 } items)
        {
            throw new RpcParamException(field, "must be a non-empty array of target names, group names, ranges or target objects");
        }

        var expanded = new List<SweepTarget>();
        var groupPath = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            ExpandItem(items[i], $"{field}[{i.ToString(CultureInfo.InvariantCulture)}]", maxTargets, namesOnly, expanded, groupPath);
        }

        return expanded;
    }

    private void ExpandItem(JToken item, string field, int maxTargets, bool namesOnly, List<SweepTarget> expanded, List<string> groupPath)
    {
        switch (item)
        {
            case JValue { Type: JTokenType.String } value:
                var name = (string)value!;
                if (_named.TryGetValue(name, out var entry))
                {
                    Add(expanded, new SweepTarget(name, entry), field, maxTargets);
                }
                else if (_groups.TryGetValue(name, out var group))
                {
                    if (groupPath.Contains(name, StringComparer.Ordinal))
                    {
                        throw new RpcParamException(field, $"group '{name}' contains itself ({string.Join(" → ", groupPath)} → {name})");
                    }

                    if (groupPath.Count >= MaxGroupDepth)
                    {
                        throw new RpcParamException(field, $"groups nest deeper than {MaxGroupDepth.ToString(CultureInfo.InvariantCulture)}");
                    }

                    groupPath.Add(name);
                    for (var i = 0; i < group.Count; i++)
                    {
                        // Group members come from the operator's file: they may be any target, even when the caller may only name them.
                        ExpandItem(group[i], $"{name}[{i.ToString(CultureInfo.InvariantCulture)}]", maxTargets, namesOnly: false, expanded, groupPath);
                    }

                    groupPath.RemoveAt(groupPath.Count - 1);
                }
                else
                {
                    throw new RpcParamException(field, $"no configured target or group named '{name}' (see --targets)");
                }

                break;
            case JObject range when !namesOnly && range.ContainsKey("hosts"):
                ExpandRange(range, field, maxTargets, expanded);
                break;
            case JObject target when !namesOnly:
                Add(expanded, new SweepTarget(WithoutSecrets(target), target), field, maxTargets);
                break;
            default:
                throw new RpcParamException(field, namesOnly
                    ? "must be the name of a target or group in the server's targets file (ranges are defined there, as groups)"
                    : "must be a target name, a group name, a range object {\"hosts\", \"template\"} or a target object");
        }
    }

    private void ExpandRange(JObject range, string field, int maxTargets, List<SweepTarget> expanded)
    {
        foreach (var property in range.Properties())
        {
            if (!RangeFields.Contains(property.Name))
            {
                throw new RpcParamException($"{field}.{property.Name}", "not a field of a range (hosts, template)");
            }
        }

        if (range["hosts"] is not JValue { Type: JTokenType.String } hostsValue || ((string)hostsValue!).Length is 0 or > 4096)
        {
            throw new RpcParamException($"{field}.hosts", "must be a host range of 1 to 4096 characters such as \"bmc[001-100]\" or \"10.1.[0-3].[1-254]\"");
        }

        var template = range["template"] switch
        {
            null or { Type: JTokenType.Null } => [],
            JValue { Type: JTokenType.String } templateName => _named.GetValueOrDefault((string)templateName!)
                ?? throw new RpcParamException($"{field}.template", $"no configured target named '{(string)templateName!}' (see --targets)"),
            JObject given => given,
            _ => throw new RpcParamException($"{field}.template", "must be a target name or a target object"),
        };

        IReadOnlyList<string> hosts;
        try
        {
            hosts = HostRange.Expand((string)hostsValue!, maxTargets - expanded.Count);
        }
        catch (FormatException ex)
        {
            throw new RpcParamException($"{field}.hosts", ex.Message);
        }

        foreach (var hostText in hosts)
        {
            var spec = (JObject)template.DeepClone();
            var (host, port) = SplitPort(hostText, $"{field}.hosts");
            spec["host"] = host;
            if (port is { } p)
            {
                spec["port"] = p;
            }

            Add(expanded, new SweepTarget(hostText, spec), field, maxTargets);
        }
    }

    /// <summary><c>host:port</c> (FreeIPMI's form, <c>127.0.0.1:[9001-9020]</c>); a host with two colons is IPv6, no port.</summary>
    private static (string Host, int? Port) SplitPort(string text, string field)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
        {
            return (text, null);
        }

        return int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 && colon > 0
            ? (text[..colon], port)
            : throw new RpcParamException(field, $"'{text}': the port after ':' must be a number from 1 to 65535");
    }

    private static void Add(List<SweepTarget> expanded, SweepTarget target, string field, int maxTargets)
    {
        if (expanded.Count >= maxTargets)
        {
            throw new RpcParamException(field, $"more than {maxTargets.ToString(CultureInfo.InvariantCulture)} targets in one call");
        }

        expanded.Add(target);
    }

    private static JObject WithoutSecrets(JObject target)
    {
        var label = new JObject();
        foreach (var property in target.Properties().Where(p => !SecretFields.Contains(p.Name)))
        {
            label[property.Name] = property.Value.DeepClone();
        }

        return label;
    }
}
