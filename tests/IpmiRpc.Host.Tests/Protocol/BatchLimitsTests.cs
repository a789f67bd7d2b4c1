using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>One input line must never make the host build an answer of unbounded size, nor kill it when an answer fails.</summary>
public sealed class BatchLimitsTests
{
    private static string BatchOf(int count, string method) =>
        "[" + string.Join(",", Enumerable.Range(1, count).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"{method}\"}}")) + "]";

    [Fact]
    public async Task Batch_longer_than_the_element_limit_is_one_batch_too_large_error()
    {
        await using var host = Start(options: new ServerOptions { MaxBatchElements = 10 });
        await host.SendLineAsync(BatchOf(11, "sessions.list"));
        var response = await host.ReadAsync();
        Assert.IsType<JObject>(response);
        AssertError(response, -32600, field: "message");
        Assert.Equal(JTokenType.Null, response["id"]!.Type);
        Assert.Contains("batch too large", (string?)response["error"]!["data"]!["reason"], StringComparison.Ordinal);

        await host.SendLineAsync(BatchOf(10, "sessions.list"));
        Assert.Equal(10, Assert.IsType<JArray>(await host.ReadAsync()).Count);
    }

    [Fact]
    public async Task Default_element_limit_is_1000()
    {
        await using var host = Start();
        await host.SendLineAsync(BatchOf(1001, "no.such"));
        AssertError(await host.ReadAsync(), -32600, field: "message");
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    [Fact]
    public async Task Answers_past_the_byte_limit_become_short_errors_and_every_request_is_answered()
    {
        // Room for two rpc.discover answers (the document grows with every declared method), not for twenty.
        var limit = (2 * Encoding.UTF8.GetByteCount(IpmiRpc.Host.Schema.OpenRpcDocument.Generated.Document.ToString(Newtonsoft.Json.Formatting.None))) + 4096;
        await using var host = Start(options: new ServerOptions { MaxBatchAnswerBytes = limit });
        await host.SendLineAsync(BatchOf(20, "rpc.discover"));
        var line = await host.ReadLineAsync();
        Assert.NotNull(line);
        var array = Assert.IsType<JArray>(JToken.Parse(line));
        Assert.Equal(20, array.Count);
        Assert.Equal(Enumerable.Range(1, 20), array.Select(a => (int)a["id"]!).Order());
        var results = array.Count(a => a["result"] is not null);
        var refused = array.Where(a => a["error"] is not null).ToArray();
        Assert.True(results >= 1, "the first rpc.discover answer fits");
        Assert.True(refused.Length >= 1, "later answers go past the limit");
        Assert.All(refused, r => AssertError(r, -32600, field: "message"));
        Assert.True(Encoding.UTF8.GetByteCount(line) <= limit + (refused.Length * 300), $"answer of {line.Length} bytes");
        Assert.NotNull((await host.CallAsync("sessions.list"))["result"]);
    }

    /// <summary>
    /// A result whose serialization runs out of memory: that request gets -32603, alone or in a batch, and the
    /// connection keeps answering (before, the exception escaped into StreamJsonRpc and nothing was answered again).
    /// </summary>
    [Fact]
    public async Task Failure_to_build_one_answer_fails_that_request_only()
    {
        var output = new Pipe();
        using var writer = new MessageWriter(output.Writer.AsStream());
        using var formatter = new JsonMessageFormatter();
        var serializer = RpcSerializer.Create();
        serializer.Converters.Add(new ExplodingConverter());
        var handler = new GuardedMessageHandler(writer, formatter, serializer, NullLogger.Instance, _ => true);
        using var rpc = new IpmiJsonRpc(handler, new ErrorMapper(serializer, NullLogger.Instance));
        rpc.AddLocalRpcMethod("explode", new Func<Exploding>(() => new Exploding()));
        rpc.AddLocalRpcMethod("fine", new Func<int>(() => 7));
        rpc.StartListening();
        var lines = new LineReader(output.Reader);

        await handler.AcceptAsync(new FramedMessage("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"explode\"}"u8.ToArray(), null));
        var single = await lines.ReadAsync();
        AssertError(single, -32603, id: 1);

        await handler.AcceptAsync(new FramedMessage("[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"explode\"},{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"fine\"}]"u8.ToArray(), null));
        var batch = Assert.IsType<JArray>(await lines.ReadAsync());
        AssertError(batch.Single(a => (int)a["id"]! == 2), -32603);
        Assert.Equal(7, (int)batch.Single(a => (int)a["id"]! == 3)["result"]!);

        await handler.AcceptAsync(new FramedMessage("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"fine\"}"u8.ToArray(), null));
        Assert.Equal(7, (int)(await lines.ReadAsync())["result"]!);

        handler.CompleteInput();
        await handler.Drained.WaitAsync(DefaultWait);
    }

    public sealed class Exploding;

    private sealed class ExplodingConverter : JsonConverter<Exploding>
    {
        public override bool CanRead => false;

        public override Exploding ReadJson(JsonReader reader, Type objectType, Exploding? existingValue, bool hasExistingValue, JsonSerializer serializer) =>
            throw new NotSupportedException();

        public override void WriteJson(JsonWriter writer, Exploding? value, JsonSerializer serializer) => throw new OutOfMemoryException();
    }

    private sealed class LineReader(PipeReader reader)
    {
        public async Task<JToken> ReadAsync()
        {
            using var cts = new CancellationTokenSource(DefaultWait);
            while (true)
            {
                var result = await reader.ReadAsync(cts.Token);
                if (result.Buffer.PositionOf((byte)'\n') is { } pos)
                {
                    var text = Encoding.UTF8.GetString(result.Buffer.Slice(0, pos).ToArray());
                    reader.AdvanceTo(result.Buffer.GetPosition(1, pos));
                    return JToken.Parse(text);
                }

                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                Assert.False(result.IsCompleted, "output ended");
            }
        }
    }
}
