using System.Net;
using System.Net.Sockets;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods.FanOut;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Methods.FanOut;

/// <summary>Three real ipmi_sim BMCs shared by the fan-out tests (starting them is the slow part).</summary>
public sealed class ThreeSims : IAsyncLifetime
{
    public IpmiSim[] Sims { get; private set; } = [];

    public async Task InitializeAsync() => Sims = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => IpmiSim.StartAsync()));

    public async Task DisposeAsync()
    {
        foreach (var sim in Sims)
        {
            await sim.DisposeAsync();
        }
    }
}

/// <summary>
/// <c>targets</c> on a real host (lanplus transport, session pool, JSON-RPC server over pipes) against real ipmi_sim
/// BMCs; a loopback socket that never answers plays the dead BMC. Counters come from the host's fan-out limiter.
/// </summary>
public sealed class FanOutSweepTests(ThreeSims fixture) : IClassFixture<ThreeSims>
{
    private static JObject Target(IpmiSim sim) => new()
    {
        ["host"] = sim.Host, ["port"] = sim.Port, ["username"] = sim.User, ["password"] = sim.Password, ["cipherSuite"] = 3,
    };

    private static JObject DeadTarget(int port) => new()
    {
        ["host"] = "127.0.0.1", ["port"] = port, ["username"] = "nobody", ["password"] = "unused", ["cipherSuite"] = 3,
        ["timeoutMs"] = 100, ["retries"] = 0,
    };

    private static HostHarness Start(FanOutOptions options, TargetResolver? targets = null) =>
        HostHarness.StartWith(logs => new HostContext(HostComposition.CreateTransports(logs), targets ?? new TargetResolver(), OpenRpcDocument.Generated, logs)
        {
            FanOut = options,
        });

    /// <summary>One request and its answer; the <c>$/progress</c> notifications before it are skipped.</summary>
    private static async Task<JObject> CallAsync(HostHarness host, string method, JObject @params)
    {
        var id = Guid.NewGuid().ToString("N");
        await host.SendAsync(HostHarness.Request(id, method, @params));
        JToken message;
        while ((message = await host.ReadAsync())["method"] is not null)
        {
            Assert.Equal("$/progress", (string)message["method"]!);
        }

        Assert.Equal(id, (string)message["id"]!);
        return (JObject)message;
    }

    [Fact]
    public async Task Results_come_in_input_order_and_a_dead_bmc_is_an_error_entry_not_a_failed_call()
    {
        using var dead = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var deadPort = ((IPEndPoint)dead.Client.LocalEndPoint!).Port;
        await using var host = Start(new FanOutOptions());
        var sims = fixture.Sims;
        var single = await CallAsync(host, "bmc.getDeviceId", new JObject { ["target"] = Target(sims[0]) });

        var answer = await CallAsync(host, "bmc.getDeviceId", new JObject
        {
            ["targets"] = new JArray(Target(sims[2]), DeadTarget(deadPort), Target(sims[0]), Target(sims[1])),
        });

        var result = answer["result"]!;
        var results = (JArray)result["results"]!;
        Assert.Equal([sims[2].Port, deadPort, sims[0].Port, sims[1].Port], results.Select(r => (int)r["target"]!["port"]!));
        Assert.Equal(3, (int)result["ok"]!);
        Assert.Equal(1, (int)result["failed"]!);
        Assert.Equal(-32004, (int)results[1]["error"]!["code"]!);
        Assert.Null(results[1]["result"]);
        foreach (var i in new[] { 0, 2, 3 })
        {
            Assert.True(JToken.DeepEquals(single["result"], results[i]["result"]), results[i].ToString());
        }

        // Labels never carry the password given in the target object.
        Assert.DoesNotContain(sims[0].Password, results.ToString(Newtonsoft.Json.Formatting.None).Replace("\"password", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.All(results, r => Assert.Null(r["target"]!["password"]));
    }

    [Fact]
    public async Task Groups_and_ranges_from_the_targets_file_expand_in_order()
    {
        var sims = fixture.Sims;
        var template = new JObject { ["username"] = sims[0].User, ["password"] = sims[0].Password, ["cipherSuite"] = 3 };
        var resolver = new TargetResolver(
            new Dictionary<string, JObject> { ["sim"] = template, ["first"] = Target(sims[0]) },
            groups: new Dictionary<string, JArray>
            {
                ["rack"] = new(new JObject { ["hosts"] = $"127.0.0.1:[{sims[1].Port},{sims[2].Port}]", ["template"] = "sim" }),
                ["all"] = new("first", "rack"),
            });
        await using var host = Start(new FanOutOptions(), resolver);

        var answer = await CallAsync(host, "bmc.getDeviceId", new JObject { ["targets"] = new JArray("all") });

        var results = (JArray)answer["result"]!["results"]!;
        Assert.Equal(["first", $"127.0.0.1:{sims[1].Port}", $"127.0.0.1:{sims[2].Port}"], results.Select(r => (string)r["target"]!));
        Assert.Equal(3, (int)answer["result"]!["ok"]!);
    }

    [Fact]
    public async Task A_mutating_method_fans_out_only_with_allowFanOutWrites_and_is_refused_before_anything_is_sent()
    {
        await using var host = Start(new FanOutOptions());
        var targets = new JArray(fixture.Sims.Select(Target));

        var refused = await CallAsync(host, "chassis.identify", new JObject { ["targets"] = targets, ["seconds"] = 1 });
        Assert.Equal(-32602, (int)refused["error"]!["code"]!);
        Assert.Equal("allowFanOutWrites", (string)refused["error"]!["data"]!["field"]!);
        Assert.Equal(0, host.Context.FanOutLimiter.Started);

        var allowed = await CallAsync(host, "chassis.identify", new JObject { ["targets"] = targets, ["seconds"] = 1, ["allowFanOutWrites"] = true });
        Assert.Equal(3, (int)(allowed["result"] ?? throw new InvalidOperationException(allowed.ToString()))["results"]!.Count());
        Assert.Equal(3, host.Context.FanOutLimiter.Started);
    }

    [Fact]
    public async Task Concurrency_stays_within_the_global_bound()
    {
        await using var host = Start(new FanOutOptions { MaxConcurrency = 2 });
        var targets = new JArray(Enumerable.Range(0, 4).SelectMany(_ => fixture.Sims.Select(Target)));

        var answer = await CallAsync(host, "bmc.getDeviceId", new JObject { ["targets"] = targets });

        Assert.Equal(12, (int)answer["result"]!["ok"]!);
        Assert.Equal(12, host.Context.FanOutLimiter.Started);
        Assert.InRange(host.Context.FanOutLimiter.PeakInFlight, 1, 2);
        Assert.Equal(0, host.Context.FanOutLimiter.TrackedBmcs);
    }

    [Fact]
    public async Task One_bmc_named_many_times_gets_one_call_at_a_time()
    {
        await using var host = Start(new FanOutOptions { MaxConcurrency = 8, MaxPerBmc = 1 });
        var targets = new JArray(Enumerable.Range(0, 8).Select(_ => Target(fixture.Sims[0])));

        var answer = await CallAsync(host, "bmc.getDeviceId", new JObject { ["targets"] = targets });

        Assert.Equal(8, (int)answer["result"]!["ok"]!);
        Assert.Equal(1, host.Context.FanOutLimiter.PeakInFlight);
    }

    [Fact]
    public async Task Cancel_request_stops_the_sweep_and_no_further_target_is_started()
    {
        using var dead = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var deadPort = ((IPEndPoint)dead.Client.LocalEndPoint!).Port;
        await using var host = Start(new FanOutOptions { MaxConcurrency = 2 });
        // Ten dead BMCs (distinct ports, so the per-BMC bound does not serialize them) that would each wait a minute.
        var targets = new JArray(Enumerable.Range(0, 10).Select(i =>
        {
            var t = DeadTarget(deadPort);
            t["port"] = 20000 + i == deadPort ? 30000 + i : 20000 + i;
            t["timeoutMs"] = 60_000;
            return t;
        }));

        await host.SendAsync(HostHarness.Request("sweep", "bmc.getDeviceId", new JObject { ["targets"] = targets }));
        await Poll.UntilAsync(() => host.Context.FanOutLimiter.Started == 2, "two targets started");
        await host.SendAsync(new JObject { ["jsonrpc"] = "2.0", ["method"] = "$/cancelRequest", ["params"] = new JObject { ["id"] = "sweep" } });

        var answer = await host.ReadAsync();
        Assert.Equal("sweep", (string)answer["id"]!);
        Assert.Equal(-32800, (int)answer["error"]!["code"]!);
        Assert.Equal(2, host.Context.FanOutLimiter.Started);
        Assert.Equal(0, host.Context.FanOutLimiter.TrackedBmcs);
    }

    [Fact]
    public async Task Progress_notifications_count_up_to_the_total_before_the_answer()
    {
        await using var host = Start(new FanOutOptions { MaxConcurrency = 1, ProgressInterval = TimeSpan.Zero });
        var targets = new JArray(Enumerable.Range(0, 2).SelectMany(_ => fixture.Sims.Select(Target)));

        await host.SendAsync(HostHarness.Request("p", "bmc.getDeviceId", new JObject { ["targets"] = targets }));
        var progress = new List<JToken>();
        JToken message;
        while ((message = await host.ReadAsync())["method"] is not null)
        {
            Assert.Equal("$/progress", (string)message["method"]!);
            progress.Add(message["params"]!);
        }

        Assert.Equal("p", (string)message["id"]!);
        Assert.Equal(6, (int)message["result"]!["ok"]!);
        Assert.InRange(progress.Count, 1, 6);
        Assert.All(progress, p => Assert.Equal("p", (string)p["id"]!));
        Assert.All(progress, p => Assert.Equal(6, (int)p["total"]!));
        var done = progress.Select(p => (int)p["done"]!).ToArray();
        Assert.Equal(done.Order(), done);
        Assert.Equal(6, done[^1]);
    }

    [Fact]
    public async Task Bad_targets_and_target_with_targets_are_invalid_params()
    {
        await using var host = Start(new FanOutOptions { MaxTargets = 10 });

        var both = await CallAsync(host, "bmc.getDeviceId", new JObject { ["target"] = "x", ["targets"] = new JArray("x") });
        var unknown = await CallAsync(host, "bmc.getDeviceId", new JObject { ["targets"] = new JArray("nosuch") });
        var tooMany = await CallAsync(host, "bmc.getDeviceId", new JObject { ["targets"] = new JArray(new JObject { ["hosts"] = "bmc[1-11]" }) });
        var notFanOut = await CallAsync(host, "sessions.list", new JObject { ["targets"] = new JArray("x") });

        Assert.Equal("targets", (string)both["error"]!["data"]!["field"]!);
        Assert.Equal("targets[0]", (string)unknown["error"]!["data"]!["field"]!);
        Assert.Equal("targets[0].hosts", (string)tooMany["error"]!["data"]!["field"]!);
        Assert.Equal(-32602, (int)notFanOut["error"]!["code"]!);
        Assert.Equal(0, host.Context.FanOutLimiter.Started);
    }
}
