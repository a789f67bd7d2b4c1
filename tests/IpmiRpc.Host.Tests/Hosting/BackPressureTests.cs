using System.Collections.Concurrent;
using IpmiRpc.Host.Hosting;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>
/// Issue 20: 1,000,000 piped requests took 3.79 GB because every line was read and queued at once. At the in-flight
/// limit the host reads no more input until an answer is out.
/// </summary>
public sealed class BackPressureTests
{
    [Fact]
    public async Task At_the_in_flight_limit_the_next_request_is_read_only_after_an_answer_is_out()
    {
        var gates = new ConcurrentQueue<TaskCompletionSource>();
        var transport = new FakeTransport
        {
            Responder = async (_, ct) =>
            {
                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                gates.Enqueue(gate);
                await gate.Task.WaitAsync(ct);
                return DeviceIdResponse();
            },
        };
        await using var host = Start(transport, new ServerOptions { MaxRequestsInFlight = 4 });
        for (var i = 1; i <= 4; i++)
        {
            await host.SendAsync(Request(i, "bmc.getDeviceId"));
        }

        // sessions.list answers at once, unless it is never read: it must wait for a free slot.
        await host.SendAsync(Request("probe", "sessions.list"));
        await PollAsync(() => gates.Count == 4);
        Assert.True(gates.TryDequeue(out var first));
        first.SetResult();

        var answered = await host.ReadAsync();
        Assert.Equal(JTokenType.Integer, answered["id"]!.Type);
        Assert.NotNull(answered["result"]);
        var probe = await host.ReadAsync();
        Assert.Equal("probe", (string?)probe["id"]);

        while (gates.TryDequeue(out var gate))
        {
            gate.SetResult();
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull((await host.ReadAsync())["result"]);
        }
    }

    [Fact]
    public async Task A_batch_wider_than_the_limit_is_still_answered_whole()
    {
        await using var host = Start(options: new ServerOptions { MaxRequestsInFlight = 2 });
        await host.SendLineAsync("[" + string.Join(",", Enumerable.Range(1, 50).Select(i => $"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"sessions.list\"}}")) + "]");
        var batch = Assert.IsType<JArray>(await host.ReadAsync());
        Assert.Equal(Enumerable.Range(1, 50), batch.Select(a => (int)a["id"]!).Order());
    }

    internal static async Task PollAsync(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition(), "condition not reached within 30 s");
    }
}
