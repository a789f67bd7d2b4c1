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
            var fields = ParseColonLines(tool.StdOut);
            Assert.Equal(powerOn ? "on" : "off", fields["System Power"]);
            Assert.Equal((bool)status["powerOn"]! ? "on" : "off", fields["System Power"]);
            Assert.Equal(fields["Power Overload"], Bool((bool)status["powerOverload"]!));
            Assert.Equal(fields["Power Interlock"], Active((bool)status["powerInterlock"]!));
            Assert.Equal(fields["Main Power Fault"], Bool((bool)status["powerFault"]!));
            Assert.Equal(fields["Power Control Fault"], Bool((bool)status["powerControlFault"]!));
            Assert.Equal(fields["Power Restore Policy"], RestorePolicy((string)status["powerRestorePolicy"]!));
            Assert.Equal(fields["Chassis Intrusion"], Active((bool)status["intrusionActive"]!));
            Assert.Equal(fields["Front-Panel Lockout"], Active((bool)status["frontPanelLockout"]!));
            Assert.Equal(fields["Drive Fault"], Bool((bool)status["driveFault"]!));
            Assert.Equal(fields["Cooling/Fan Fault"], Bool((bool)status["coolingFault"]!));

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

    /// <summary>FreeIPMI's on/off, true/false, active/inactive, yes/no as a boolean.</summary>
    private static bool Truthy(string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" or "active" or "yes" => true,
        "off" or "false" or "inactive" or "no" => false,
        _ => throw new Xunit.Sdk.XunitException($"not a FreeIPMI boolean: '{value}'"),
    };

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Active(bool value) => value ? "active" : "inactive";

    private static string RestorePolicy(string policy) => policy switch
    {
        "alwaysOff" => "always-off",
        "alwaysOn" => "always-on",
        "previous" => "previous",
        _ => "unknown",
    };

    /// <summary>"Name   : value" lines → name → value (trimmed).</summary>
    internal static Dictionary<string, string> ParseColonLines(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                fields[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return fields;
    }
}
