using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// Writes to one BMC keep their arrival order (issue 17 §1), with the real <c>ipmirpc</c>: against a BMC that enforces
/// the set-in-progress lock (tests/fixtures/lockingbmc), and against ipmi_sim through <c>serve --socket</c>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WriteOrderingTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-order-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static JObject Target(LockingBmc bmc) => new()
    {
        ["host"] = bmc.Host,
        ["port"] = bmc.Port,
        ["username"] = bmc.User,
        ["password"] = bmc.Password,
        ["cipherSuite"] = 3,
    };

    private static JObject Target(IpmiSim sim) => new()
    {
        ["host"] = sim.Host,
        ["port"] = sim.Port,
        ["username"] = sim.User,
        ["password"] = sim.Password,
        ["cipherSuite"] = 3,
    };

    private static string Line(object id, string method, JObject @params) =>
        new JObject { ["jsonrpc"] = "2.0", ["id"] = JToken.FromObject(id), ["method"] = method, ["params"] = @params }.ToString(Formatting.None);

    private static async Task<Dictionary<string, JObject>> ReadAnswersAsync(Func<TimeSpan, Task<JObject?>> read, int count, Func<string> diagnostics)
    {
        var answers = new Dictionary<string, JObject>();
        while (answers.Count < count)
        {
            var message = await read(Wait) ?? throw new TimeoutException($"{answers.Count} of {count} answers\n{diagnostics()}");
            answers[(string)message["id"]!] = message;
        }

        return answers;
    }

    private static JToken Result(JObject answer) =>
        answer["result"] ?? throw new Xunit.Sdk.XunitException("expected a result, got " + answer.ToString(Formatting.None));

    [Fact]
    public async Task Set_get_set_piped_at_once_behave_as_if_sent_one_at_a_time_on_a_bmc_that_enforces_the_lock()
    {
        await using var bmc = await LockingBmc.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var set = new JObject { ["target"] = Target(bmc), ["values"] = new JObject { ["operatingSystemName"] = "ordered-os" } };
        var get = new JObject { ["target"] = Target(bmc), ["parameters"] = new JArray("operatingSystemName") };

        // One write of three lines: the host reads all three before the first has finished.
        await rpc.SendRawAsync(Line("set1", "systemInfo.set", set) + "\n" + Line("get", "systemInfo.get", get) + "\n" + Line("set2", "systemInfo.set", set) + "\n");
        var answers = await ReadAnswersAsync(rpc.ReadMessageAsync, 3, () => rpc.StdErrText);

        Assert.True((bool)Result(answers["set1"])["changed"]!);
        Assert.Equal("ordered-os", (string?)Result(answers["get"])["operatingSystemName"]);
        Assert.False((bool)Result(answers["set2"])["changed"]!);
        // The BMC saw one transaction (lock taken and released once), and never refused one.
        Assert.Equal(1, bmc.Events.Count(e => e == "state 1"));
        Assert.DoesNotContain("refused 1", bmc.Events);
    }

    [Fact]
    public async Task A_write_waits_out_another_tools_set_in_progress_lock_and_succeeds_once_it_is_released()
    {
        await using var bmc = await LockingBmc.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var lockTaken = await bmc.IpmiToolAsync("raw", "0x06", "0x58", "0x00", "0x01");
        Assert.True(lockTaken.Succeeded, lockTaken.ToString());

        await rpc.SendLineAsync(Line("set", "systemInfo.set",
            new JObject { ["target"] = Target(bmc), ["values"] = new JObject { ["systemName"] = "after-the-lock" } }));
        // Our first attempt met the foreign lock: only now does the other tool finish.
        await bmc.WaitForAsync("refused 1");
        var released = await bmc.IpmiToolAsync("raw", "0x06", "0x58", "0x00", "0x00");
        Assert.True(released.Succeeded, released.ToString());
        var answer = await rpc.ReadMessageAsync(Wait) ?? throw new TimeoutException(rpc.StdErrText);

        Assert.True((bool)Result(answer)["changed"]!);
        Assert.Equal("after-the-lock", (string?)Result(answer)["current"]!["systemName"]);
        // Ours is the second lock taken (after the other tool's), and the BMC ended unlocked.
        Assert.Equal(2, bmc.Events.Count(e => e == "state 1"));
        Assert.Equal("state 0", bmc.Events.Last());
    }

    [Fact]
    public async Task Five_socket_clients_with_four_writes_each_all_succeed_in_one_order_that_keeps_each_clients_order()
    {
        await using var sim = await IpmiSim.StartAsync();
        var socketPath = Path.Combine(_dir, "s.sock");
        await using var server = await IpmiRpcProcess.StartAsync(["serve", "--socket", socketPath, "--idle-exit", "0"]);
        try
        {
            await SocketRpcClient.WaitForSocketAsync(socketPath, server, TimeSpan.FromSeconds(30));
            var clients = new List<SocketRpcClient>();
            for (var c = 0; c < 5; c++)
                clients.Add(await SocketRpcClient.ConnectAsync(socketPath));
            try
            {
                var before = (string?)Result(await clients[0].CallAsync("lan.getConfiguration", new JObject { ["target"] = Target(sim) }, Wait))["ipAddress"];
                string Ip(int client, int write) => string.Create(CultureInfo.InvariantCulture, $"172.16.{client + 1}.{write + 1}");

                // Each client writes its four requests in one go; the five clients race each other.
                var answers = await Task.WhenAll(clients.Select(async (client, c) =>
                {
                    var lines = string.Concat(Enumerable.Range(0, 4).Select(w => Line($"c{c}w{w}", "lan.setConfiguration",
                        new JObject { ["target"] = Target(sim), ["ipAddress"] = Ip(c, w) }) + "\n"));
                    await client.SendRawAsync(lines);
                    return await ReadAnswersAsync(client.ReadMessageAsync, 4, () => server.StdErrText);
                }));

                // Every write succeeded, and each saw the previous write's value: one chain through all twenty.
                var previousOf = new Dictionary<string, string>();
                foreach (var (id, answer) in answers.SelectMany(a => a))
                {
                    var result = Result(answer);
                    Assert.True((bool)result["changed"]!, id);
                    previousOf[(string)result["current"]!["ipAddress"]!] = (string)result["previous"]!["ipAddress"]!;
                }

                var chain = new List<string>();
                var nextOf = previousOf.ToDictionary(p => p.Value, p => p.Key);
                for (var value = before!; nextOf.TryGetValue(value, out var next); value = next)
                    chain.Add(next);
                Assert.Equal(20, chain.Count);
                for (var c = 0; c < 5; c++)
                {
                    var positions = Enumerable.Range(0, 4).Select(w => chain.IndexOf(Ip(c, w))).ToArray();
                    Assert.Equal(positions.Order(), positions);
                }

                var after = Result(await clients[0].CallAsync("lan.getConfiguration", new JObject { ["target"] = Target(sim) }, Wait));
                Assert.Equal(chain[^1], (string?)after["ipAddress"]);
            }
            finally
            {
                foreach (var client in clients)
                    client.Dispose();
            }
        }
        finally
        {
            await SocketRpcClient.SignalAsync(server.ProcessId, "TERM");
        }
    }
}
