using IpmiRpc.Core;
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
    public async Task A_request_that_waited_for_a_slot_starts_on_the_stdin_reader_thread()
    {
        // The reader waits for the slot itself: an asynchronous wait resumed through the thread pool, so in a burst
        // past the limit every request woke a pool worker to start it (tests/bench/README.md, "Fifth pass: burst evenness").
        var held = new TaskCompletionSource<IpmiResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        Thread? reader = null;
        string? nextStartedOn = null;
        var transport = new FakeTransport
        {
            Responder = (_, _) =>
            {
                switch (Interlocked.Increment(ref calls))
                {
                    case 1:
                        return Task.FromResult(DeviceIdResponse()); // resolves and opens the target
                    case 2:
                        reader = Thread.CurrentThread; // the held request starts on the reader
                        return held.Task;
                    default:
                        nextStartedOn = Thread.CurrentThread.Name;
                        return Task.FromResult(DeviceIdResponse());
                }
            },
        };
        await using var host = Start(transport, new ServerOptions { MaxRequestsInFlight = 1 });
        // The first call of a fresh host compiles the whole path; under a saturated machine (a stress run at load
        // ~50) it once took over the harness's 30 s, so its bound is wider. A bound, never a measurement.
        await host.SendAsync(Request("warm", "bmc.getDeviceId"));
        Assert.Equal("warm", (string?)(await host.ReadAsync(TimeSpan.FromSeconds(120)))["id"]);
        await host.SendAsync(Request("held", "bmc.getDeviceId"));
        await PollAsync(() => Volatile.Read(ref reader) is not null);
        await host.SendAsync(Request("next", "bmc.getDeviceId"));
        // Let the reader take the next line and stop at the full limit (it blocks either way: in a read or for the slot).
        await PollAsync(() => reader!.ThreadState.HasFlag(ThreadState.WaitSleepJoin));
        held.SetResult(DeviceIdResponse());

        Assert.Equal("held", (string?)(await host.ReadAsync())["id"]);
        Assert.Equal("next", (string?)(await host.ReadAsync())["id"]);
        Assert.Equal("IpmiRpc stdin reader", nextStartedOn);
    }

    [Fact]
    public async Task A_reader_out_of_slots_resumes_once_a_batch_of_them_is_free()
    {
        // The reader sleeps until an eighth of the slots are free, instead of spinning for (and waking at) every one:
        // at the limit of 32, the next request starts only once 4 of the held ones are answered.
        const int limit = 32;
        const int batch = limit / 8;
        var gates = new ConcurrentQueue<TaskCompletionSource>();
        var released = 0;
        var releasedWhenNextStarted = -1;
        var calls = 0;
        var transport = new FakeTransport
        {
            Responder = async (_, ct) =>
            {
                var call = Interlocked.Increment(ref calls);
                if (call == 1 || call == limit + 2)
                {
                    if (call == limit + 2)
                    {
                        Volatile.Write(ref releasedWhenNextStarted, Volatile.Read(ref released));
                    }

                    return DeviceIdResponse(); // the first resolves and opens the target; then the one past the limit
                }

                var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                gates.Enqueue(gate);
                await gate.Task.WaitAsync(ct);
                return DeviceIdResponse();
            },
        };
        await using var host = Start(transport, new ServerOptions { MaxRequestsInFlight = limit });
        await host.SendAsync(Request("warm", "bmc.getDeviceId"));
        Assert.Equal("warm", (string?)(await host.ReadAsync(TimeSpan.FromSeconds(120)))["id"]);
        for (var i = 1; i <= limit; i++)
        {
            await host.SendAsync(Request(i, "bmc.getDeviceId"));
        }

        await PollAsync(() => gates.Count == limit);
        await host.SendAsync(Request("next", "bmc.getDeviceId"));
        await PollAsync(() => host.Log.Contains("Out of in-flight slots: input is read on once 4 are free"));

        // The reader is asleep for "next"'s slot. One answer at a time, each read before the next is let go: a reader
        // woken per free slot would start "next" after the first.
        var seen = new List<string?>();
        for (var i = 0; i < batch; i++)
        {
            Assert.True(gates.TryDequeue(out var gate));
            Interlocked.Increment(ref released);
            gate.SetResult();
            seen.Add((string?)(await host.ReadAsync())["id"]);
        }

        seen.Add((string?)(await host.ReadAsync())["id"]);
        Assert.Equal("next", seen[^1]);
        Assert.Equal(batch, Volatile.Read(ref releasedWhenNextStarted));
        Assert.Single(host.Log.Messages, m => m.StartsWith("Out of in-flight slots", StringComparison.Ordinal));
        while (gates.TryDequeue(out var gate))
        {
            gate.SetResult();
        }

        for (var i = batch; i < limit; i++)
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
