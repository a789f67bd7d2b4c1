using CsCheck;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// Responses are written straight to bytes (no JSON tree, no string): the text must be exactly what the tree-based
/// writing gave, for every kind of value a method returns.
/// </summary>
public sealed class JsonBytesTests
{
    private enum Health { Ok, NeedsAttention }

    private sealed record Nested(string Name, double Reading, Health Health, byte[] Raw, ReadOnlyMemory<byte> Data, DateTimeOffset At, int? Missing, IReadOnlyList<Nested>? Children);

    private static string TreeText(JToken? id, object? result, JsonSerializer serializer) =>
        new JObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id ?? JValue.CreateNull(),
            ["result"] = result is null ? JValue.CreateNull() : JToken.FromObject(result, serializer),
        }.ToString(Formatting.None);

    private static Gen<JToken> Leaf { get; } = Gen.OneOf(
        Gen.String.Select(s => (JToken)new JValue(s)),
        Gen.Long.Select(l => (JToken)new JValue(l)),
        Gen.Double.Select(d => (JToken)new JValue(d)),
        Gen.Bool.Select(b => (JToken)new JValue(b)),
        Gen.Const((JToken)JValue.CreateNull()));

    private static Gen<JToken> Tree(int depth) => depth == 0 ? Leaf : Gen.OneOf(
        Leaf,
        Tree(depth - 1).Array[0, 4].Select(items => (JToken)new JArray(items)),
        Gen.Select(Gen.String.Array[0, 4], Tree(depth - 1).Array[4], (names, values) =>
        {
            var obj = new JObject();
            for (var i = 0; i < names.Length; i++)
            {
                obj[names[i]] = values[i];
            }

            return (JToken)obj;
        }));

    private static byte[] Bytes(string text) => new System.Text.UTF8Encoding(false).GetBytes(text);

    private static string Text(byte[] bytes) => new System.Text.UTF8Encoding(false, true).GetString(bytes);

    [Fact]
    public void A_result_is_written_as_the_response_tree_was()
    {
        var serializer = RpcSerializer.Create();
        var result = new Nested("fan \"1\" – é 😀 \u0001", 1234.5e-3, Health.NeedsAttention, [0, 1, 255], new byte[] { 7, 8 },
            new DateTimeOffset(2026, 12, 5, 13, 0, 0, 123, TimeSpan.FromHours(1)), null,
            [new Nested("child", double.NaN, Health.Ok, [], ReadOnlyMemory<byte>.Empty, DateTimeOffset.UnixEpoch, 3, null)]);
        foreach (var id in new JToken?[] { null, new JValue(7L), new JValue("a\"b"), new JRaw("1.50"), JValue.CreateNull() })
        {
            foreach (var value in new object?[] { result, null, 42, "text", new[] { result }, JObject.Parse("""{"a":[1,2.5,null,true]}""") })
            {
                Assert.Equal(Bytes(TreeText(id, value, serializer)), GuardedMessageHandler.ResultResponse(id, value, serializer));
            }
        }
    }

    [Fact]
    public void Any_json_tree_is_written_as_its_own_text()
    {
        var json = Tree(3);
        // Compared as bytes: a lone surrogate becomes U+FFFD in UTF-8 either way.
        json.Sample(token => Assert.Equal(Bytes(token.ToString(Formatting.None)), JsonBytes.Write(token)), iter: 500);
    }

    [Fact]
    public void A_message_larger_than_the_kept_buffer_is_written_whole_and_the_next_one_is_not_affected()
    {
        var big = new JObject { ["data"] = new string('x', 100_000) + "é" };
        Assert.Equal(big.ToString(Formatting.None), Text(JsonBytes.Write(big)));
        var small = new JObject { ["a"] = 1 };
        Assert.Equal("""{"a":1}""", Text(JsonBytes.Write(small)));
    }

    [Fact]
    public void A_writer_that_fails_leaves_nothing_behind_for_the_next_message()
    {
        Assert.Throws<InvalidOperationException>(() => JsonBytes.Write(0, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("half");
            throw new InvalidOperationException("fails mid-message");
        }));
        Assert.Equal("""{"a":1}""", Text(JsonBytes.Write(new JObject { ["a"] = 1 })));
    }

    [Fact]
    public void A_writer_left_inside_a_message_is_not_used_for_the_next_one()
    {
        // The thread's writer is kept between messages only once it is back at the start of one.
        Assert.Equal("{", Text(JsonBytes.Write(0, static (writer, _) => writer.WriteStartObject())));
        Assert.Equal("""{"a":1}""", Text(JsonBytes.Write(new JObject { ["a"] = 1 })));
        Assert.Equal("[2]", Text(JsonBytes.Write(new JArray(2))));
    }

    [Fact]
    public void A_message_written_while_another_is_being_written_on_the_same_thread_is_its_own()
    {
        var inner = Array.Empty<byte>();
        var outer = JsonBytes.Write(0, (writer, _) =>
        {
            writer.WriteStartArray();
            inner = JsonBytes.Write(new JObject { ["in"] = true });
            writer.WriteValue(1);
            writer.WriteEndArray();
        });
        Assert.Equal("[1]", Text(outer));
        Assert.Equal("""{"in":true}""", Text(inner));
        Assert.Equal("""{"a":1}""", Text(JsonBytes.Write(new JObject { ["a"] = 1 })));
    }

    [Fact]
    public void A_message_written_into_a_pooled_array_is_the_same_bytes_and_only_those()
    {
        var json = Tree(3);
        json.Sample(token =>
        {
            var rented = JsonBytes.WriteRented(token, static (writer, t) => t.WriteTo(writer));
            try
            {
                Assert.Equal(JsonBytes.Write(token), rented.AsSpan().ToArray());
                Assert.Equal(0, rented.Offset);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(rented.Array!);
            }
        }, iter: 200);
    }
}
