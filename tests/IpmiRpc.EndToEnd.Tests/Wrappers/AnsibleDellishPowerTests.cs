using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// ipmi_power (tests/wrappers/ansible/power_dellish.yml) against tests/peers/dellish_bmc.py, which answers like a Dell
/// iDRAC and counts every Chassis Control datagram it receives: off when off sends nothing and is not a change; a power
/// off the BMC refuses (its status read stale) fails with D5h and its text, sent once; a power cycle whose answer is lost
/// is sent once and fails (community.general would report changed and, through pyghmi's retries, could send it again).
/// </summary>
public sealed class AnsibleDellishPowerTests : IClassFixture<AnsibleCollectionTests.InstalledCollection>
{
    private readonly AnsibleCollectionTests.InstalledCollection _collection;

    public AnsibleDellishPowerTests(AnsibleCollectionTests.InstalledCollection collection) => _collection = collection;

    [Fact]
    public async Task Refusals_come_back_with_their_completion_code_and_nothing_is_sent_twice()
    {
        Require.Tool("ansible-playbook");
        await using var bmc = await DellishBmc.StartAsync(powerOn: true);
        await bmc.SendAsync("power off");
        await bmc.SendAsync("stale 1");
        await bmc.SendAsync("mute 1 2");

        var run = await _collection.PlaybookJsonAsync("power_dellish.yml", sim: null!, new()
        {
            ["bmc_host"] = bmc.Host,
            ["bmc_port"] = bmc.Port,
            ["bmc_user"] = bmc.User,
            ["bmc_password"] = bmc.Password,
        });

        var refused = run.Task("Off while the status still reads on");
        Assert.True((bool)refused["failed"]!, refused.ToString());
        Assert.Equal(-32001, (int)refused["code"]!);
        Assert.Equal(0xD5, (int)refused["completion_code"]!);
        Assert.Equal("BMC returned completion code 0xD5: Command not supported in present state", (string?)refused["msg"]);
        Assert.Null(refused["exception"]);

        var offWhenOff = run.Task("Off when off");
        Assert.False((bool)offWhenOff["changed"]!, offWhenOff.ToString());
        Assert.Equal("off", (string?)offWhenOff["powerstate"]);
        Assert.Equal("power is already off", (string?)offWhenOff["reason"]);

        var on = run.Task("Power on");
        Assert.True((bool)on["changed"]!, on.ToString());
        Assert.Equal("on", (string?)on["powerstate"]);

        var cycle = run.Task("Cycle whose answer is lost");
        Assert.True((bool)cycle["failed"]!, cycle.ToString());
        Assert.Equal(-32004, (int)cycle["code"]!);
        Assert.False((bool)cycle["data"]!["controlAnswered"]!, cycle.ToString());

        // What arrived: Power Down once (refused), nothing for off when off, Power Up once, Power Cycle once.
        Assert.Equal(["00", "01", "02"], bmc.ChassisControlRequests);
        Assert.Equal([0xD5, 0x00], bmc.AnswerCodes(0x00, 0x02));
        Assert.DoesNotContain(bmc.Password, run.Raw.StdOut + run.Raw.StdErr, StringComparison.Ordinal);
    }
}
