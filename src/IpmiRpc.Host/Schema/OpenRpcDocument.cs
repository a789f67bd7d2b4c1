using System.Collections.Concurrent;
using System.Reflection;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Schema;

/// <summary>
/// The OpenRPC document served by <c>rpc.discover</c> and <c>ipmirpc schema</c>, assembled from the embedded
/// <c>schema/openrpc.base.json</c> plus one <c>schema/methods/&lt;method&gt;.json</c> per method (split so several
/// people can add methods without editing one big file).
/// </summary>
/// <remarks>
/// The embedded document is assembled lazily: a one-shot <c>ipmirpc call</c> only needs one method's param names,
/// which come from that method's file (plus the base file for <c>$ref</c>s), not from parsing every file at start.
/// </remarks>
public sealed class OpenRpcDocument
{
    private const string BaseResource = "schema/openrpc.base.json";
    private const string MethodPrefix = "schema/methods/";

    private readonly Lazy<Assembled> _assembled;
    private readonly Assembly? _resources;
    private readonly Lazy<JObject>? _baseDocument;
    private readonly ConcurrentDictionary<string, IReadOnlySet<string>?> _perMethod = new(StringComparer.Ordinal);

    public OpenRpcDocument(JObject baseDocument, IEnumerable<JObject> methods)
    {
        var assembled = Assemble(baseDocument, methods);
        _assembled = new Lazy<Assembled>(assembled);
    }

    private OpenRpcDocument(Assembly resources)
    {
        _resources = resources;
        _baseDocument = new Lazy<JObject>(() => ReadObject(resources, BaseResource));
        _assembled = new Lazy<Assembled>(() => Assemble(_baseDocument.Value, resources.GetManifestResourceNames()
            .Where(n => n.StartsWith(MethodPrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => ReadObject(resources, n))));
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
    public JObject Document => _assembled.Value.Document;

    public IEnumerable<string> MethodNames => _assembled.Value.ParamNames.Keys;

    /// <summary>The param names the schema declares for a method, or null when the schema does not describe it.</summary>
    public IReadOnlySet<string>? ParamNames(string method)
    {
        if (_resources is null || _assembled.IsValueCreated)
        {
            return _assembled.Value.ParamNames.TryGetValue(method, out var names) ? names : null;
        }

        return _perMethod.GetOrAdd(method, FromMethodFile);
    }

    /// <summary>Loads the document embedded in this assembly (parsed on first use).</summary>
    public static OpenRpcDocument LoadEmbedded() => new(typeof(OpenRpcDocument).Assembly);

    /// <summary>
    /// One method's param names from its own file. Anything that file alone cannot answer exactly as the assembled
    /// document would (no such file, a different name inside, a <c>$ref</c> outside the base file) falls back to it.
    /// </summary>
    private IReadOnlySet<string>? FromMethodFile(string method)
    {
        IReadOnlySet<string>? Assembled() => _assembled.Value.ParamNames.TryGetValue(method, out var names) ? names : null;
        var resource = MethodPrefix + method + ".json";
        using var stream = _resources!.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return Assembled();
        }

        var file = Parse(stream, resource);
        if (!string.Equals((string?)file["name"], method, StringComparison.Ordinal))
        {
            return Assembled();
        }

        var names = ParamNamesOf(file, _baseDocument!.Value, out var allResolved);
        return allResolved ? names : Assembled();
    }

    /// <summary>The names of a method's params, following <c>$ref</c>s into <paramref name="refRoot"/>.</summary>
    private static HashSet<string> ParamNamesOf(JObject method, JObject refRoot, out bool allResolved)
    {
        allResolved = true;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var param in method["params"] as JArray ?? [])
        {
            var descriptor = param["$ref"] is { } reference ? Resolve(refRoot, (string)reference!) : param;
            if (descriptor is null)
            {
                allResolved = false;
            }
            else if ((string?)descriptor["name"] is { } paramName)
            {
                names.Add(paramName);
            }
        }

        return names;
    }

    private static Assembled Assemble(JObject baseDocument, IEnumerable<JObject> methods)
    {
        var paramNames = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        var document = (JObject)baseDocument.DeepClone();
        var sorted = methods.OrderBy(m => (string?)m["name"], StringComparer.Ordinal).ToArray();
        document["methods"] = new JArray(sorted.Select(m => m.DeepClone()));
        foreach (var method in sorted)
        {
            var name = (string?)method["name"] ?? throw new InvalidDataException("A method file has no name");
            paramNames[name] = ParamNamesOf(method, document, out _);
        }

        return new Assembled(document, paramNames);
    }

    private static JObject ReadObject(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidDataException($"Missing embedded resource {name}");
        return Parse(stream, name);
    }

    private static JObject Parse(Stream stream, string name)
    {
        using var reader = new StreamReader(stream);
        return JToken.Parse(reader.ReadToEnd()) as JObject ?? throw new InvalidDataException($"{name} is not an object");
    }

    private sealed record Assembled(JObject Document, IReadOnlyDictionary<string, IReadOnlySet<string>> ParamNames);
}
