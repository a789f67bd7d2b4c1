using System.Net;
using System.Net.Sockets;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// <c>ipmirpc.ipmi.ipmi_fanout</c> in a real ansible-playbook run (tests/wrappers/ansible/fanout.yml): three ipmi_sim
/// BMCs with the stateful chassis program and one BMC that never answers, in one task each; results cross-checked
/// with ipmitool and the chassis program's log (what was really sent).
/// </summary>
public sealed class AnsibleFanOutTests : IClassFixture<AnsibleCollectionTests.InstalledCollection>
{
    private readonly AnsibleCollectionTests.InstalledCollection _collection;

    public AnsibleFanOutTests(AnsibleCollectionTests.InstalledCollection collection) => _collection = collection;

    [Fact]
    public async Task One_task_reads_every_BMC_reports_the_dead_one_alone_and_writes_only_when_allowed()
    {
        var dir = WrapperSupport.NewTempDir("ansible-fanout");
        try
        {
            // sim0 and sim2 off, sim1 on: "on" applies to two of three.
            bool[] poweredOn = [false, true, false];
            var states = poweredOn.Select((on, i) =>
            {
                var state = Directory.CreateDirectory(Path.Combine(dir, $"chassis{i}")).FullName;
                File.WriteAllText(Path.Combine(state, "power"), on ? "1\n" : "0\n");
                return state;
            }).ToArray();
            await using var sim0 = await ChassisTests.StartSimAsync(states[0]);
            await using var sim1 = await ChassisTests.StartSimAsync(states[1]);
            await using var sim2 = await ChassisTests.StartSimAsync(states[2]);
            IpmiSim[] sims = [sim0, sim1, sim2];
            using var dead = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var targetsFile = Path.Combine(dir, "targets.json");
            var targets = new JObject
            {
                ["dead"] = new JObject
                {
                    ["host"] = "127.0.0.1", ["port"] = ((IPEndPoint)dead.Client.LocalEndPoint!).Port, ["username"] = "nobody",
                    ["password"] = "unused-pw", ["timeoutMs"] = 200, ["retries"] = 0,
                },
                ["slow"] = new JObject { ["host"] = "127.0.0.1", ["port"] = ((IPEndPoint)dead.Client.LocalEndPoint!).Port, ["username"] = "nobody", ["password"] = "unused-pw" },
                ["sims"] = new JArray("sim0", "sim1", "sim2"),
            };
            for (var i = 0; i < sims.Length; i++)
            {
                targets[$"sim{i}"] = new JObject
                {
                    ["host"] = sims[i].Host, ["port"] = sims[i].Port, ["username"] = sims[i].User, ["password"] = sims[i].Password, ["cipherSuite"] = 3,
                };
            }

            await WrapperSupport.WritePrivateFileAsync(targetsFile, targets.ToString());
            var productId = WrapperSupport.ParseInt(WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim0, "mc", "info")).StdOut)["Product ID"]);

            var run = await _collection.PlaybookJsonAsync("fanout.yml", sim0, new()
            {
                ["bmc_ports"] = sims.Select(s => s.Port).ToArray(),
                ["targets_file"] = targetsFile,
                ["state_dirs"] = states,
            });
            var sentBeforeTheRealRun = (int)run.Task("What the chassis programs ran before the real run")["matched"]!;

            // One task, every BMC in input order (the range's hosts, then the named dead one); the dead one is an error
            // entry and the task still succeeds.
            var ids = run.Task("Device ID of every BMC in one task");
            Assert.False((bool)ids["changed"]!);
            Assert.Equal(3, (int)ids["succeeded"]!);
            Assert.Equal(1, (int)ids["failed_bmcs"]!);
            var bmcs = (JArray)ids["bmcs"]!;
            Assert.Equal([.. sims.Select(s => $"127.0.0.1:{s.Port}"), "dead"], bmcs.Select(b => (string)b["target"]!));
            Assert.All(bmcs.Take(3), b => Assert.Equal(productId, (int)b["result"]!["productId"]!));
            Assert.Equal(-32004, (int)bmcs[3]["error"]!["code"]!);
            // timeout: the deadline of each BMC's call (ended by it, not by the 5 attempts of 1 s).
            var slow = (JObject)Assert.Single((JArray)run.Task("Timeout is each BMC's deadline")["bmcs"]!);
            Assert.Equal(-32004, (int)slow["error"]!["code"]!);
            Assert.Contains("No answer within timeoutMs (1500 ms)", (string?)slow["error"]!["message"], StringComparison.Ordinal);
            var lines = run.Task("One line per BMC, as a playbook loops over them")["results"]!.Last!["ansible_facts"]!["lines"]!;
            Assert.Equal([.. sims.Select(s => $"127.0.0.1:{s.Port} {productId}"), "dead -32004"], lines.Values<string>());

            // Check mode: a dry run per BMC, the prediction per BMC and for the task, nothing sent.
            var check = run.Task("Power on in check mode is a dry run, allowed without allow_writes");
            Assert.True((bool)check["changed"]!, check.ToString());
            Assert.Equal(poweredOn.Select(on => !on), ((JArray)check["bmcs"]!).Select(b => (bool)b["result"]!["changed"]!));
            Assert.All((JArray)check["bmcs"]!, b => Assert.False((bool)b["result"]!["sent"]!));

            // Without allow_writes a real run is refused by the host before anything is sent.
            var refused = run.Task("Power on without allow_writes is refused before anything is sent");
            Assert.True((bool)refused["failed"]!, refused.ToString());
            Assert.Equal(-32602, (int)refused["code"]!);
            Assert.Contains("allowFanOutWrites", (string?)refused["msg"], StringComparison.Ordinal);
            Assert.Equal(0, sentBeforeTheRealRun); // neither the check mode run nor the refused one sent a Chassis Control

            // With it: only the BMCs that were off got Power On; ipmitool reads every one on; the second run sends nothing.
            var power = run.Task("Power on every BMC");
            Assert.True((bool)power["changed"]!, power.ToString());
            Assert.Equal(3, (int)power["succeeded"]!);
            Assert.Equal(poweredOn.Select(on => !on), ((JArray)power["bmcs"]!).Select(b => (bool)b["result"]!["sent"]!));
            for (var i = 0; i < sims.Length; i++)
            {
                Assert.Equal(poweredOn[i] ? [] : ["power 1"], ActionsLog(states[i]));
                var status = await IpmiTool.RunAsync(sims[i], "chassis", "power", "status");
                Assert.Equal("Chassis Power is on", status.StdOut.Trim());
            }

            var again = run.Task("Power on again changes nothing");
            Assert.False((bool)again["changed"]!, again.ToString());
            Assert.All((JArray)again["bmcs"]!, b => Assert.False((bool)b["result"]!["sent"]!));
            Assert.Equal(["power 1"], ActionsLog(states[0]));

            // One Kg source per task: key (kg_hex) beside kg or kg_file fails argument validation, in ipmi_fanout and in
            // the generated modules.
            foreach (var name in new[] { "Key and kg together are refused (fan-out)", "Key and kg_file together are refused (generated module)" })
            {
                var task = run.Task(name);
                Assert.True((bool)task["failed"]!, task.ToString());
                Assert.Contains("parameters are mutually exclusive: kg|kg_hex|kg_env|kg_file", (string?)task["msg"], StringComparison.Ordinal);
            }

            Assert.DoesNotContain("unused-pw", run.Raw.StdOut + run.Raw.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    private static string[] ActionsLog(string stateDir)
    {
        var path = Path.Combine(stateDir, "actions.log");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }
}
