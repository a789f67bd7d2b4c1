using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace IpmiRpc.Core.Tests;

public partial class CommandCatalogueTests
{
    private const string OpenIpmiHeader = "/usr/include/OpenIPMI/ipmi_msgbits.h";

    // OpenIPMI's abbreviations → the spec words the catalogue uses.
    private static readonly (string From, string To)[] Aliases =
    [
        ("MSG", "MESSAGE"), ("PARMS", "PARAMETERS"), ("CONFIG", "CONFIGURATION"), ("ALLOC", "ALLOCATION"),
        ("XMIT", "TRANSMIT"), ("RECV", "RECEIVE"), ("RCV", "RECEIVE"), ("STATS", "STATISTICS"), ("AUTH", "AUTHENTICATION"),
        ("CONN", "CONNECTION"), ("SECURITY_KEY", "SECURITY_KEYS"), ("MASTER_READ_WRITE", "MASTER_WRITE_READ"),
        ("SESSION_PRIVILEGE", "SESSION_PRIVILEGE_LEVEL"), ("UPDATE", "UPDATE_MODE"), ("GET_POH_COUNTER", "GET_POH_COUNTER"),
    ];

    [Theory]
    [InlineData("GetDeviceId", 0x06, 0x01)]
    [InlineData("Get Device ID", 0x06, 0x01)]
    [InlineData("get-device-id", 0x06, 0x01)]
    [InlineData("GET_CHASSIS_STATUS", 0x00, 0x01)]
    [InlineData("ChassisControl", 0x00, 0x02)]
    [InlineData("Get LAN Configuration Parameters", 0x0C, 0x02)]
    [InlineData("SetSystemInfoParameters", 0x06, 0x58)]
    [InlineData("Get SEL Entry", 0x0A, 0x43)]
    [InlineData("Get Sensor Reading", 0x04, 0x2D)]
    [InlineData("Suspend/Resume Payload Encryption", 0x06, 0x55)]
    [InlineData("Get POH Counter", 0x00, 0x0F)]
    public void Finds_by_name_ignoring_case_and_separators(string name, byte netFn, byte command)
    {
        Assert.True(CommandCatalogue.TryGet(name, out var info));
        Assert.Equal((netFn, command), (info.NetFn, info.Command));
    }

    [Theory]
    [InlineData("GetDeviceId", true)]
    [InlineData("GetChassisStatus", true)]
    [InlineData("ReadFruData", true)]
    [InlineData("GetSdr", true)]
    [InlineData("ChassisControl", false)]
    [InlineData("SetLanConfigurationParameters", false)]
    [InlineData("ClearSel", false)]
    // Get/Read commands that change BMC state: they dequeue, allocate a session or drain a buffer.
    [InlineData("GetSessionChallenge", false)]
    [InlineData("GetMessage", false)]
    [InlineData("ReadEventMessageBuffer", false)]
    [InlineData("GetPppUdpProxyReceiveData", false)]
    // A reservation cancels another client's.
    [InlineData("ReserveSdrRepository", false)]
    [InlineData("ReserveSel", false)]
    public void Read_only_flag(string name, bool readOnly) =>
        Assert.Equal(readOnly, CommandCatalogue.Get(name).IsReadOnly);

    [Fact]
    public void Command_specific_codes_are_in_80h_to_BEh_and_parameter_families_share_theirs()
    {
        Assert.All(CommandCatalogue.All, r => Assert.All(r.CompletionCodes.Keys, code => Assert.InRange(code, 0x80, 0xBE)));
        Assert.Equal([0x80, 0x81, 0x82, 0x83], CommandCatalogue.Get("SetLanConfigurationParameters").CompletionCodes.Keys.Order().ToArray());
        Assert.Equal("Parameter not supported", CommandCatalogue.Get("GetSystemBootOptions").CompletionCodes[0x80]);
        Assert.Equal("No session slot available", CommandCatalogue.Get("ActivateSession").CompletionCodes[0x81]);
        Assert.Empty(CommandCatalogue.Get("GetDeviceId").CompletionCodes);
    }

    [Fact]
    public void Get_needs_the_exact_catalogue_name() =>
        Assert.Throws<KeyNotFoundException>(() => CommandCatalogue.Get("getdeviceid"));

    /// <summary>Every command type is named as its catalogue row (its Info would throw at first use otherwise).</summary>
    [Fact]
    public void Every_command_type_is_a_catalogue_row_of_its_own_name()
    {
        var commands = typeof(IIpmiCommand<>).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false, IsGenericTypeDefinition: false }
                        && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIpmiCommand<>)))
            .ToList();
        Assert.True(commands.Count >= 12, $"only {commands.Count} commands found");
        foreach (var type in commands)
        {
            var info = (CommandInfo)type.GetProperty(nameof(IIpmiCommand<object>.Info))!.GetValue(RuntimeHelpers.GetUninitializedObject(type))!;
            Assert.Equal(type.Name, info.Name);
        }
    }

    [Fact]
    public void Unknown_names_are_not_found() => Assert.False(CommandCatalogue.TryGet("GetCoffee", out _));

    [Fact]
    public void Reverse_lookup_accepts_request_and_response_netfn()
    {
        Assert.Equal("GetLanConfigurationParameters", CommandCatalogue.Find(0x0C, 0x02)!.Name);
        Assert.Equal("GetLanConfigurationParameters", CommandCatalogue.Find(0x0D, 0x02)!.Name);
        Assert.Null(CommandCatalogue.Find(0x30, 0x01));
    }

    [Fact]
    public void Names_and_numbers_are_unique()
    {
        Assert.Equal(CommandCatalogue.All.Count, CommandCatalogue.All.Select(r => r.Name.ToUpperInvariant()).Distinct().Count());
        Assert.Equal(CommandCatalogue.All.Count, CommandCatalogue.All.Select(r => (r.NetFn, r.Command)).Distinct().Count());
        Assert.All(CommandCatalogue.All, r => Assert.True(r.NetFn % 2 == 0, r.Name));
    }

    /// <summary>
    /// Cross-checks the table against OpenIPMI's own command defines (libopenipmi-dev, installed by
    /// tests/setup/install-deps.sh): every define whose name matches a catalogue row must agree on NetFn and command.
    /// </summary>
    [Fact]
    public void Agrees_with_OpenIPMI_ipmi_msgbits_h()
    {
        Assert.True(File.Exists(OpenIpmiHeader), $"{OpenIpmiHeader} missing: install with tests/setup/install-deps.sh (libopenipmi-dev)");
        var lines = File.ReadAllLines(OpenIpmiHeader);
        var netFns = lines.Select(l => NetFnDefine().Match(l)).Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => Convert.ToByte(m.Groups[2].Value, 16));
        var byName = CommandCatalogue.All.ToDictionary(r => r.Name.ToUpperInvariant());

        string? section = null;
        var matched = 0;
        var mismatches = new List<string>();
        foreach (var line in lines)
        {
            var s = SectionComment().Match(line);
            if (s.Success)
            {
                section = s.Groups[1].Value.Replace('/', '_').ToUpperInvariant();
                continue;
            }

            var d = CommandDefine().Match(line);
            if (!d.Success || section is null)
            {
                continue;
            }

            var words = "_" + d.Groups[1].Value + "_";
            foreach (var (from, to) in Aliases)
            {
                words = words.Replace("_" + from + "_", "_" + to + "_", StringComparison.Ordinal);
            }

            if (!byName.TryGetValue(words.Replace("_", "", StringComparison.Ordinal), out var row))
            {
                continue;
            }

            matched++;
            var netFn = netFns[section];
            var command = byte.Parse(d.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (row.NetFn != netFn || row.Command != command)
            {
                mismatches.Add($"{row.Name}: catalogue {row.NetFn:X2}/{row.Command:X2}, OpenIPMI {netFn:X2}/{command:X2}");
            }
        }

        Assert.Empty(mismatches);
        Assert.True(matched >= 140, $"only {matched} OpenIPMI defines matched catalogue rows");
    }

    [GeneratedRegex(@"^#define IPMI_([A-Z_]+)_NETFN\s+0x([0-9a-fA-F]+)")]
    private static partial Regex NetFnDefine();

    [GeneratedRegex(@"^/\* (Chassis|Bridge|Sensor/Event|App|Storage|Transport) netfn")]
    private static partial Regex SectionComment();

    [GeneratedRegex(@"^#define IPMI_([A-Z0-9_]+)_CMD\s+0x([0-9a-fA-F]+)")]
    private static partial Regex CommandDefine();
}
