using System.Reflection;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Schema;

/// <summary>
/// The OpenRPC document served by <c>rpc.discover</c> and <c>ipmirpc schema</c>, assembled from the embedded
/// <c>schema/openrpc.base.json</c> plus one <c>schema/methods/&lt;method&gt;.json</c> per method (split so several
/// people can add methods without editing one big file).
/// </summary>
public sealed class OpenRpcDocument
{
    private const string BaseResource = "schema/openrpc.base.json";
    private const string MethodPrefix = "schema/methods/";

    private readonly Dictionary<string, HashSet<string>> _paramNames = new(StringComparer.Ordinal);

    public OpenRpcDocument(JObject baseDocument, IEnumerable<JObject> methods)
    {
        var document = (JObject)baseDocument.DeepClone();
        var sorted = methods.OrderBy(m => (string?)m["name"], StringComparer.Ordinal).ToArray();
        document["methods"] = new JArray(sorted.Select(m => m.DeepClone()));
        foreach (var method in sorted)
        {
            var name = (string?)method["name"] ?? throw new InvalidDataException("A method file has no name");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var param in method["params"] as JArray ?? [])
            {
                var descriptor = param["$ref"] is { } reference ? Resolve(document, (string)reference!) : param;
                if ((string?)descriptor?["name"] is { } paramName)
                {
                    names.Add(paramName);
                }
            }

            _paramNames[name] = names;
        }

        Document = document;
    }

    /// <summary>Follows a local JSON pointer reference such as <c>#/components/contentDescriptors/target</c>.</summary>
    public static JToken? Resolve(JObject document, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JToken? current = document;
        foreach (var part in reference[2..].Split('/'))
        {
            current = current?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return current;
    }

    /// <summary>The assembled document. Treat as read-only.</summary>
    public JObject Document { get; }

    public IEnumerable<string> MethodNames => _paramNames.Keys;

    /// <summary>The param names the schema declares for a method, or null when the schema does not describe it.</summary>
    public IReadOnlySet<string>? ParamNames(string method) =>
        _paramNames.TryGetValue(method, out var names) ? names : null;

    /// <summary>Loads the document embedded in this assembly.</summary>
    public static OpenRpcDocument LoadEmbedded()
    {
        var assembly = typeof(OpenRpcDocument).Assembly;
        var baseDoc = ReadResource(assembly, BaseResource) as JObject ?? throw new InvalidDataException($"{BaseResource} is not an object");
        var methods = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(MethodPrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => ReadResource(assembly, n) as JObject ?? throw new InvalidDataException($"{n} is not an object"));
        return new OpenRpcDocument(baseDoc, methods);
    }

    private static JToken ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidDataException($"Missing embedded resource {name}");
        using var reader = new StreamReader(stream);
        return JToken.Parse(reader.ReadToEnd());
    }
}
