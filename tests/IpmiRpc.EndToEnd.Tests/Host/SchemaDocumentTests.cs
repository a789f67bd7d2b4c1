using IpmiRpc.TestSupport;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Json.Schema;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>schema/ itself: every registered method is described, and every schema in it compiles and resolves.</summary>
public sealed class SchemaDocumentTests
{
    private static readonly JObject Document = OpenRpcDocument.Generated.Document;

    [Fact]
    public void Every_registered_method_has_a_schema_file_and_every_schema_file_a_method()
    {
        var registered = MethodCatalog.All.Keys.Order(StringComparer.Ordinal);
        var described = Document["methods"]!.Select(m => (string)m["name"]!).Order(StringComparer.Ordinal);
        Assert.Equal(registered, described);
    }

    [Fact]
    public void The_readme_method_table_names_every_registered_method()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("\n## Methods", StringComparison.Ordinal)..readme.IndexOf("\n## Targets", StringComparison.Ordinal)];
        var missing = MethodCatalog.All.Keys.Where(name => !section.Contains($"`{name}`", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Empty(missing);
    }

    [Fact]
    public void The_readme_target_table_names_every_field_of_every_transport_and_every_quirk()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("\n## Targets", StringComparison.Ordinal)..readme.IndexOf("\n### Fan-out", StringComparison.Ordinal)];
        var rows = section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToArray();
        var missing = new List<string>();
        foreach (var kind in TargetCatalog.All)
        {
            var row = Assert.Single(rows, r => r.StartsWith($"| `{kind.Transport}`", StringComparison.Ordinal));
            foreach (var member in kind.Binder.Members)
            {
                // Fields every transport inherits are in the paragraph under the table; `password*` in a row stands
                // for every field starting with password.
                var common = member.Property.DeclaringType == typeof(IpmiRpc.Core.Targets.TargetDeclaration);
                var mentioned = common
                    ? section.Replace(row, "", StringComparison.Ordinal).Contains($"`{member.Name}`", StringComparison.Ordinal)
                    : row.Contains($"`{member.Name}`", StringComparison.Ordinal)
                        || Enumerable.Range(1, member.Name.Length).Any(n => row.Contains($"`{member.Name[..n]}*`", StringComparison.Ordinal));
                if (!mentioned)
                {
                    missing.Add($"{kind.Transport}.{member.Name}");
                }
            }
        }

        Assert.Empty(missing);

        var quirks = Enum.GetValues<IpmiRpc.Core.Targets.BmcQuirks>().Where(q => q != IpmiRpc.Core.Targets.BmcQuirks.None)
            .Select(q => char.ToLowerInvariant(q.ToString()[0]) + q.ToString()[1..]);
        Assert.All(quirks, q => Assert.Contains($"`{q}`", section, StringComparison.Ordinal));
    }

    [Fact]
    public void Every_ref_resolves_and_every_param_and_result_schema_compiles()
    {
        foreach (var reference in Document.SelectTokens("$..['$ref']"))
        {
            Assert.True(OpenRpcDocument.Resolve(Document, (string)reference!) is not null, $"unresolved $ref {reference} at {reference.Path}");
        }

        foreach (var method in Document["methods"]!)
        {
            var name = (string)method["name"]!;
            Assert.NotNull(method["result"]?["schema"]);
            foreach (var param in (JArray)method["params"]!)
            {
                var descriptor = param["$ref"] is { } r ? OpenRpcDocument.Resolve(Document, (string)r!)! : param;
                Assert.False(string.IsNullOrEmpty((string?)descriptor["name"]), $"{name}: a param without a name");
                Assert.NotNull(descriptor["schema"]);
                var schema = (JObject)descriptor["schema"]!.DeepClone();
                schema["$defs"] = Document["components"]!["schemas"]!.DeepClone();
                var text = schema.ToString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
                _ = JsonSchema.FromText(text);
            }
        }
    }

    [Fact]
    public void The_validator_rejects_what_the_schema_forbids()
    {
        // Guards against a validator that passes everything.
        var bad = JObject.Parse("""{"jsonrpc":"2.0","id":1,"result":{"completionCode":0,"completionText":"ok","data":[300],"hex":"zz"}}""");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SchemaValidator.AssertValid("ipmi.requestResponse", bad));
        var badError = JObject.Parse("""{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Invalid params","data":{"stack":"at X.Y()"}}}""");
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SchemaValidator.AssertValid("ipmi.requestResponse", badError));
        var good = JObject.Parse("""{"jsonrpc":"2.0","id":1,"result":{"completionCode":0,"completionText":"ok","data":[1,2],"hex":"0102","sent":true}}""");
        SchemaValidator.AssertValid("ipmi.requestResponse", good);
    }
}
