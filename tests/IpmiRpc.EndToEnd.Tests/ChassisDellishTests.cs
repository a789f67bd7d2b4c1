using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// <c>chassis.*</c> against tests/peers/dellish_bmc.py (pyghmi's BMC framework answering like a Dell iDRAC: D5h to a
/// power action on a powered-off host, CCh to a boot device it cannot boot from). The BMC logs every authenticated
/// request datagram, so "nothing sent" and "sent once" are counted where the requests arrive; ipmitool on the same BMC
/// shows that the refusals and the count are real (it sends what ipmirpc does not, and retransmits what ipmirpc does not).
/// </summary>
public sealed class ChassisDellishTests
{
    private const string PasswordVariable = "IPMIRPC_TEST_BMC_PASSWORD";
    private const string NotInPresentState = "Command not supported in present state";
    private const string InvalidDataField = "Invalid data field in request";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Power_off_when_off_sends_nothing_where_ipmitool_gets_D5()
    {
        await using var bmc = await DellishBmc.StartAsync(powerOn: false);
        await using var rpc = await StartRpcAsync(bmc);

        var off = await ResultAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(bmc), ["action"] = "off" });
        Assert.False((bool)off["changed"]!);
        Assert.False((bool)off["sent"]!);
        Assert.Equal("power is already off", (string?)off["reason"]);
        foreach (var notWhenOff in new[] { "softOff", "cycle", "reset", "diag" })
        {
            var skipped = await ResultAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(bmc), ["action"] = notWhenOff });
            Assert.False((bool)skipped["sent"]!, notWhenOff);
        }

        Assert.Empty(bmc.ChassisControlRequests);

        // The same request from ipmitool is sent, and refused.
        var tool = await bmc.IpmiToolAsync("chassis", "power", "off");
        Assert.False(tool.Succeeded, tool.ToString());
        Assert.Contains(NotInPresentState, tool.StdErr + tool.StdOut, StringComparison.Ordinal);
        Assert.Equal(["00"], bmc.ChassisControlRequests);
    }

    [Fact]
    public async Task A_power_off_the_BMC_refuses_fails_with_D5_and_its_text_sent_once()
    {
        await using var bmc = await DellishBmc.StartAsync(powerOn: true);
        await using var rpc = await StartRpcAsync(bmc);

        // The host went off by itself and the BMC still reports it on: ipmirpc reads "on" and sends Power Down.
        await bmc.SendAsync("power off");
        await bmc.SendAsync("stale 1");
        var refused = await ErrorAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(bmc), ["action"] = "off", ["wait"] = true });
        AssertCompletionCode(refused, 0xD5, NotInPresentState);
        Assert.Equal(["00"], bmc.ChassisControlRequests);
        Assert.Equal([0xD5], bmc.AnswerCodes(0x00, 0x02));

        // Sent by hand (raw): the same code and text, once.
        var raw = await ErrorAsync(rpc, "ipmi.requestResponse", new JObject { ["target"] = Target(bmc), ["command"] = "ChassisControl", ["data"] = "00" });
        AssertCompletionCode(raw, 0xD5, NotInPresentState);
        Assert.Equal(["00", "00"], bmc.ChassisControlRequests);

        // The process keeps serving, and now reads the state right.
        var again = await ResultAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(bmc), ["action"] = "off" });
        Assert.False((bool)again["sent"]!);
        Assert.Equal(2, bmc.ChassisControlRequests.Count);
    }

    [Fact]
    public async Task A_power_cycle_whose_answer_is_lost_is_sent_once_where_ipmitool_sends_it_twice()
    {
        await using var bmc = await DellishBmc.StartAsync(powerOn: true);
        await using var rpc = await StartRpcAsync(bmc);

        await bmc.SendAsync("mute 1 2");
        var lost = await ErrorAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(bmc), ["action"] = "cycle" });
        Assert.Equal(-32004, (int)lost["code"]!);
        Assert.False((bool)lost["data"]!["controlAnswered"]!, lost.ToString());
        Assert.False((bool)lost["data"]!["resent"]!, lost.ToString());
        Assert.Equal(["02"], bmc.ChassisControlRequests);

        // ipmitool retransmits the unanswered request, and the BMC cycles the host a second time: the count sees it.
        await bmc.SendAsync("mute 1 2");
        var tool = await bmc.IpmiToolAsync("chassis", "power", "cycle");
        Assert.True(tool.Succeeded, tool.ToString());
        Assert.Equal(["02", "02", "02"], bmc.ChassisControlRequests);
        var retransmitted = bmc.Requests(0x00, 0x02).Skip(1).ToArray();
        Assert.Equal((int)retransmitted[0]["rqSeq"]!, (int)retransmitted[1]["rqSeq"]!);
    }

    [Fact]
    public async Task An_unsupported_boot_device_fails_with_CC_and_its_text_and_releases_set_in_progress()
    {
        await using var bmc = await DellishBmc.StartAsync(powerOn: true);
        await using var rpc = await StartRpcAsync(bmc);

        var refused = await ErrorAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = Target(bmc), ["device"] = "floppy" });
        AssertCompletionCode(refused, 0xCC, InvalidDataField);
        var writes = bmc.Requests(0x00, 0x08).Select(r => (string)r["data"]!).ToArray();
        Assert.Single(writes, w => w.StartsWith("05", StringComparison.Ordinal));
        Assert.Equal("0001", writes[0]);   // set in progress
        Assert.Equal("0000", writes[^1]);  // set complete: the lock released after the refusal
        var tool = await bmc.IpmiToolAsync("chassis", "bootparam", "get", "5");
        Assert.True(tool.Succeeded, tool.ToString());
        Assert.Contains("Boot Device Selector : No override", tool.StdOut, StringComparison.Ordinal);

        // ipmitool's floppy is refused the same way; a device the BMC has still goes through.
        var toolFloppy = await bmc.IpmiToolAsync("chassis", "bootdev", "floppy");
        Assert.Contains(InvalidDataField, toolFloppy.StdErr + toolFloppy.StdOut, StringComparison.Ordinal);
        var pxe = await ResultAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = Target(bmc), ["device"] = "pxe" });
        Assert.True((bool)pxe["sent"]!);
        Assert.Equal("pxe", (string?)pxe["current"]!["device"]);
        Assert.Equal("pending", (string?)pxe["current"]!["override"]);
    }

    private static JObject Target(DellishBmc bmc) => new()
    {
        ["host"] = bmc.Host,
        ["port"] = bmc.Port,
        ["username"] = bmc.User,
        ["passwordEnv"] = PasswordVariable,
        ["cipherSuite"] = 3,
    };

    private static Task<IpmiRpcProcess> StartRpcAsync(DellishBmc bmc) =>
        IpmiRpcProcess.StartAsync((string?)null, new Dictionary<string, string> { [PasswordVariable] = bmc.Password });

    private static async Task<JToken> ResultAsync(IpmiRpcProcess rpc, string method, JObject @params) =>
        await ChassisTests.CallAsync(rpc, method, @params);

    private static async Task<JToken> ErrorAsync(IpmiRpcProcess rpc, string method, JObject @params)
    {
        var response = await rpc.CallAsync(method, @params, Wait);
        return response["error"] ?? throw new Xunit.Sdk.XunitException($"{method} succeeded where the BMC refuses: {response}");
    }

    private static void AssertCompletionCode(JToken error, int code, string text)
    {
        Assert.Equal(-32001, (int)error["code"]!);
        Assert.Equal(code, (int)error["data"]!["completionCode"]!);
        Assert.Equal(text, (string?)error["data"]!["completionText"]);
        Assert.Contains(text, (string)error["message"]!, StringComparison.Ordinal);
    }
}
