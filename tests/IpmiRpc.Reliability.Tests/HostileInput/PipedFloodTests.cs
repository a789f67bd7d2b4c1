using System.Diagnostics;
using System.Text;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileInput;

/// <summary>
/// Issue 20: 1,000,000 tiny requests piped in reached 3.79 GB (every line read and queued before any was answered;
/// under a 512 MB cap the process aborted). With the in-flight limit the host reads only as fast as it answers.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class PipedFloodTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    private const int Requests = 1_000_000;

    [Fact]
    public async Task A_million_piped_requests_are_all_answered_in_bounded_memory()
    {
        var start = new ProcessStartInfo(IpmiRpcProcess.ExecutablePath, ["--log-level", "warning"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdin = process.StandardInput.BaseStream;

        // An unknown method: the cheapest request that still goes all the way through dispatch and gets an answer.
        var writing = Task.Run(async () =>
        {
            var chunk = new StringBuilder();
            for (var i = 1; i <= Requests; i++)
            {
                chunk.Append("{\"jsonrpc\":\"2.0\",\"id\":").Append(i).Append(",\"method\":\"no.such\"}\n");
                if (i % 10_000 == 0)
                {
                    await stdin.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()));
                    chunk.Clear();
                }
            }

            await stdin.FlushAsync();
        });

        var answers = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        while (answers < Requests && await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            Assert.Contains("-32601", line, StringComparison.Ordinal);
            answers++;
        }

        await writing;
        Assert.Equal(Requests, answers);
        var peakKb = ProcStats.PeakRssKb(process.Id);
        stdin.Close();
        await process.WaitForExitAsync(timeout.Token);
        Log($"1,000,000 piped requests: peak RSS {peakKb / 1024} MB");
        Ledger.Leak($"back-pressure: peak RSS {peakKb / 1024} MB for 1,000,000 piped requests (unknown method)");
        Assert.Equal(0, process.ExitCode);
        Assert.True(peakKb < 400 * 1024, $"peak RSS {peakKb / 1024} MB\n{RawHost.Tail(await stderr)}");
    }
}
