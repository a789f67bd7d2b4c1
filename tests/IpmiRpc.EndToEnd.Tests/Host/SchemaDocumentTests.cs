using IpmiRpc.TestSupport;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Schema;
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
