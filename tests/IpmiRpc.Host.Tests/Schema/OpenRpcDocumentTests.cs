using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Schema;

namespace IpmiRpc.Host.Tests.Schema;

/// <summary>The embedded document is parsed lazily, per method for param checks; answers must not depend on that.</summary>
public sealed class OpenRpcDocumentTests
{
    [Fact]
    public void Param_names_read_from_one_method_file_equal_those_of_the_assembled_document()
    {
        var assembled = OpenRpcDocument.LoadEmbedded();
        _ = assembled.Document;
        var table = MethodRegistry.RegisterAll(new MethodTable());
        Assert.NotEmpty(table.All);
        foreach (var method in table.All.Keys.Append("no.such").Append("../openrpc.base"))
        {
            // A fresh instance per method, so the answer comes from that method's file alone.
            var lazy = OpenRpcDocument.LoadEmbedded();
            var expected = assembled.ParamNames(method);
            var actual = lazy.ParamNames(method);
            Assert.True(expected is null == actual is null, method);
            if (expected is not null)
            {
                Assert.Equal(expected.Order(StringComparer.Ordinal), actual!.Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Every_registered_method_has_param_names_and_the_document_lists_them_all()
    {
        var document = OpenRpcDocument.LoadEmbedded();
        var table = MethodRegistry.RegisterAll(new MethodTable());
        foreach (var method in table.All.Keys)
        {
            Assert.NotNull(document.ParamNames(method));
        }

        Assert.Equal(table.All.Keys.Order(StringComparer.Ordinal), document.MethodNames.Order(StringComparer.Ordinal));
        Assert.Equal(table.All.Count, document.Document["methods"]!.Count());
    }

    [Fact]
    public void A_document_built_from_given_parts_answers_from_them()
    {
        var document = new OpenRpcDocument(
            Newtonsoft.Json.Linq.JObject.Parse("""{"openrpc":"1.3.2","components":{"contentDescriptors":{"t":{"name":"target"}}}}"""),
            [Newtonsoft.Json.Linq.JObject.Parse("""{"name":"a.b","params":[{"$ref":"#/components/contentDescriptors/t"},{"name":"x"}]}""")]);
        Assert.Equal(["target", "x"], document.ParamNames("a.b")!.Order(StringComparer.Ordinal));
        Assert.Null(document.ParamNames("c.d"));
    }
}
