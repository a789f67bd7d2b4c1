using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Schema;

/// <summary>
/// The OpenRPC document served by <c>rpc.discover</c> and <c>ipmirpc schema</c>, generated from the method
/// declarations (<see cref="MethodCatalog"/>) on top of the embedded base (info, common content descriptors, error
/// objects and shared schemas). <c>ipmirpc schema --write DIR</c> writes the same document as the committed
/// <c>schema/</c> tree (base + one file per method), and a test fails when the two differ.
/// </summary>
public sealed class OpenRpcDocument
{
    public const string BaseFileName = "openrpc.base.json";
    public const string MethodsDirectory = "methods";
    private const string TemplateResource = "IpmiRpc.Host.Schema.openrpc.template.json";

    private readonly Lazy<JObject> _document;

    private OpenRpcDocument(Func<JObject> build) => _document = new Lazy<JObject>(build);

    /// <summary>The document of this build's declarations (built on first use).</summary>
    public static OpenRpcDocument Generated { get; } = new(Assemble);

    /// <summary>The assembled document. Treat as read-only.</summary>
    public JObject Document => _document.Value;

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

    /// <summary>The <c>schema/</c> tree: relative path → file text (two-space indented JSON, trailing newline).</summary>
    public static IReadOnlyDictionary<string, string> Files()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [BaseFileName] = Text(Base()),
        };
        foreach (var declaration in MethodCatalog.All.Values)
        {
            files[MethodsDirectory + "/" + declaration.Name + ".json"] = Text(MethodObject(declaration));
        }

        return files;
    }

    /// <summary>Writes <see cref="Files"/> under <paramref name="directory"/>, removing method files no declaration has.</summary>
    public static void Write(string directory)
    {
        var files = Files();
        var methods = Path.Combine(directory, MethodsDirectory);
        Directory.CreateDirectory(methods);
        foreach (var stale in Directory.GetFiles(methods, "*.json"))
        {
            if (!files.ContainsKey(MethodsDirectory + "/" + Path.GetFileName(stale)))
            {
                File.Delete(stale);
            }
        }

        foreach (var (relative, text) in files)
        {
            File.WriteAllText(Path.Combine(directory, relative), text);
        }
    }

    /// <summary>One OpenRPC Method Object from its declaration.</summary>
    public static JObject MethodObject(MethodDeclaration declaration)
    {
        var attribute = declaration.Attribute;
        var method = new JObject { ["name"] = declaration.Name, ["summary"] = attribute.Summary };
        if (attribute.Description is { } description)
        {
            method["description"] = description;
        }

        method["paramStructure"] = "by-name";
        var parameters = new JArray();
        if (attribute.TakesTarget)
        {
            parameters.Add(Reference("contentDescriptors", MethodDeclaration.TargetParam));
        }

        parameters.Add(Reference("contentDescriptors", MethodDeclaration.TimeoutParam));
        if (attribute.Mutating)
        {
            parameters.Add(Reference("contentDescriptors", MethodDeclaration.DryRunParam));
        }

        if (attribute.FanOut)
        {
            parameters.Add(Reference("contentDescriptors", MethodDeclaration.TargetsParam));
            if (attribute.Mutating)
            {
                parameters.Add(Reference("contentDescriptors", MethodDeclaration.AllowFanOutWritesParam));
            }
        }

        foreach (var member in declaration.Binder?.Members ?? [])
        {
            var descriptor = new JObject { ["name"] = member.Name };
            if (member.Description is { } text)
            {
                descriptor["description"] = text;
            }

            descriptor["required"] = member.IsRequired;
            descriptor["schema"] = JsonSchemaBuilder.ForParam(member);
            parameters.Add(descriptor);
        }

        method["params"] = parameters;
        var resultSchema = JsonSchemaBuilder.ForResult(declaration.ResultType, declaration.ResultNullability);
        method["result"] = new JObject
        {
            ["name"] = attribute.ResultName,
            // With targets the answer is the fan-out envelope; its entries carry this method's result.
            ["schema"] = attribute.FanOut ? new JObject { ["anyOf"] = new JArray(resultSchema, Reference("schemas", "FanOutResult")) } : resultSchema,
        };
        method["errors"] = new JArray(Errors(attribute).Select(e => Reference("errors", e)));
        method["x-mutating"] = attribute.Mutating;
        method["x-fanOut"] = attribute.FanOut;
        if (attribute.Ansible is { } module)
        {
            var ansible = new JObject { ["module"] = module };
            if (attribute.AnsibleGather is { } gather)
            {
                ansible["gather"] = gather;
            }

            method["x-ansible"] = ansible;
        }

        if (attribute.PowerShell is { } cmdlet)
        {
            var powershell = new JObject { ["cmdlet"] = cmdlet };
            if (attribute.PowerShellAliases is { Length: > 0 } aliases)
            {
                powershell["aliases"] = new JArray(aliases);
            }

            if (attribute.ConfirmImpact is { } impact)
            {
                powershell["confirmImpact"] = impact;
            }

            method["x-powershell"] = powershell;
        }

        return method;
    }

    private static IEnumerable<string> Errors(RpcMethodAttribute attribute)
    {
        yield return "InvalidParams";
        if (!attribute.TakesTarget)
        {
            yield break;
        }

        foreach (var name in new[] { "CompletionCode", "TransportUnavailable", "AuthenticationFailed", "Timeout", "PermissionDenied", "InsecureConfiguration", "NotSupported", "MalformedResponse" })
        {
            yield return name;
        }
    }

    private static JObject Reference(string section, string name) => new() { ["$ref"] = $"#/components/{section}/{name}" };

    /// <summary>The base document (everything but the methods).</summary>
    private static JObject Base()
    {
        using var stream = typeof(OpenRpcDocument).Assembly.GetManifestResourceStream(TemplateResource)
            ?? throw new InvalidDataException($"Missing embedded resource {TemplateResource}");
        using var reader = new StreamReader(stream);
        var document = JToken.Parse(reader.ReadToEnd()) as JObject ?? throw new InvalidDataException($"{TemplateResource} is not an object");
        document["methods"] = new JArray();
        // Generated from the transports' target records, never written by hand.
        ((JObject)document["components"]!["schemas"]!).Property("PrivilegeLevel")!.AddBeforeSelf(new JProperty("Target", TargetSchema.Build()));
        return document;
    }

    private static JObject Assemble()
    {
        var document = Base();
        document["methods"] = new JArray(MethodCatalog.All.Values.OrderBy(d => d.Name, StringComparer.Ordinal).Select(MethodObject));
        return document;
    }

    private static string Text(JToken token) => token.ToString(Formatting.Indented) + "\n";
}
