using Newtonsoft.Json.Linq;

namespace IpmiRpc.Reliability.Tests.HostileInput;

/// <summary>One request with one parameter (or target field) given a JSON type its schema does not accept.</summary>
public sealed record WrongTypeCase(string Method, string Field, JToken Value, JObject Params);

/// <summary>Generates wrong-type requests from the OpenRPC document rpc.discover returns.</summary>
public static class WrongTypes
{
    private static readonly (string Type, JToken Sample)[] Samples =
    [
        ("string", "wrong"),
        ("integer", 7),
        ("number", 2.5),
        ("boolean", true),
        ("array", new JArray(1, 2)),
        ("object", new JObject { ["wrong"] = 1 }),
    ];

    /// <summary>
    /// Valid params for each method, so that only the one wrong field can be the cause of -32602: every required param
    /// gets a valid value from its schema, and a mutating method runs as a dry run (nothing sent to the BMC).
    /// </summary>
    private static JObject BaseParams(JObject document, JObject method, JObject target)
    {
        var name = (string)method["name"]!;
        switch (name)
        {
            // A numeric command needs netFn, and values needs one known name: the schema cannot say either alone.
            case "ipmi.requestResponse":
                return new JObject { ["target"] = target, ["command"] = 1, ["netFn"] = 6 };
            case "systemInfo.set":
                return new JObject { ["target"] = target, ["values"] = new JObject { ["systemName"] = "x" }, ["dryRun"] = true };
        }

        var p = new JObject();
        foreach (var raw in method["params"]!.Cast<JObject>())
        {
            var param = Resolve(document, raw);
            var paramName = (string)param["name"]!;
            if (paramName == "target")
                p["target"] = target;
            else if (paramName == "dryRun")
                p["dryRun"] = true;
            else if ((bool?)param["required"] == true)
                p[paramName] = ValidValue(document, (JObject)param["schema"]!);
        }

        return p;
    }

    /// <summary>A value the schema accepts (its first enum member, its minimum, or a plain sample of its type).</summary>
    private static JToken ValidValue(JObject document, JObject schema)
    {
        schema = Resolve(document, schema);
        if (schema["enum"] is JArray { Count: > 0 } values)
            return values[0].DeepClone();
        if (schema["oneOf"] is JArray { Count: > 0 } alternatives)
            return ValidValue(document, (JObject)alternatives[0]);
        var type = schema["type"] is JArray types ? (string)types[0]! : (string?)schema["type"];
        return type switch
        {
            "integer" or "number" => schema["minimum"]?.DeepClone() ?? 0,
            "boolean" => false,
            "array" => new JArray(),
            "object" => new JObject(),
            _ => "x",
        };
    }

    public static IEnumerable<WrongTypeCase> Generate(JObject document, JObject target)
    {
        foreach (var method in document["methods"]!.Cast<JObject>())
        {
            var name = (string)method["name"]!;
            foreach (var raw in method["params"]!.Cast<JObject>())
            {
                var param = Resolve(document, raw);
                var paramName = (string)param["name"]!;
                var schema = (JObject)param["schema"]!;
                foreach (var value in WrongValues(document, schema))
                {
                    var p = BaseParams(document, method, target);
                    p[paramName] = value.DeepClone();
                    yield return new WrongTypeCase(name, paramName, value, p);
                }

                if (paramName == "target")
                {
                    // Every field of a lanplus target object.
                    var targetSchema = (JObject)Resolve(document, (JObject)document.SelectToken("components.schemas.Target")!);
                    foreach (var property in ((JObject)targetSchema["properties"]!).Properties())
                    {
                        foreach (var value in WrongValues(document, (JObject)property.Value))
                        {
                            var t = (JObject)target.DeepClone();
                            t[property.Name] = value.DeepClone();
                            if (property.Name is "password" or "kg" or "kgHex" or "kgEnv" or "kgFile" or "passwordFile")
                                t.Remove("passwordEnv"); // one secret source at a time
                            if (property.Name.StartsWith("kg", StringComparison.Ordinal))
                                t["passwordEnv"] = target["passwordEnv"];
                            var p = BaseParams(document, method, t);
                            yield return new WrongTypeCase(name, "target." + property.Name, value, p);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Sample values of every JSON type the schema rejects.</summary>
    public static IEnumerable<JToken> WrongValues(JObject document, JObject schema)
    {
        var accepted = AcceptedTypes(document, schema);
        foreach (var (type, sample) in Samples)
        {
            var ok = accepted.Contains(type) || (type == "integer" && accepted.Contains("number"));
            if (!ok)
                yield return sample;
        }
    }

    private static HashSet<string> AcceptedTypes(JObject document, JObject schema)
    {
        schema = Resolve(document, schema);
        var types = new HashSet<string>(StringComparer.Ordinal);
        switch (schema["type"])
        {
            case JValue v:
                types.Add((string)v!);
                break;
            case JArray a:
                foreach (var t in a)
                    types.Add((string)t!);
                break;
        }

        if (schema["enum"] is JArray values)
        {
            foreach (var v in values)
            {
                types.Add(v.Type switch
                {
                    JTokenType.String => "string",
                    JTokenType.Integer => "integer",
                    JTokenType.Float => "number",
                    JTokenType.Boolean => "boolean",
                    JTokenType.Null => "null",
                    _ => "object",
                });
            }
        }

        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema[keyword] is JArray alternatives)
            {
                foreach (var alternative in alternatives.Cast<JObject>())
                    types.UnionWith(AcceptedTypes(document, alternative));
            }
        }

        if (types.Count == 0)
        {
            // A schema without a type constraint accepts anything: nothing is a wrong type for it.
            types.UnionWith(Samples.Select(s => s.Type));
        }

        return types;
    }

    private static JObject Resolve(JObject document, JObject node)
    {
        while (node["$ref"] is JValue reference)
        {
            var path = ((string)reference!).TrimStart('#', '/').Split('/');
            JToken current = document;
            foreach (var part in path)
                current = current[part] ?? throw new InvalidOperationException($"unresolved $ref {reference}");
            node = (JObject)current;
        }

        return node;
    }
}
