using System.Collections.Concurrent;
using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>
/// The per-BMC write order through the real server with an in-memory BMC: each request is tagged by a data byte and
/// the fake BMC records when it starts and ends, holding it until the test's condition (an event, not a delay) holds.
/// </summary>
public sealed class BmcOrderingHostTests
{
    private static readonly BmcKey Bmc = new("lanplus", "bmc.test", 623);

    private sealed class TracingBmc
    {
        private readonly ConcurrentDictionary<int, Func<bool>> _holds = new();

        public ConcurrentQueue<string> Trace { get; } = new();

        public FakeTransport Transport { get; } = new();

        public TracingBmc() =>
            Transport.Responder = async (request, ct) =>
            {
                var tag = request.Data.Span[request.Command == 0x59 ? 1 : 0];
                var name = (request.Command == 0x58 ? "W" : "R") + tag.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Trace.Enqueue("start " + name);
                if (_holds.TryGetValue(tag, out var until))
                {
                    await Until(until, ct);
                }

                Trace.Enqueue("end " + name);
                return new IpmiResponse(0, request.Command == 0x59 ? new byte[] { 0x11, 0, 0 } : []);
            };

        /// <summary>Holds the request tagged <paramref name="tag"/> until <paramref name="condition"/>.</summary>
        public void Hold(int tag, Func<bool> condition) => _holds[tag] = condition;

        public bool Started(string name) => Trace.Contains("start " + name);
    }

    private static JObject Read(int tag, JObject? target = null) => Raw(0x59, [0, tag, 0, 0], target);

    private static JObject Write(int tag, JObject? target = null) => Raw(0x58, [tag, 0], target);

    private static JObject Raw(int command, int[] data, JObject? target)
    {
        var p = new JObject { ["netFn"] = 6, ["command"] = command, ["data"] = new JArray(data) };
        if (target is not null)
        {
            p["target"] = target;
        }

        return p;
    }

    private static async Task Until(Func<bool> condition, CancellationToken ct = default)
    {
        for (var i = 0; !condition(); i++)
        {
            Assert.True(i < 3000, "condition not met within 30 s");
            await Task.Delay(10, ct);
        }
    }

    private static async Task<Dictionary<string, JToken>> ReadAnswers(HostHarness host, int count)
    {
        var answers = new Dictionary<string, JToken>();
        for (var i = 0; i < count; i++)
        {
            var answer = await host.ReadAsync(TimeSpan.FromSeconds(30));
            answers[(string)answer["id"]!] = answer;
        }

        return answers;
    }

    [Fact]
    public async Task Reads_with_no_write_pending_run_in_parallel()
    {
        var bmc = new TracingBmc();
        // Each read is held until both have started: run one at a time, they would never finish.
        bmc.Hold(1, () => bmc.Started("R2"));
        bmc.Hold(2, () => bmc.Started("R1"));
        await using var host = Start(bmc.Transport);

        await host.SendAsync(Request("r1", "ipmi.requestResponse", Read(1)));
        await host.SendAsync(Request("r2", "ipmi.requestResponse", Read(2)));
        var answers = await ReadAnswers(host, 2);

        Assert.All(answers.Values, a => Assert.NotNull(a["result"]));
    }

    [Fact]
    public async Task A_write_waits_for_the_earlier_read_and_a_later_read_sees_the_write_finished()
    {
        var bmc = new TracingBmc();
        await using var host = Start(bmc.Transport);
        var ordering = host.Context.Ordering;
        // Release each request once the next one is either queued behind it (the order holds) or already running
        // beside it (it does not): the trace then tells which.
        bmc.Hold(1, () => ordering.Queued(Bmc).Waiting == 2 || bmc.Started("W2"));
        bmc.Hold(2, () => ordering.Queued(Bmc).Waiting == 1 || bmc.Started("R3"));

        await host.SendAsync(Request("r1", "ipmi.requestResponse", Read(1)));
        await host.SendAsync(Request("w2", "ipmi.requestResponse", Write(2)));
        await host.SendAsync(Request("r3", "ipmi.requestResponse", Read(3)));
        var answers = await ReadAnswers(host, 3);

        Assert.All(answers.Values, a => Assert.NotNull(a["result"]));
        Assert.Equal(["start R1", "end R1", "start W2", "end W2", "start R3", "end R3"], bmc.Trace);
        Assert.Equal(0, ordering.ActiveBmcs);
    }

    [Fact]
    public async Task Writes_under_different_users_of_one_bmc_run_one_at_a_time_in_arrival_order()
    {
        var bmc = new TracingBmc();
        await using var host = Start(bmc.Transport);
        var ordering = host.Context.Ordering;
        bmc.Hold(1, () => ordering.Queued(Bmc).Waiting == 2 || bmc.Started("W2") || bmc.Started("W3"));
        bmc.Hold(2, () => ordering.Queued(Bmc).Waiting == 1 || bmc.Started("W3"));
        // Another user of the same BMC (the host name in another case) is the same BMC.
        var otherUser = new JObject { ["host"] = "BMC.test", ["username"] = "operator", ["password"] = "other" };

        await host.SendAsync(Request("w1", "ipmi.requestResponse", Write(1)));
        await host.SendAsync(Request("w2", "ipmi.requestResponse", Write(2, otherUser)));
        await host.SendAsync(Request("w3", "ipmi.requestResponse", Write(3)));
        await ReadAnswers(host, 3);

        Assert.Equal(["start W1", "end W1", "start W2", "end W2", "start W3", "end W3"], bmc.Trace);
        Assert.Equal(0, ordering.ActiveBmcs);
    }

    [Fact]
    public async Task Different_bmcs_never_wait_for_each_other()
    {
        var bmc = new TracingBmc();
        var release = new TaskCompletionSource();
        bmc.Hold(1, () => release.Task.IsCompleted);
        await using var host = Start(bmc.Transport);
        var other = new JObject { ["host"] = "bmc.test", ["port"] = 624, ["username"] = "admin", ["password"] = "pw" };

        await host.SendAsync(Request("w1", "ipmi.requestResponse", Write(1)));
        await host.SendAsync(Request("w2", "ipmi.requestResponse", Write(2, other)));

        var first = await host.ReadAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("w2", (string?)first["id"]);
        release.SetResult();
        Assert.Equal("w1", (string?)(await host.ReadAsync(TimeSpan.FromSeconds(30)))["id"]);
    }

    [Fact]
    public async Task Requests_that_time_out_or_are_cancelled_while_waiting_give_up_their_place()
    {
        var bmc = new TracingBmc();
        var release = new TaskCompletionSource();
        bmc.Hold(1, () => release.Task.IsCompleted);
        await using var host = Start(bmc.Transport);
        var ordering = host.Context.Ordering;

        await host.SendAsync(Request("w1", "ipmi.requestResponse", Write(1)));
        await Until(() => bmc.Started("W1"));
        var timedOut = Write(2);
        timedOut["timeoutMs"] = 200;
        await host.SendAsync(Request("w2", "ipmi.requestResponse", timedOut));
        AssertError(await host.ReadAsync(TimeSpan.FromSeconds(30)), -32004, id: "w2");

        await host.SendAsync(Request("w3", "ipmi.requestResponse", Write(3)));
        await Until(() => ordering.Queued(Bmc) == (1, 1));
        await host.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\"w3\"}}");
        AssertError(await host.ReadAsync(TimeSpan.FromSeconds(30)), -32800, id: "w3");
        Assert.Equal((1, 0), ordering.Queued(Bmc));

        release.SetResult();
        Assert.Equal("w1", (string?)(await host.ReadAsync(TimeSpan.FromSeconds(30)))["id"]);
        Assert.NotNull((await host.CallAsync("ipmi.requestResponse", Write(4)))["result"]);

        Assert.False(bmc.Started("W2"));
        Assert.False(bmc.Started("W3"));
        await Until(() => ordering.ActiveBmcs == 0);
    }

    [Fact]
    public async Task Requests_answered_without_running_release_their_place()
    {
        var bmc = new TracingBmc();
        await using var host = Start(bmc.Transport);

        // Refused params and a bad target still took a place when read; nothing may stay queued behind them.
        AssertError(await host.CallAsync("ipmi.requestResponse", new JObject { ["netFn"] = 6, ["command"] = 0x58, ["bogus"] = 1 }), -32602);
        AssertError(await host.CallAsync("lan.setConfiguration", new JObject { ["target"] = new JObject { ["host"] = "bmc.test", ["port"] = "x" } }), -32602);
        Assert.NotNull((await host.CallAsync("ipmi.requestResponse", Write(1)))["result"]);

        await Until(() => host.Context.Ordering.ActiveBmcs == 0);
    }
}
