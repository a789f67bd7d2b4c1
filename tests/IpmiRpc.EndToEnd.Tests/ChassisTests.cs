using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// <c>chassis.*</c> through the real <c>ipmirpc</c> against ipmi_sim with a stateful chassis program
/// (tests/fixtures/ipmi_sim/chassis_control.sh), every field cross-checked with <c>ipmitool chassis status</c> and
/// FreeIPMI <c>ipmi-chassis --get-chassis-status</c> on the same simulator.
/// </summary>
public sealed class ChassisTests
{
    private const string PasswordVariable = "IPMIRPC_TEST_BMC_PASSWORD";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>ipmi_sim with the chassis program keeping its state (power, boot, actions.log) in <paramref name="stateDir"/>.</summary>
    internal static Task<IpmiSim> StartSimAsync(string stateDir) => IpmiSim.StartAsync(new IpmiSimOptions
    {
        ExtraLanConf = [$"chassis_control \"{Path.Combine(RepoPaths.Fixtures, "ipmi_sim", "chassis_control.sh")} {stateDir}\""],
    });

    internal static JObject Target(IpmiSim sim) => new()
    {
        ["host"] = sim.Host,
        ["port"] = sim.Port,
        ["username"] = sim.User,
        ["passwordEnv"] = PasswordVariable,
        ["cipherSuite"] = 3,
    };

    internal static Task<IpmiRpcProcess> StartRpcAsync(IpmiSim sim) =>
        IpmiRpcProcess.StartAsync((string?)null, new Dictionary<string, string> { [PasswordVariable] = sim.Password });

    internal static async Task<JToken> CallAsync(IpmiRpcProcess rpc, string method, JObject @params)
    {
        var response = await rpc.CallAsync(method, @params, Wait);
        SchemaValidator.AssertValid(method, response);
        return response["result"] ?? throw new Xunit.Sdk.XunitException($"error: {response["error"]}\n--- stderr ---\n{rpc.StdErrText}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Get_status_agrees_with_ipmitool_and_freeipmi_field_by_field(bool powerOn)
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(state, "power"), powerOn ? "1\n" : "0\n");
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);

            var status = await CallAsync(rpc, "chassis.getStatus", new JObject { ["target"] = Target(sim) });

            var tool = await IpmiTool.RunAsync(sim, "chassis", "status");
            Assert.True(tool.ExitCode == 0, tool.ToString());
            Assert.Equal(powerOn ? "on" : "off", ParseColonLines(tool.StdOut)["System Power"]);
            IpmitoolChassisStatus.AssertSame(tool.StdOut, status);

            var freeIpmi = await FreeIpmi.RunAsync("ipmi-chassis", sim, "--get-chassis-status");
            Assert.True(freeIpmi.ExitCode == 0, freeIpmi.ToString());
            var free = ParseColonLines(freeIpmi.StdOut);
            Assert.Equal(Truthy(free["System Power"]), (bool)status["powerOn"]!);
            Assert.Equal(Truthy(free["Power overload"]), (bool)status["powerOverload"]!);
            Assert.Equal(Truthy(free["Interlock"]), (bool)status["powerInterlock"]!);
            Assert.Equal(Truthy(free["Power fault"]), (bool)status["powerFault"]!);
            Assert.Equal(Truthy(free["Power control fault"]), (bool)status["powerControlFault"]!);
            Assert.Equal(Truthy(free["Chassis intrusion"]), (bool)status["intrusionActive"]!);
            Assert.Equal(Truthy(free["Front panel lockout"]), (bool)status["frontPanelLockout"]!);
            Assert.Equal(Truthy(free["Drive Fault"]), (bool)status["driveFault"]!);
            Assert.Equal(Truthy(free["Cooling/fan fault"]), (bool)status["coolingFault"]!);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>Each action from the state it applies to, as ipmi_sim runs it through the chassis program (its
    /// actions.log), then read back with ipmitool on the same simulator; dryRun first leaves the log untouched, and the
    /// same on/off/softOff again sends nothing.</summary>
    [Theory]
    [InlineData("on", false, new[] { "power 1" }, true)]
    [InlineData("off", true, new[] { "power 0" }, false)]
    [InlineData("softOff", true, new[] { "shutdown 1" }, false)]
    [InlineData("reset", true, new[] { "reset 1" }, true)]
    [InlineData("cycle", true, new[] { "power 0", "power 1" }, true)]
    public async Task SetPower_on_ipmi_sim_runs_once_and_reads_back_with_ipmitool(string action, bool before, string[] expectedLog, bool after)
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(state, "power"), before ? "1\n" : "0\n");
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);

            var dry = await CallAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(sim), ["action"] = action, ["dryRun"] = true });
            Assert.True((bool)dry["changed"]!);
            Assert.False((bool)dry["sent"]!);
            Assert.Empty(ActionsLog(state));

            var result = await CallAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(sim), ["action"] = action, ["wait"] = true, ["timeoutMs"] = 20000 });
            Assert.True((bool)result["changed"]!);
            Assert.True((bool)result["sent"]!);
            Assert.Equal(before, (bool)result["previous"]!["powerOn"]!);
            Assert.Equal(after, (bool)result["current"]!["powerOn"]!);

            // ipmi_sim runs a cycle as off, then on about a second later.
            await Poll.UntilAsync(() => ActionsLog(state).Length >= expectedLog.Length, "the chassis program's log");
            Assert.Equal(expectedLog, ActionsLog(state));
            await AssertPowerAsync(after, args => IpmiTool.RunAsync(sim, args));

            if (action is "on" or "off" or "softOff")
            {
                var again = await CallAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(sim), ["action"] = action });
                Assert.False((bool)again["changed"]!);
                Assert.False((bool)again["sent"]!);
                Assert.Equal(expectedLog, ActionsLog(state));
            }
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>
    /// A BMC that answers Chassis Control late (the chassis program takes 1 s, the target's timeout is 500 ms): the
    /// lanplus transport would retransmit it, and ipmi_sim runs every copy (measured: ipmi.requestResponse with the same
    /// reset ran it 5 times). setPower sends it once and reads the status instead; the ipmitool read afterwards queues
    /// behind anything still waiting in the simulator, so the log is final when it answers.
    /// </summary>
    [Theory]
    [InlineData("off", "power 0")]
    [InlineData("reset", "reset 1")]
    public async Task SetPower_with_a_late_answer_runs_the_action_once_on_ipmi_sim(string action, string logLine)
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(state, "set_delay"), "1\n");
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);
            var target = Target(sim);
            target["timeoutMs"] = 500;

            var response = await RawCallAsync(rpc, "chassis.setPower", new JObject { ["target"] = target, ["action"] = action });

            if (action == "reset")
            {
                // A reset leaves the power on either way: the outcome is unknown, and said so.
                Assert.Equal(-32004, (int)response["error"]!["code"]!);
                Assert.False((bool)response["error"]!["data"]!["controlAnswered"]!);
                Assert.False((bool)response["error"]!["data"]!["resent"]!);
            }
            else
            {
                var result = response["result"] ?? throw new Xunit.Sdk.XunitException(response.ToString());
                Assert.True((bool)result["sent"]!);
                Assert.False((bool)result["current"]!["powerOn"]!);
                Assert.Contains("not re-sent", (string?)result["reason"], StringComparison.Ordinal);
            }

            await AssertPowerAsync(action == "reset", args => IpmiTool.RunAsync(sim, args));
            Assert.Equal([logLine], ActionsLog(state));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Theory]
    [InlineData("on", true)]
    [InlineData("off", false)]
    [InlineData("softOff", false)]
    [InlineData("cycle", false)]
    [InlineData("reset", false)]
    [InlineData("diag", false)]
    public async Task SetPower_where_the_action_does_not_apply_sends_nothing_to_ipmi_sim(string action, bool powerOn)
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(state, "power"), powerOn ? "1\n" : "0\n");
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);

            var result = await CallAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(sim), ["action"] = action, ["wait"] = true });

            Assert.False((bool)result["changed"]!);
            Assert.False((bool)result["sent"]!);
            Assert.False(string.IsNullOrEmpty((string?)result["reason"]));
            Assert.Empty(ActionsLog(state));
            await AssertPowerAsync(powerOn, args => IpmiTool.RunAsync(sim, args));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>ipmi_sim has no diagnostic interrupt (CCh) and no Set Power Restore Policy (C1h): the completion code
    /// and its text reach the client, nothing is retried, the chassis program never runs.</summary>
    [Fact]
    public async Task Completion_codes_from_ipmi_sim_are_32001_with_their_text()
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);

            var diag = await RawCallAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(sim), ["action"] = "diag" });
            AssertCompletionCode(diag, 0xCC, "Invalid data field in request");

            // Get Chassis Status reads always-off here, so asking for it is idempotent and sends nothing.
            var same = await CallAsync(rpc, "chassis.setPowerRestorePolicy", new JObject { ["target"] = Target(sim), ["policy"] = "alwaysOff" });
            Assert.False((bool)same["changed"]!);
            Assert.False((bool)same["sent"]!);
            var policy = await RawCallAsync(rpc, "chassis.setPowerRestorePolicy", new JObject { ["target"] = Target(sim), ["policy"] = "alwaysOn" });
            AssertCompletionCode(policy, 0xC1, "Invalid command");
            Assert.Empty(ActionsLog(state));

            var unknown = await RawCallAsync(rpc, "chassis.setPower", new JObject { ["target"] = Target(sim), ["action"] = "boot" });
            Assert.Equal(-32602, (int)unknown["error"]!["code"]!);
            Assert.Contains("on, off, cycle, reset, softOff, diag", unknown["error"]!.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Theory]
    [InlineData("seconds", 5, "identify 5 0")]
    [InlineData("force", true, "identify 0 1")]
    [InlineData("off", true, "identify 0 0")]
    public async Task Identify_reaches_ipmi_sim_in_the_form_asked_for(string name, object value, string expected)
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);

            var dry = await CallAsync(rpc, "chassis.identify", new JObject { ["target"] = Target(sim), [name] = JToken.FromObject(value), ["dryRun"] = true });
            Assert.False((bool)dry["sent"]!);
            Assert.Empty(ActionsLog(state));

            var result = await CallAsync(rpc, "chassis.identify", new JObject { ["target"] = Target(sim), [name] = JToken.FromObject(value) });
            Assert.True((bool)result["sent"]!);
            Assert.Equal([expected], ActionsLog(state));
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>The same power checks on a second, independent BMC (pyghmi fakebmc, which starts off), read back with
    /// ipmitool; fakebmc prints each power action it performs, so "nothing sent" is checked there too.</summary>
    [Fact]
    public async Task SetPower_on_fakebmc_applies_only_where_it_should_and_reads_back_with_ipmitool()
    {
        await using var bmc = await FakeBmcProcess.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync((string?)null, new Dictionary<string, string> { [PasswordVariable] = bmc.Password });
        var target = new JObject
        {
            ["host"] = bmc.Host,
            ["port"] = bmc.Port,
            ["username"] = bmc.User,
            ["passwordEnv"] = PasswordVariable,
            ["cipherSuite"] = 3,
        };
        Task<JToken> SetPower(string action, bool dryRun = false) =>
            CallAsync(rpc, "chassis.setPower", new JObject { ["target"] = target, ["action"] = action, ["wait"] = true, ["timeoutMs"] = 20000, ["dryRun"] = dryRun });

        var dry = await SetPower("on", dryRun: true);
        Assert.True((bool)dry["changed"]!);
        Assert.False((bool)dry["sent"]!);
        await AssertPowerAsync(false, bmc.IpmiToolAsync);

        foreach (var notWhenOff in new[] { "off", "softOff", "cycle", "reset", "diag" })
        {
            var skipped = await SetPower(notWhenOff);
            Assert.False((bool)skipped["sent"]!, notWhenOff);
        }

        var on = await SetPower("on");
        Assert.True((bool)on["sent"]!);
        Assert.True((bool)on["current"]!["powerOn"]!);
        await AssertPowerAsync(true, bmc.IpmiToolAsync);
        Assert.False((bool)(await SetPower("on"))["sent"]!);

        var reset = await SetPower("reset");
        Assert.True((bool)reset["sent"]!);
        await AssertPowerAsync(true, bmc.IpmiToolAsync);

        // fakebmc has no power cycle or diagnostic interrupt: CCh with its text, sent once, power unchanged.
        AssertCompletionCode(await RawCallAsync(rpc, "chassis.setPower", new JObject { ["target"] = target, ["action"] = "cycle" }), 0xCC, "Invalid data field in request");
        AssertCompletionCode(await RawCallAsync(rpc, "chassis.setPower", new JObject { ["target"] = target, ["action"] = "diag" }), 0xCC, "Invalid data field in request");
        AssertCompletionCode(await RawCallAsync(rpc, "chassis.identify", new JObject { ["target"] = target, ["seconds"] = 5 }), 0xC1, "Invalid command");
        await AssertPowerAsync(true, bmc.IpmiToolAsync);

        var soft = await SetPower("softOff");
        Assert.True((bool)soft["sent"]!);
        Assert.False((bool)soft["current"]!["powerOn"]!);
        await AssertPowerAsync(false, bmc.IpmiToolAsync);
        Assert.False((bool)(await SetPower("off"))["sent"]!);

        Assert.True((bool)(await SetPower("on"))["sent"]!);
        var off = await SetPower("off");
        Assert.True((bool)off["sent"]!);
        Assert.False((bool)off["current"]!["powerOn"]!);
        await AssertPowerAsync(false, bmc.IpmiToolAsync);

        string[] expected = ["powered on", "politely shut down the system", "powered on", "abruptly remove power"];
        await Poll.UntilAsync(() => bmc.ActionLines.Count >= expected.Length, "fakebmc's actions");
        Assert.Equal(expected, bmc.ActionLines);
    }

    /// <summary>ipmi_sim keeps only the boot selector (valid, persistent and EFI always read 0): the selector is written
    /// through the chassis program and read back by ipmitool <c>chassis bootparam get 5</c>; dryRun runs nothing.</summary>
    [Theory]
    [InlineData("pxe", "boot pxe", "Force PXE")]
    [InlineData("cdrom", "boot cdrom", "Force Boot from CD/DVD")]
    [InlineData("bios", "boot bios", "Force Boot into BIOS Setup")]
    public async Task SetBootDevice_on_ipmi_sim_writes_the_selector_read_back_by_ipmitool(string device, string logLine, string ipmitoolText)
    {
        var state = Directory.CreateTempSubdirectory("ipmirpc-chassis-").FullName;
        try
        {
            await using var sim = await StartSimAsync(state);
            await using var rpc = await StartRpcAsync(sim);

            var dry = await CallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = Target(sim), ["device"] = device, ["dryRun"] = true });
            Assert.True((bool)dry["changed"]!);
            Assert.False((bool)dry["sent"]!);
            Assert.Empty(ActionsLog(state));

            var result = await CallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = Target(sim), ["device"] = device });
            Assert.True((bool)result["sent"]!);
            Assert.Equal(device, (string?)result["current"]!["device"]);
            Assert.Equal([logLine], ActionsLog(state));

            var read = await CallAsync(rpc, "chassis.getBootDevice", new JObject { ["target"] = Target(sim) });
            Assert.Equal(device, (string?)read["device"]);
            var tool = await IpmiTool.RunAsync(sim, "chassis", "bootparam", "get", "5");
            Assert.True(tool.ExitCode == 0, tool.ToString());
            Assert.Contains(ipmitoolText, tool.StdOut, StringComparison.Ordinal);
            // ipmi_sim never reports the valid bit, so the override reads as cleared, never pending.
            Assert.False((bool)read["valid"]!);
            Assert.Equal("cleared", (string?)read["override"]);

            var unknown = await RawCallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = Target(sim), ["device"] = "usb" });
            Assert.Equal(-32602, (int)unknown["error"]!["code"]!);
            Assert.Contains("none, pxe, disk, safe, diag, cdrom, bios, remoteFloppy, remoteCdrom, remoteDisk, floppy", unknown["error"]!.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    /// <summary>fakebmc keeps the device and reports it valid, but drops persistent and EFI: the read-back says so, and
    /// a second identical call writes nothing (idempotent where the BMC keeps what was asked).</summary>
    [Fact]
    public async Task SetBootDevice_on_fakebmc_is_read_back_and_idempotent()
    {
        await using var bmc = await FakeBmcProcess.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync((string?)null, new Dictionary<string, string> { [PasswordVariable] = bmc.Password });
        var target = new JObject
        {
            ["host"] = bmc.Host,
            ["port"] = bmc.Port,
            ["username"] = bmc.User,
            ["passwordEnv"] = PasswordVariable,
            ["cipherSuite"] = 3,
        };

        var first = await CallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = target, ["device"] = "pxe" });
        Assert.True((bool)first["sent"]!);
        Assert.Equal("pxe", (string?)first["current"]!["device"]);
        Assert.True((bool)first["current"]!["valid"]!);
        Assert.Equal("pending", (string?)first["current"]!["override"]);
        var tool = await bmc.IpmiToolAsync("chassis", "bootparam", "get", "5");
        Assert.True(tool.ExitCode == 0, tool.ToString());
        Assert.Contains("Force PXE", tool.StdOut, StringComparison.Ordinal);

        var again = await CallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = target, ["device"] = "pxe" });
        Assert.False((bool)again["changed"]!);
        Assert.False((bool)again["sent"]!);

        var persistent = await CallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = target, ["device"] = "disk", ["persistent"] = true, ["efi"] = true });
        Assert.True((bool)persistent["sent"]!);
        Assert.Equal("disk", (string?)persistent["current"]!["device"]);
        // fakebmc drops both bits (pyghmi Bmc keeps the device alone): reported as read back, not as asked.
        Assert.False((bool)persistent["current"]!["persistent"]!);
        Assert.False((bool)persistent["current"]!["efi"]!);

        var none = await CallAsync(rpc, "chassis.setBootDevice", new JObject { ["target"] = target, ["device"] = "none" });
        Assert.True((bool)none["sent"]!);
        Assert.Equal("none", (string?)none["current"]!["device"]);
        tool = await bmc.IpmiToolAsync("chassis", "bootparam", "get", "5");
        Assert.Contains("No override", tool.StdOut, StringComparison.Ordinal);
    }

    /// <summary><c>ipmitool chassis power status</c> and <c>chassis status</c> both say <paramref name="on"/>.</summary>
    private static async Task AssertPowerAsync(bool on, Func<string[], Task<ToolResult>> ipmitool)
    {
        var power = await ipmitool(["chassis", "power", "status"]);
        Assert.True(power.ExitCode == 0, power.ToString());
        Assert.Equal(on ? "Chassis Power is on" : "Chassis Power is off", power.StdOut.Trim());
        var status = await ipmitool(["chassis", "status"]);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Equal(on ? "on" : "off", ParseColonLines(status.StdOut)["System Power"]);
    }

    /// <summary>
    /// ipmi_sim answers Get System Restart Cause with C1, so tests/fixtures/ipmi_sim/restart_cause_plugin.c answers it
    /// with a fixed cause; ipmitool's <c>chassis restart_cause</c> text and ours name the same cause; 0Ch and above are
    /// reserved.
    /// </summary>
    [Theory]
    [InlineData(0x0, 0, "unknown", "unknown")]
    [InlineData(0x1, 1, "chassis power control command", "chassisControlCommand")]
    [InlineData(0x3, 0, "power-up via pushbutton", "powerUpViaPowerPushbutton")]
    [InlineData(0x4, 0, "watchdog expired", "watchdogExpiration")]
    [InlineData(0x7, 0, "power-up due to restore-previous power policy", "automaticPowerUpRestorePrevious")]
    [InlineData(0x9, 0, "power-cycle via PEF", "powerCycleViaPef")]
    [InlineData(0xB, 0, "power-up via RTC wakeup", "powerUpViaRtcWakeup")]
    [InlineData(0xC, 0, "Unknown (0x0C)", "reserved")]
    public async Task GetRestartCause_names_the_cause_ipmitool_reads_from_ipmi_sim(int cause, int channel, string ipmitoolText, string expected)
    {
        await SimPlugin.EnsureBuiltAsync();
        var plugin = Path.Combine(SimPlugin.OutputDir, "restart_cause_plugin.so");
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions
        {
            ExtraLanConf = [$"loadlib \"{plugin}\" \"cause={cause} channel={channel} quiet\""],
        });
        await using var rpc = await StartRpcAsync(sim);

        var result = await CallAsync(rpc, "chassis.getRestartCause", new JObject { ["target"] = Target(sim) });
        var tool = await IpmiTool.RunAsync(sim, "chassis", "restart_cause");

        Assert.True(tool.ExitCode == 0, tool.ToString());
        Assert.Equal("System restart cause: " + ipmitoolText, tool.StdOut.Trim());
        Assert.Equal(expected, (string?)result["cause"]);
        Assert.Equal(channel, (int)result["channel"]!);
    }

    [Fact]
    public async Task GetRestartCause_on_a_bmc_without_it_is_the_completion_code_with_its_text()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await StartRpcAsync(sim);

        AssertCompletionCode(await RawCallAsync(rpc, "chassis.getRestartCause", new JObject { ["target"] = Target(sim) }), 0xC1, "Invalid command");
    }

    private static void AssertCompletionCode(JObject response, int code, string text)
    {
        var error = response["error"] ?? throw new Xunit.Sdk.XunitException($"expected completion code {code:X2}, got {response}");
        Assert.Equal(-32001, (int)error["code"]!);
        Assert.Equal(code, (int)error["data"]!["completionCode"]!);
        Assert.Equal(text, (string?)error["data"]!["completionText"]);
    }

    internal static async Task<JObject> RawCallAsync(IpmiRpcProcess rpc, string method, JObject @params)
    {
        var response = await rpc.CallAsync(method, @params, Wait);
        SchemaValidator.AssertValid(method, response);
        return response;
    }

    /// <summary>What ipmi_sim ran through the chassis program (`set` lines), in order; empty when nothing ran.</summary>
    private static string[] ActionsLog(string stateDir)
    {
        var path = Path.Combine(stateDir, "actions.log");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    /// <summary>FreeIPMI's on/off, true/false, active/inactive, yes/no as a boolean.</summary>
    private static bool Truthy(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" or "active" or "yes" => true,
        "off" or "false" or "inactive" or "no" => false,
        _ => throw new Xunit.Sdk.XunitException($"not a FreeIPMI boolean: '{value}'"),
    };

    /// <summary>"Name   : value" lines → name → value (trimmed).</summary>
    internal static Dictionary<string, string> ParseColonLines(string text) => IpmitoolChassisStatus.ParseColonLines(text);
}
