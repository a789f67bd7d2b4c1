using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using IpmiRpc.Host.Schema;
using Json.Schema;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// Validates JSON-RPC responses against the OpenRPC document (schema/): the envelope, then the method's
/// <c>result.schema</c> or the shared error schema. <c>$ref</c>s into <c>#/components/schemas</c> are resolved by
/// inlining the components as <c>$defs</c>.
/// </summary>
public static class SchemaValidator
{
    private static readonly Lazy<JObject> Document = new(() => OpenRpcDocument.Generated.Document);
    private static readonly ConcurrentDictionary<string, JsonSchema> Cache = new(StringComparer.Ordinal);

    /// <summary>Asserts <paramref name="response"/> (a whole response object) is valid for <paramref name="method"/>.</summary>
    public static void AssertValid(string method, JToken response)
    {
        Check("#/components/schemas/Response", response, $"{method} response envelope");
        if (response["error"] is { } error)
        {
            Check("#/components/schemas/ErrorObject", error, $"{method} error");
            return;
        }

        var methodObject = Document.Value["methods"]!.FirstOrDefault(m => (string?)m["name"] == method)
                           ?? throw new Xunit.Sdk.XunitException($"schema/ has no method '{method}'");
        var resultSchema = methodObject["result"]?["schema"] ?? throw new Xunit.Sdk.XunitException($"{method} has no result schema");
        Evaluate(Compile(method + "#result", resultSchema), response["result"]!, $"{method} result");
    }

    /// <summary>Validates a batch answer: an array of responses, each checked with the method of the same id.</summary>
    public static void AssertValidBatch(JArray responses, Func<JToken?, string> methodOfId)
    {
        foreach (var response in responses)
        {
            AssertValid(methodOfId(response["id"]), response);
        }
    }

    private static void Check(string pointer, JToken instance, string what)
    {
        var schema = Cache.GetOrAdd(pointer, p => Compile(p, OpenRpcDocument.Resolve(Document.Value, p)
                                                              ?? throw new InvalidOperationException($"{p} missing from schema/")));
        Evaluate(schema, instance, what);
    }

    private static JsonSchema Compile(string key, JToken schema) =>
        Cache.GetOrAdd(key, _ =>
        {
            var withDefs = (JObject)Rewrite(schema.DeepClone());
            withDefs["$defs"] = Rewrite(Document.Value["components"]!["schemas"]!.DeepClone());
            return JsonSchema.FromText(withDefs.ToString(Formatting.None));
        });

    private static JToken Rewrite(JToken token)
    {
        foreach (var reference in token.SelectTokens("$..['$ref']").ToArray())
        {
            var value = (string?)reference;
            if (value is not null && value.StartsWith("#/components/schemas/", StringComparison.Ordinal))
            {
                ((JValue)reference).Value = "#/$defs/" + value["#/components/schemas/".Length..];
            }
        }

        if (token is JObject { } obj && obj["$ref"] is JValue rootRef && ((string?)rootRef)?.StartsWith("#/components/schemas/", StringComparison.Ordinal) == true)
        {
            rootRef.Value = "#/$defs/" + ((string)rootRef!)["#/components/schemas/".Length..];
        }

        return token;
    }

    private static void Evaluate(JsonSchema schema, JToken instance, string what)
    {
        var node = JsonNode.Parse(instance.ToString(Formatting.None));
        var results = schema.Evaluate(node, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return;
        }

        var errors = results.Details
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .Take(10);
        throw new Xunit.Sdk.XunitException($"{what} does not match schema/:\n{string.Join("\n", errors)}\n--- instance ---\n{instance.ToString(Formatting.Indented)[..Math.Min(4000, instance.ToString().Length)]}");
    }
}
