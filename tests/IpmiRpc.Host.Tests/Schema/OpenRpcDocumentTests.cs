using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Schema;

namespace IpmiRpc.Host.Tests.Schema;

/// <summary>
/// schema/ is generated from the method declarations (<c>ipmirpc schema --write schema</c>); the committed tree must be
/// exactly what this build generates, so the contract can never drift from the code.
/// </summary>
public sealed class OpenRpcDocumentTests
{
    [Fact]
    public void The_committed_schema_tree_equals_the_generated_one()
    {
        var schemaDirectory = Path.Combine(RepositoryRoot(), "schema");
        var generated = OpenRpcDocument.Files();
        var committed = Directory.GetFiles(schemaDirectory, "*.json", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(schemaDirectory, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);

        var missing = generated.Keys.Except(committed.Keys).ToArray();
        var stale = committed.Keys.Except(generated.Keys).ToArray();
        var differing = generated.Keys.Intersect(committed.Keys).Where(k => generated[k] != committed[k]).ToArray();
        Assert.True(missing.Length + stale.Length + differing.Length == 0,
            "schema/ differs from the declarations; run `ipmirpc schema --write schema` (dotnet run --project src/IpmiRpc.Host -- schema --write schema). "
            + $"Missing: [{string.Join(", ", missing)}] stale: [{string.Join(", ", stale)}] differing: [{string.Join(", ", differing)}]");
    }

    [Fact]
    public void The_document_lists_every_declared_method_once()
    {
        var names = OpenRpcDocument.Generated.Document["methods"]!.Select(m => (string)m["name"]!).ToArray();
        Assert.Equal(MethodCatalog.All.Keys.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Mutating_methods_take_dryRun_and_read_only_ones_do_not()
    {
        foreach (var method in OpenRpcDocument.Generated.Document["methods"]!)
        {
            var mutating = (bool)method["x-mutating"]!;
            var takesDryRun = method["params"]!.Any(p => (string?)p["$ref"] == "#/components/contentDescriptors/dryRun");
            Assert.True(mutating == takesDryRun, (string?)method["name"]);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IpmiRpc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("IpmiRpc.sln not found above " + AppContext.BaseDirectory);
    }
}
