using System.Text.Json;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Schema;
using ModelContextProtocol.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Mcp;

/// <summary>
/// The MCP tools, generated from the method declarations through the same OpenRPC method objects as <c>schema/</c>:
/// one tool per method, named with the dot replaced by an underscore (<c>chassis.getStatus</c> →
/// <c>chassis_getStatus</c>: MCP tool names allow only <c>[A-Za-z0-9_-]</c>, and no method name has an underscore, so the
/// mapping is one-to-one). Input and output schemas are self-contained (every <c>$ref</c> into the document inlined),
/// and <c>target</c> is only a NAME from the targets file: a model never sees or sends a password.
/// </summary>
/// <remarks>
/// Left out: <c>rpc.discover</c> (tools/list is MCP's discovery; the whole OpenRPC document would only fill a model's
/// context) and <c>sessions.close</c> (pool housekeeping, done by the process at exit; not a model's decision).
/// <c>sessions.list</c> stays, read-only and secret-free. Mutating methods (<c>x-mutating</c>) are tools only with
/// <c>--allow-writes</c>.
/// </remarks>
internal sealed class McpToolCatalog
{
    private const int MaxReferenceDepth = 32;
    private static readonly HashSet<string> LeftOut = new(StringComparer.Ordinal) { "rpc.discover", "sessions.close" };

    private readonly Dictionary<string, McpToolEntry> _byToolName = new(StringComparer.Ordinal);

    public McpToolCatalog(IReadOnlyCollection<string> targetNames, IReadOnlyCollection<string> groupNames, bool allowWrites)
    {
        var document = OpenRpcDocument.Generated.Document;
        var names = targetNames.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var groups = groupNames.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        foreach (var declaration in MethodCatalog.All.Values.OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (LeftOut.Contains(declaration.Name))
            {
                continue;
            }

            var (tool, wrapsResult) = Build(document, declaration, names, groups);
            var entry = new McpToolEntry(declaration, tool.Name, Exposed: allowWrites || !declaration.Attribute.Mutating, tool, wrapsResult);
            _byToolName.Add(entry.ToolName, entry);
        }
    }

    /// <summary>The tools tools/list answers with.</summary>
    public IList<Tool> Tools => _byToolName.Values.Where(e => e.Exposed).Select(e => e.Tool).ToList();

    /// <summary>Every generated tool, exposed or not (a mutating one without --allow-writes is known but refused).</summary>
    public bool TryGet(string toolName, out McpToolEntry entry) => _byToolName.TryGetValue(toolName, out entry!);

    /// <summary><c>area.verb</c> → <c>area_verb</c>.</summary>
    public static string ToolName(string methodName) => methodName.Replace('.', '_');

    private static (Tool Tool, bool WrapsResult) Build(JObject document, MethodDeclaration declaration, string[] targetNames, string[] groupNames)
    {
        var method = OpenRpcDocument.MethodObject(declaration);
        var attribute = declaration.Attribute;
        var properties = new JObject();
        var required = new JArray();
        foreach (var param in (JArray)method["params"]!)
        {
            var descriptor = (JObject)Inline(document, param, 0);
            var name = (string)descriptor["name"]!;
            if (name == MethodDeclaration.TargetParam)
            {
                if (targetNames.Length > 0)
                {
                    properties[name] = TargetNameSchema(targetNames);
                }

                continue;
            }

            if (name == MethodDeclaration.TargetsParam)
            {
                if (targetNames.Length + groupNames.Length > 0)
                {
                    properties[name] = TargetsByNameSchema(targetNames, groupNames);
                }

                continue;
            }

            var schema = (JObject)descriptor["schema"]!.DeepClone();
            if (descriptor["description"] is { } paramDescription && schema["description"] is null)
            {
                schema["description"] = paramDescription.DeepClone();
            }

            properties[name] = schema;
            if ((bool?)descriptor["required"] == true)
            {
                required.Add(name);
            }
        }

        var input = new JObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0)
        {
            input["required"] = required;
        }

        input["additionalProperties"] = false;
        var description = attribute.Description is { } more ? attribute.Summary + "\n\n" + more : attribute.Summary;
        var result = (JObject)method["result"]!;
        var resultSchema = (JObject)Inline(document, result["schema"]!, 0);
        // A fan-out method's result is anyOf [its own result, the fan-out envelope]; structured content is either.
        var single = attribute.FanOut ? (JObject)resultSchema["anyOf"]![0]! : resultSchema;
        var wrapsResult = !IsObjectSchema(single);
        var singleOutput = wrapsResult ? Wrapper((string)result["name"]!, single) : single;
        var tool = new Tool
        {
            Name = ToolName(declaration.Name),
            Title = declaration.Name,
            Description = description,
            InputSchema = ToElement(input),
            OutputSchema = ToElement(attribute.FanOut
                ? new JObject { ["type"] = "object", ["anyOf"] = new JArray(singleOutput, resultSchema["anyOf"]![1]!.DeepClone()) }
                : singleOutput),
            Annotations = new ToolAnnotations
            {
                ReadOnlyHint = !attribute.Mutating,
                DestructiveHint = attribute.Mutating,
                OpenWorldHint = attribute.TakesTarget,
            },
        };
        return (tool, wrapsResult);
    }

    /// <summary>Structured content must be an object: an object result is the content itself, any other is wrapped.</summary>
    private static JObject Wrapper(string resultName, JObject resultSchema) => new()
    {
        ["type"] = "object",
        ["properties"] = new JObject { [resultName] = resultSchema },
        ["required"] = new JArray(resultName),
        ["additionalProperties"] = false,
    };

    private static bool IsObjectSchema(JObject schema) => schema["type"] is JValue { Type: JTokenType.String } type && (string)type! == "object";

    private static JObject TargetNameSchema(string[] targetNames) => new()
    {
        ["type"] = "string",
        ["enum"] = new JArray(targetNames),
        ["description"] = "The BMC to talk to: the name of an entry in the server's targets file. Omitted: its \"default\" entry if there is one, else the local BMC in-band.",
    };

    /// <summary>
    /// <c>targets</c> for a model: names of targets and groups (ranges are groups of the targets file) — never a
    /// target object or an inline range, so the operator decides which hosts get which credentials.
    /// </summary>
    private static JObject TargetsByNameSchema(string[] targetNames, string[] groupNames)
    {
        var item = new JObject
        {
            ["type"] = "string",
            ["enum"] = new JArray(targetNames.Concat(groupNames)),
            ["description"] = "A target or a group of the server's targets file.",
        };
        return new JObject
        {
            ["type"] = "array",
            ["minItems"] = 1,
            ["items"] = item,
            ["description"] = "Fan-out: run on many BMCs at once instead of one target. The result lists each target's result or error in this order.",
        };
    }

    /// <summary>A deep copy of <paramref name="node"/> with every local <c>$ref</c> replaced by what it points to; <paramref name="depth"/> counts reference hops only.</summary>
    private static JToken Inline(JObject document, JToken node, int depth)
    {
        if (depth > MaxReferenceDepth)
        {
            throw new InvalidOperationException("Schema references chain too deeply (a cycle?)");
        }

        switch (node)
        {
            case JObject obj when obj["$ref"] is JValue { Type: JTokenType.String } reference:
                var target = OpenRpcDocument.Resolve(document, (string)reference!)
                    ?? throw new InvalidOperationException($"Unresolvable schema reference {reference}");
                var resolved = (JObject)Inline(document, target, depth + 1);
                foreach (var sibling in obj.Properties().Where(p => p.Name != "$ref"))
                {
                    resolved[sibling.Name] = Inline(document, sibling.Value, depth);
                }

                return resolved;
            case JObject obj:
                var copy = new JObject();
                foreach (var property in obj.Properties())
                {
                    copy[property.Name] = Inline(document, property.Value, depth);
                }

                return copy;
            case JArray array:
                return new JArray(array.Select(item => Inline(document, item, depth)));
            default:
                return node.DeepClone();
        }
    }

    /// <summary>Newtonsoft (the host's serializer) → System.Text.Json (the SDK's).</summary>
    public static JsonElement ToElement(JToken token)
    {
        using var parsed = JsonDocument.Parse(token.ToString(Formatting.None));
        return parsed.RootElement.Clone();
    }
}

/// <summary>One generated tool and the method it calls.</summary>
/// <param name="WrapsResult">The result is not always an object: structured content is <c>{resultName: result}</c>.</param>
internal sealed record McpToolEntry(MethodDeclaration Declaration, string ToolName, bool Exposed, Tool Tool, bool WrapsResult);
