using Newtonsoft.Json.Linq;
using Xunit;

namespace IpmiRpc.TestSupport;

/// <summary><c>ipmitool chassis status</c> output against a <c>chassis.getStatus</c> result, field by field.</summary>
public static class IpmitoolChassisStatus
{
    /// <summary>Fails on the first field where ipmitool's text and the decoded status disagree.</summary>
    public static void AssertSame(string ipmitoolOutput, JToken status)
    {
        var fields = ParseColonLines(ipmitoolOutput);
        Assert.Equal(fields["System Power"], (bool)status["powerOn"]! ? "on" : "off");
        Assert.Equal(fields["Power Overload"], Bool((bool)status["powerOverload"]!));
        Assert.Equal(fields["Power Interlock"], Active((bool)status["powerInterlock"]!));
        Assert.Equal(fields["Main Power Fault"], Bool((bool)status["powerFault"]!));
        Assert.Equal(fields["Power Control Fault"], Bool((bool)status["powerControlFault"]!));
        Assert.Equal(fields["Power Restore Policy"], RestorePolicy((string)status["powerRestorePolicy"]!));
        Assert.Equal(fields["Chassis Intrusion"], Active((bool)status["intrusionActive"]!));
        Assert.Equal(fields["Front-Panel Lockout"], Active((bool)status["frontPanelLockout"]!));
        Assert.Equal(fields["Drive Fault"], Bool((bool)status["driveFault"]!));
        Assert.Equal(fields["Cooling/Fan Fault"], Bool((bool)status["coolingFault"]!));
    }

    /// <summary>"Name   : value" lines → name → value (trimmed).</summary>
    public static Dictionary<string, string> ParseColonLines(string text)
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

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Active(bool value) => value ? "active" : "inactive";

    private static string RestorePolicy(string policy) => policy switch
    {
        "alwaysOff" => "always-off",
        "alwaysOn" => "always-on",
        "previous" => "previous",
        _ => "unknown",
    };
}
