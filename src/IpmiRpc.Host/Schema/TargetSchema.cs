using System.Globalization;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Schema;

/// <summary>
/// The schema's <c>Target</c>, generated from the transports' target records (<see cref="TargetCatalog"/>): one object
/// whose fields carry <c>x-transports</c> (omitted when every transport has the field) and, where transports describe
/// a field differently, <c>x-descriptions</c> per transport; <c>x-transportFrom</c> lists which field selects which
/// transport and <c>x-required</c> the fields a transport needs. The wrapper generator reads these.
/// </summary>
internal static class TargetSchema
{
    public static JObject Build()
    {
        var uses = new List<(string Name, List<(TargetKind Kind, ParamMember Member)> Uses)>();
        foreach (var kind in TargetCatalog.All)
        {
            foreach (var member in kind.Binder.Members)
            {
                var entry = uses.FirstOrDefault(u => u.Name == member.Name);
                if (entry.Uses is null)
                {
                    entry = (member.Name, []);
                    uses.Add(entry);
                }

                entry.Uses.Add((kind, member));
            }
        }

        // Fields every transport has come last, as they read best after the ones that pick the BMC.
        var ordered = uses.OrderBy(u => u.Uses.Count == TargetCatalog.All.Count ? 1 : 0).ToList();
        var properties = new JObject
        {
            [TargetCatalog.TransportField] = new JObject { ["enum"] = new JArray(TargetCatalog.All.Select(k => k.Transport)) },
        };
        foreach (var (name, fieldUses) in ordered)
        {
            properties[name] = Field(name, fieldUses);
        }

        var required = new JObject();
        foreach (var kind in TargetCatalog.All)
        {
            var names = kind.Binder.Members.Where(m => m.IsRequired).Select(m => m.Name).ToArray();
            if (names.Length > 0)
            {
                required[kind.Transport] = new JArray(names);
            }
        }

        return new JObject
        {
            ["type"] = "object",
            ["description"] = Description(),
            ["properties"] = properties,
            ["additionalProperties"] = false,
            ["x-transportFrom"] = new JArray(TargetCatalog.All.Where(k => k.InferredFrom is not null)
                .Select(k => new JObject { ["field"] = k.InferredFrom, ["transport"] = k.Transport })),
            ["x-required"] = required,
        };
    }

    private static JObject Field(string name, List<(TargetKind Kind, ParamMember Member)> uses)
    {
        var schema = JsonSchemaBuilder.ForParam(uses[0].Member);
        foreach (var (kind, member) in uses.Skip(1))
        {
            if (!JToken.DeepEquals(schema, JsonSchemaBuilder.ForParam(member)))
            {
                throw new InvalidOperationException(
                    $"Target field {name}: {kind.Transport} declares another type or limit than {uses[0].Kind.Transport}; give it another name or the same declaration");
            }
        }

        var texts = uses.Select(u => (u.Kind.Transport, Text: Text(u.Member))).Where(t => t.Text.Length > 0).ToArray();
        if (texts.Select(t => t.Text).Distinct(StringComparer.Ordinal).Count() == 1 && texts.Length == uses.Count)
        {
            schema["description"] = texts[0].Text;
        }
        else if (texts.Length > 0)
        {
            schema["description"] = string.Join(" ", texts.Select(t => t.Transport + ": " + t.Text));
            schema["x-descriptions"] = new JObject(texts.Select(t => new JProperty(t.Transport, t.Text)));
        }

        if (uses.Count < TargetCatalog.All.Count)
        {
            schema["x-transports"] = new JArray(uses.Select(u => u.Kind.Transport));
        }

        return schema;
    }

    /// <summary>The declared description plus the limits the schema keywords cannot say (bytes, not characters).</summary>
    private static string Text(ParamMember member)
    {
        var parts = new List<string>();
        if (member.Description is { } description)
        {
            parts.Add(description);
        }

        if (member.MaxBytes is { } bytes)
        {
            parts.Add($"At most {bytes.ToString(CultureInfo.InvariantCulture)} bytes (UTF-8).");
        }

        if (member.SecretSource is { MaxBytes: < int.MaxValue } source)
        {
            var limit = source.MaxBytes.ToString(CultureInfo.InvariantCulture);
            parts.Add(source.Kind is SecretSourceKind.Text or SecretSourceKind.Hex
                ? $"At most {limit} bytes."
                : $"The secret read from it is at most {limit} bytes.");
        }

        return string.Join(" ", parts);
    }

    private static string Description()
    {
        var inferred = TargetCatalog.All.Where(k => k.InferredFrom is not null).Select(k => $"{k.Transport} when {k.InferredFrom} is given");
        var secrets = TargetCatalog.All
            .SelectMany(k => k.Binder.Members.Where(m => m.SecretSource is not null))
            .GroupBy(m => m.SecretSource!.Secret, StringComparer.Ordinal)
            .Select(g => string.Join("/", g.Select(m => m.Name).Distinct(StringComparer.Ordinal)));
        return "transport defaults to " + string.Join(", ", inferred) + ", else the platform's in-band transport. At most one of "
               + string.Join(" and one of ", secrets) + ". A secret file's one trailing newline is not part of the secret.";
    }
}
