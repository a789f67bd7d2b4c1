using System.Text;
using IpmiRpc.Reliability.Tests.Support;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileInput;

/// <summary>
/// Issue 20 (high): one 98 KB line of 2,000 <c>rpc.discover</c> made a 59.6 MB answer and 1.27 GB peak RSS; 1 MB of
/// <c>[0,0,…]</c> took 1.8 GB. Batches are capped (1,000 requests, 16 MiB of answers) and the host keeps serving.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class BatchMemoryTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(60);

    private static string DiscoverBatch(int count) =>
        "[" + string.Join(",", Enumerable.Range(1, count).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"rpc.discover\"}}")) + "]";

    [Fact]
    public async Task Huge_batches_are_refused_or_capped_and_memory_stays_bounded()
    {
        await using var host = RawHost.Start(["--log-level", "warning"]);
        Assert.True((await host.CallAsync("sessions.list", new JObject(), Answer))["result"] is JArray);

        // 1 MB of [0,0,…]: ~500,000 invalid elements → one error, not 500,000.
        var zeros = new StringBuilder("[0");
        while (zeros.Length < 1_000_000)
            zeros.Append(",0");
        zeros.Append(']');
        await host.WriteLineAsync(zeros.ToString());
        var refused = Assert.IsType<JObject>(await host.ReadJsonAsync(Answer));
        Assert.Equal(-32600, (int?)refused["error"]?["code"]);

        // 2,000 rpc.discover in one 98 KB line: over the element limit.
        await host.WriteLineAsync(DiscoverBatch(2000));
        var tooMany = Assert.IsType<JObject>(await host.ReadJsonAsync(Answer));
        Assert.Equal(-32600, (int?)tooMany["error"]?["code"]);

        // 1,000 rpc.discover (~30 MB of answers uncapped): every request answered, the array within 16 MiB plus short errors.
        await host.WriteLineAsync(DiscoverBatch(1000));
        var line = await host.ReadLineAsync(Answer);
        Assert.NotNull(line);
        var answers = Assert.IsType<JArray>(JToken.Parse(line));
        Assert.Equal(1000, answers.Count);
        Assert.True(line.Length <= (16 * 1024 * 1024) + (1000 * 300), $"{line.Length} bytes");
        Assert.Contains(answers, a => a["result"] is not null);
        Assert.Contains(answers, a => (int?)a["error"]?["code"] == -32600);

        Assert.True((await host.CallAsync("sessions.list", new JObject(), Answer))["result"] is JArray);
        var peakKb = ProcStats.PeakRssKb(host.Pid);
        Log($"peak RSS after a 1 MB [0,0,…] batch, 2,000 and 1,000 rpc.discover batches: {peakKb / 1024} MB");
        Ledger.Leak($"batch limits: peak RSS {peakKb / 1024} MB after 1 MB of [0,…], 2,000 and 1,000 rpc.discover in one line");
        Assert.True(peakKb < 600 * 1024, $"peak RSS {peakKb / 1024} MB");
        Assert.Equal(0, await host.CloseAndWaitAsync(TimeSpan.FromSeconds(30)));
    }
}
