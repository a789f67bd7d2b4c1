using System.Globalization;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests;

/// <summary>
/// lan.getConfiguration / lan.setConfiguration against ipmi_sim, cross-checked with ipmitool's <c>lan set</c> and
/// <c>lan print</c> on the same simulator. Several values are set at once so a decoder reading the wrong offset fails.
/// </summary>
public sealed class LanConfigurationTests
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Every_field_matches_ipmitool_lan_print_after_ipmitool_lan_set()
    {
        await using var sim = await IpmiSim.StartAsync();
        var set = await IpmiTool.ExecAsync(sim,
        [
            "lan set 1 ipsrc static",
            "lan set 1 ipaddr 10.11.12.13",
            "lan set 1 netmask 255.255.248.0",
            "lan set 1 macaddr 52:54:00:ab:cd:ef",
            "lan set 1 defgw ipaddr 10.11.8.1",
            "lan set 1 defgw macaddr 02:de:ad:be:ef:01",
            "lan set 1 bakgw ipaddr 10.11.8.2",
            "lan set 1 bakgw macaddr 02:de:ad:be:ef:02",
            "lan set 1 vlan id 321",
            "lan set 1 vlan priority 6",
        ]);
        Assert.True(set.ExitCode == 0, set.ToString());
        await using var rpc = await IpmiRpcProcess.StartAsync();

        var response = await CallValidatedAsync(rpc, "lan.getConfiguration", new JObject { ["target"] = Target(sim) }, CallTimeout);
        var print = ParseLanPrint((await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut);

        var c = Result(response);
        Assert.Equal(1, (int)c["channel"]!);
        // The values we set, so a passing comparison cannot be all zeros on both sides.
        Assert.Equal("10.11.12.13", (string?)c["ipAddress"]);
        Assert.Equal(321, (int)c["vlanId"]!);
        AssertMatchesLanPrint(c, print);
    }

    [Fact]
    public async Task Values_set_through_ipmirpc_read_back_with_ipmitool_and_a_repeat_changes_nothing()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var change = new JObject
        {
            ["target"] = Target(sim),
            ["ipAddressSource"] = "static",
            ["ipAddress"] = "172.16.5.6",
            ["subnetMask"] = "255.255.0.0",
            ["defaultGatewayIp"] = "172.16.0.1",
            ["defaultGatewayMac"] = "02:00:00:AA:BB:CC",
            ["vlanId"] = 42,
            ["vlanPriority"] = 3,
        };

        var first = Result(await CallValidatedAsync(rpc, "lan.setConfiguration", change, CallTimeout));
        var print = ParseLanPrint((await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut);
        var second = Result(await CallValidatedAsync(rpc, "lan.setConfiguration", change, CallTimeout));

        Assert.True((bool)first["changed"]!);
        Assert.Equal(["ipAddressSource", "ipAddress", "subnetMask", "defaultGatewayIp", "defaultGatewayMac", "vlanId", "vlanPriority"],
            first["changedFields"]!.Select(t => (string)t!));
        Assert.Equal("0.0.0.0", (string?)first["previous"]!["ipAddress"]);
        Assert.Equal("172.16.5.6", (string?)first["current"]!["ipAddress"]);
        Assert.Equal("Static Address", print["IP Address Source"]);
        Assert.Equal("172.16.5.6", print["IP Address"]);
        Assert.Equal("255.255.0.0", print["Subnet Mask"]);
        Assert.Equal("172.16.0.1", print["Default Gateway IP"]);
        Assert.Equal("02:00:00:aa:bb:cc", print["Default Gateway MAC"]);
        Assert.Equal("42", print["802.1q VLAN ID"]);
        Assert.Equal("3", print["802.1q VLAN Priority"]);
        Assert.False((bool)second["changed"]!);
        Assert.Empty(second["changedFields"]!);

        // An explicit null VLAN ID disables tagging.
        var disable = Result(await CallValidatedAsync(rpc, "lan.setConfiguration", new JObject { ["target"] = Target(sim), ["vlanId"] = null }, CallTimeout));
        var after = ParseLanPrint((await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut);
        Assert.Equal(["vlanId"], disable["changedFields"]!.Select(t => (string)t!));
        Assert.Equal("Disabled", after["802.1q VLAN ID"]);
        Assert.Equal("172.16.5.6", after["IP Address"]);
    }

    [Fact]
    public async Task With_a_lan_config_program_the_write_is_committed_once()
    {
        // ipmi_sim hands the external parameters (IP, source, mask, gateways) to its lan_config_program: "set p v …" on
        // "commit write" (2), "get p …" (answering "p:value" lines) on reads. Uncommitted writes are discarded at
        // "set complete" (0). This script keeps the values in a file and logs each set.
        var dir = Directory.CreateTempSubdirectory("ipmirpc-lancfg-");
        try
        {
            var log = Path.Combine(dir.FullName, "commits.log");
            var state = Path.Combine(dir.FullName, "state");
            var script = Path.Combine(dir.FullName, "lancontrol.sh");
            await File.WriteAllTextAsync(script, $$"""
                #!/bin/sh
                state='{{state}}'
                op=$1; shift
                case "$op" in
                  set)
                    echo "set $*" >> '{{log}}'
                    while [ $# -ge 2 ]; do
                      grep -v "^$1:" "$state" > "$state.tmp" 2>/dev/null; echo "$1:$2" >> "$state.tmp"; mv "$state.tmp" "$state"
                      shift 2
                    done ;;
                  get)
                    for p in "$@"; do
                      v=$(grep "^$p:" "$state" 2>/dev/null | cut -d: -f2-)
                      if [ -z "$v" ]; then case $p in *mac*) v=00:00:00:00:00:00 ;; ip_addr_src) v=static ;; *) v=0.0.0.0 ;; esac; fi
                      echo "$p:$v"
                    done ;;
                esac
                exit 0

                """.Replace("\r\n", "\n", StringComparison.Ordinal));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { LanConfigProgram = script });
            await using var rpc = await IpmiRpcProcess.StartAsync();

            var result = Result(await CallValidatedAsync(rpc, "lan.setConfiguration",
                new JObject { ["target"] = Target(sim), ["ipAddress"] = "198.51.100.7", ["subnetMask"] = "255.255.255.128" }, CallTimeout));
            var print = ParseLanPrint((await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut);

            Assert.True((bool)result["changed"]!);
            Assert.Equal("198.51.100.7", (string?)result["current"]!["ipAddress"]);
            Assert.Equal("198.51.100.7", print["IP Address"]);
            Assert.Equal("255.255.255.128", print["Subnet Mask"]);
            Assert.Equal("Set Complete", print["Set in Progress"]);
            Assert.Single(await File.ReadAllLinesAsync(log));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Dry_run_reports_the_change_and_writes_nothing()
    {
        await using var sim = await IpmiSim.StartAsync();
        await IpmiTool.RunAsync(sim, "lan", "set", "1", "ipaddr", "10.0.0.5");
        var before = (await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut;
        await using var rpc = await IpmiRpcProcess.StartAsync();

        var result = Result(await CallValidatedAsync(rpc, "lan.setConfiguration",
            new JObject { ["target"] = Target(sim), ["ipAddress"] = "10.0.0.6", ["vlanId"] = 7, ["dryRun"] = true }, CallTimeout));
        var after = (await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut;

        Assert.True((bool)result["changed"]!);
        Assert.True((bool)result["dryRun"]!);
        Assert.Equal("10.0.0.5", (string?)result["previous"]!["ipAddress"]);
        Assert.Equal("10.0.0.6", (string?)result["current"]!["ipAddress"]);
        Assert.Equal(7, (int)result["current"]!["vlanId"]!);
        Assert.Equal(before, after);
        Assert.Equal("10.0.0.5", ParseLanPrint(after)["IP Address"]);
    }

    [Fact]
    public async Task Invalid_values_are_invalid_params_and_nothing_is_written()
    {
        (string Field, string Value)[] cases =
        [
            ("ipAddress", "300.1.1.1"),
            ("ipAddress", "10.1.1"),
            ("subnetMask", "255.0.255.0"),
            ("defaultGatewayIp", "gateway"),
            ("defaultGatewayMac", "02:00:00:aa:bb"),
            ("ipAddressSource", "bios"),
        ];
        await using var sim = await IpmiSim.StartAsync();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var before = (await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut;

        foreach (var (field, value) in cases)
        {
            // A valid VLAN change rides along: it must not be written either.
            var response = await CallValidatedAsync(rpc, "lan.setConfiguration",
                new JObject { ["target"] = Target(sim), [field] = value, ["vlanId"] = 9 }, CallTimeout);

            Assert.True(response["error"] is JObject, $"{field}={value}: {response}");
            Assert.Equal(-32602, (int)response["error"]!["code"]!);
            Assert.Equal(field, (string?)response["error"]!["data"]!["field"]);
        }

        Assert.Equal(before, (await IpmiTool.RunAsync(sim, "lan", "print", "1")).StdOut);
    }

    /// <summary>Calls <paramref name="method"/> and checks the response against the OpenRPC schema.</summary>
    internal static async Task<JObject> CallValidatedAsync(IpmiRpcProcess rpc, string method, JObject parameters, TimeSpan timeout)
    {
        var response = await rpc.CallAsync(method, parameters, timeout);
        SchemaValidator.AssertValid(method, response);
        return response;
    }

    internal static JObject Target(IpmiSim sim) => new()
    {
        ["host"] = sim.Host,
        ["port"] = sim.Port,
        ["username"] = sim.User,
        ["password"] = sim.Password,
        ["cipherSuite"] = 3,
    };

    internal static JObject Result(JObject response)
    {
        Assert.True(response["result"] is JObject, response.ToString());
        return (JObject)response["result"]!;
    }

    /// <summary><c>lan print</c> as key → value; continuation lines (Auth Type Enable per level, the cipher legend)
    /// become "Key/Sub" entries.</summary>
    internal static Dictionary<string, string> ParseLanPrint(string output)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        string? last = null;
        foreach (var line in output.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key.Length == 0 && last is not null)
            {
                // "                        : User     : NONE MD2" → "Auth Type Enable/User"
                var inner = value.IndexOf(':', StringComparison.Ordinal);
                if (inner > 0)
                {
                    map[last + "/" + value[..inner].Trim()] = value[(inner + 1)..].Trim();
                }

                continue;
            }

            if (key == "Auth Type Enable")
            {
                var inner = value.IndexOf(':', StringComparison.Ordinal);
                map[key + "/" + value[..inner].Trim()] = value[(inner + 1)..].Trim();
            }
            else
            {
                map[key] = value;
            }

            last = key;
        }

        return map;
    }

    private static void AssertMatchesLanPrint(JObject c, Dictionary<string, string> print)
    {
        var covered = new HashSet<string>(StringComparer.Ordinal);
        void Same(string key, string? expected)
        {
            covered.Add(key);
            Assert.True(print.TryGetValue(key, out var actual), $"lan print has no '{key}'");
            Assert.Equal(actual, expected);
        }

        static string Upper(JToken? list) => string.Join(' ', list!.Select(t => ((string)t!).ToUpperInvariant()));

        Same("Set in Progress", (string?)c["setInProgress"] switch
        {
            "complete" => "Set Complete",
            "inProgress" => "Set In Progress",
            "commitWrite" => "Commit Write",
            var other => other,
        });
        Same("Auth Type Support", Upper(c["authTypeSupport"]));
        var enables = c["authTypeEnables"]!;
        Same("Auth Type Enable/Callback", Upper(enables["callback"]));
        Same("Auth Type Enable/User", Upper(enables["user"]));
        Same("Auth Type Enable/Operator", Upper(enables["operator"]));
        Same("Auth Type Enable/Admin", Upper(enables["admin"]));
        Same("Auth Type Enable/OEM", Upper(enables["oem"]));
        Same("IP Address Source", (string?)c["ipAddressSource"] switch
        {
            "static" => "Static Address",
            "dhcp" => "DHCP Address",
            "bios" => "BIOS Assigned Address",
            "unspecified" => "Unspecified",
            _ => "Other",
        });
        Same("IP Address", (string?)c["ipAddress"]);
        Same("Subnet Mask", (string?)c["subnetMask"]);
        Same("MAC Address", (string?)c["macAddress"]);
        Same("SNMP Community String", (string?)c["communityString"]);
        var h = c["ipHeader"]!;
        Same("IP Header", string.Create(CultureInfo.InvariantCulture,
            $"TTL=0x{(int)h["ttl"]!:x2} Flags=0x{(int)h["flags"]! << 5:x2} Precedence=0x{(int)h["precedence"]! << 5:x2} TOS=0x{(int)h["tos"]! << 1:x2}"));
        Same("Default Gateway IP", (string?)c["defaultGatewayIp"]);
        Same("Default Gateway MAC", (string?)c["defaultGatewayMac"]);
        Same("Backup Gateway IP", (string?)c["backupGatewayIp"]);
        Same("Backup Gateway MAC", (string?)c["backupGatewayMac"]);
        Same("802.1q VLAN ID", (bool)c["vlanEnabled"]! ? ((int)c["vlanId"]!).ToString(CultureInfo.InvariantCulture) : "Disabled");
        Same("802.1q VLAN Priority", ((int)c["vlanPriority"]!).ToString(CultureInfo.InvariantCulture));
        var suites = (JArray)c["cipherSuites"]!;
        Same("RMCP+ Cipher Suites", string.Join(',', suites.Select(s => (int)s["id"]!)));
        var privileges = string.Concat(suites.Take(15).Select(s => (string?)s["maxPrivilege"] switch
        {
            "callback" => 'c',
            "user" => 'u',
            "operator" => 'o',
            "administrator" => 'a',
            "oem" => 'O',
            _ => 'X',
        }));
        Same("Cipher Suite Priv Max", privileges.PadRight(15, 'X')[..15]);
        Same("Bad Password Threshold", c["badPasswordThreshold"]!.Type == JTokenType.Null ? "Not Available" : ((int)c["badPasswordThreshold"]!["threshold"]!).ToString(CultureInfo.InvariantCulture));

        // ipmitool prints ARP lines only when the BMC answers parameters 10/11; ipmirpc must agree.
        Assert.Equal(print.ContainsKey("BMC ARP Control"), c["arpControl"]!.Type != JTokenType.Null);
        covered.Add("BMC ARP Control");
        covered.Add("Gratituous ARP Intrvl");
        foreach (var key in print.Keys.Where(k => k.StartsWith("Cipher Suite Priv Max/", StringComparison.Ordinal)))
        {
            covered.Add(key); // the legend
        }

        Assert.Empty(print.Keys.Except(covered));
    }
}
