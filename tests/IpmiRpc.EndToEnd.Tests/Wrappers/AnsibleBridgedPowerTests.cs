using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// ipmi_power's <c>machine</c> option (issue 13) in a real playbook (tests/wrappers/ansible/power_machine.yml) against
/// ipmi_sim with a second controller at IPMB 0x30 that has a chassis of its own: ipmi_sim runs a chassis_control program
/// per controller (<c>set_working_mc 0x30</c> before the second <c>chassis_control</c> in lan.conf), so what is sent
/// through the BMC (Send Message bridging) lands in that controller's log and not in the BMC's.
/// </summary>
public sealed class AnsibleBridgedPowerTests : IClassFixture<AnsibleCollectionTests.InstalledCollection>
{
    private const int BridgedAddress = 0x30;
    private readonly AnsibleCollectionTests.InstalledCollection _collection;

    public AnsibleBridgedPowerTests(AnsibleCollectionTests.InstalledCollection collection) => _collection = collection;

    [Fact]
    public async Task Machine_powers_the_bridged_controller_once_and_check_mode_sends_nothing()
    {
        var dir = WrapperSupport.NewTempDir("ansible-machine");
        try
        {
            var bmcState = Directory.CreateDirectory(Path.Combine(dir, "bmc")).FullName;
            var bridgedState = Directory.CreateDirectory(Path.Combine(dir, "bridged")).FullName;
            await File.WriteAllTextAsync(Path.Combine(bmcState, "power"), "1\n");
            await File.WriteAllTextAsync(Path.Combine(bridgedState, "power"), "0\n");
            var program = Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "chassis_control.sh");
            await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions
            {
                ExtraLanConf =
                [
                    $"chassis_control \"{program} {bmcState}\"",
                    // The lines after set_working_mc configure the controller at 0x30 (a chassis device: support 0x81).
                    $"set_working_mc 0x{BridgedAddress:x2}",
                    $"chassis_control \"{program} {bridgedState}\"",
                ],
                ExtraEmu = [$"mc_add 0x{BridgedAddress:x2} 0x42 no-device-sdrs 0x01 2 1 0x81 0x0157 0x0abc", $"mc_enable 0x{BridgedAddress:x2}"],
            });
            Assert.Equal("Chassis Power is off", (await Bridged(sim, "chassis", "power", "status")).StdOut.Trim());

            var run = await _collection.PlaybookJsonAsync("power_machine.yml", sim, new() { ["machine_address"] = BridgedAddress });

            // Check mode: the prediction (on, changed) and nothing sent.
            var check = run.Task("Power on the bridged controller in check mode");
            Assert.True((bool)check["changed"]!, check.ToString());
            AssertStatus(check, powerstate: "on", changed: true);
            // For real: Power Up to 0x30 only (the BMC's own chassis untouched), read back on through the BMC by ipmitool.
            var power = run.Task("Power on the bridged controller");
            Assert.True((bool)power["changed"]!, power.ToString());
            AssertStatus(power, powerstate: "on", changed: true);
            Assert.Equal(["power 1"], File.ReadAllLines(Path.Combine(bridgedState, "actions.log")));
            Assert.False(File.Exists(Path.Combine(bmcState, "actions.log")));
            Assert.Equal("Chassis Power is on", (await Bridged(sim, "chassis", "power", "status")).StdOut.Trim());
            // Again: already on, nothing sent (community.general would send it again).
            var again = run.Task("Power on the bridged controller again");
            Assert.False((bool)again["changed"]!, again.ToString());
            AssertStatus(again, powerstate: "on", changed: false);
            Assert.Single(File.ReadAllLines(Path.Combine(bridgedState, "actions.log")));
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    /// <summary>The result's status list as community.general returns it, its key spelt targetAddress (no stray colon).</summary>
    private static void AssertStatus(JObject task, string powerstate, bool changed)
    {
        var entry = (JObject)Assert.Single((JArray)task["status"]!);
        Assert.Equal(["changed", "powerstate", "targetAddress"], entry.Properties().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(BridgedAddress, (int)entry["targetAddress"]!);
        Assert.Equal(powerstate, (string?)entry["powerstate"]);
        Assert.Equal(changed, (bool)entry["changed"]!);
    }

    private static Task<ToolResult> Bridged(IpmiSim sim, params string[] args) =>
        IpmiTool.RunAsync(sim, ["-b", "0", "-t", $"0x{BridgedAddress:x2}", .. args]);
}
