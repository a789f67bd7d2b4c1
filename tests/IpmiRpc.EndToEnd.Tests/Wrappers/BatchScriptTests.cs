using System.Globalization;
using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// examples/inventory-lan.sh and examples/stamp-os.sh run as a user would (bash, jq, one ipmirpc process)
/// against several ipmi_sim BMCs; the CSV they print is checked against what ipmitool reads.
/// </summary>
public sealed class BatchScriptTests
{
    [Fact]
    public async Task InventoryLan_OneRowPerBmc_ValuesMatchIpmitool_AndAFailedBmcKeepsItsRow()
    {
        await using var a = await IpmiSim.StartAsync();
        await using var b = await IpmiSim.StartAsync();
        await using var c = await IpmiSim.StartAsync();
        var sims = new[] { a, b, c };
        foreach (var sim in sims)
            await WrapperSupport.IpmitoolLanSetAsync(sim, "ipaddr", WrapperSupport.DistinctIp(sim));
        await WrapperSupport.IpmitoolLanSetAsync(b, "netmask", "255.255.0.0");
        var deadPort = Ports.GetFreeUdpPort(); // nobody answers there

        var dir = WrapperSupport.NewTempDir("batch-lan");
        try
        {
            var csv = Path.Combine(dir, "bmcs.csv");
            await File.WriteAllLinesAsync(csv,
            [
                "# test inventory",
                "name,host,port,username,password_env",
                .. sims.Select((s, i) => $"bmc{i},{s.Host},{s.Port},{s.User},"),
                $"dead,127.0.0.1,{deadPort},ipmiusr,",
            ]);
            var r = await RunScriptAsync("inventory-lan.sh", a.Password, "--cipher-suite", "3", "--timeout-ms", "200",
                "--retries", "1", csv);
            Assert.True(r.Succeeded, r.ToString());
            var rows = ParseCsv(r.StdOut);
            Assert.Equal(5, rows.Count);
            var header = rows[0];
            Assert.Equal("name", header[0]);

            for (var i = 0; i < sims.Length; i++)
            {
                var row = Row(header, rows[i + 1]);
                var lan = await WrapperSupport.IpmitoolLanPrintAsync(sims[i]);
                Assert.Equal($"bmc{i}", row["name"]);
                Assert.Equal(sims[i].Port.ToString(CultureInfo.InvariantCulture), row["port"]);
                Assert.Equal(WrapperSupport.DistinctIp(sims[i]), row["ip_address"]);
                Assert.Equal(lan["IP Address"], row["ip_address"]);
                Assert.Equal(lan["Subnet Mask"], row["subnet_mask"]);
                Assert.Equal(lan["MAC Address"], row["mac_address"], StringComparer.OrdinalIgnoreCase);
                Assert.Equal(lan["Default Gateway IP"], row["default_gateway_ip"]);
                Assert.Equal(lan["RMCP+ Cipher Suites"].Replace(',', ' '), row["cipher_suites"]);
                Assert.Equal("", row["error"]);
            }

            var dead = Row(header, rows[4]);
            Assert.Equal("dead", dead["name"]);
            Assert.Equal("", dead["ip_address"]);
            Assert.Equal("-32004", dead["error_code"]);
            Assert.NotEqual("", dead["error"]);
            Assert.DoesNotContain(a.Password, r.StdOut + r.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task StampOs_DryRunWritesNothing_ThenStampsEachBmcOnce()
    {
        await using var a = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await using var b = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        var names = new Dictionary<IpmiSim, string>
        {
            [a] = $"Debian GNU/Linux 12 (bookworm) {a.Port}",
            [b] = $"Windows Server 2022 Datacenter {b.Port}",
        };
        await WrapperSupport.IpmitoolSetSysInfoAsync(b, "os_name", "old name");

        var dir = WrapperSupport.NewTempDir("batch-os");
        try
        {
            var csv = Path.Combine(dir, "list.csv");
            await File.WriteAllLinesAsync(csv,
            [
                "name,host,port,username,os_name",
                .. names.Select(kv => $"n{kv.Key.Port},{kv.Key.Host},{kv.Key.Port},{kv.Key.User},{kv.Value}"),
            ]);

            var dry = await RunScriptAsync("stamp-os.sh", a.Password, "--dry-run", "--cipher-suite", "3", csv);
            Assert.True(dry.Succeeded, dry.ToString());
            var dryRows = Rows(dry.StdOut);
            Assert.Equal(2, dryRows.Count);
            Assert.All(dryRows, row => Assert.Equal(("true", "true", ""), (row["changed"], row["dry_run"], row["error"])));
            Assert.Equal("old name", dryRows[1]["previous"]);
            Assert.Equal("", await WrapperSupport.IpmitoolGetSysInfoAsync(a, "os_name"));
            Assert.Equal("old name", await WrapperSupport.IpmitoolGetSysInfoAsync(b, "os_name"));

            var set = await RunScriptAsync("stamp-os.sh", a.Password, "--cipher-suite", "3", csv);
            Assert.True(set.Succeeded, set.ToString());
            Assert.All(Rows(set.StdOut), row => Assert.Equal(("true", "false"), (row["changed"], row["dry_run"])));
            foreach (var (sim, name) in names)
                Assert.Equal(name, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));

            var again = await RunScriptAsync("stamp-os.sh", a.Password, "--cipher-suite", "3", csv);
            Assert.True(again.Succeeded, again.ToString());
            var againRows = Rows(again.StdOut);
            Assert.All(againRows, row => Assert.Equal("false", row["changed"]));
            Assert.Equal(names[a], againRows[0]["previous"]);

            // A wrong password: that row fails with -32003, the script exits 1, the password is not printed.
            var wrong = "Bad" + Guid.NewGuid().ToString("N")[..10];
            var failed = await RunScriptAsync("stamp-os.sh", wrong, "--cipher-suite", "3", csv);
            Assert.Equal(1, failed.ExitCode);
            Assert.All(Rows(failed.StdOut), row => Assert.Equal("-32003", row["error_code"]));
            Assert.DoesNotContain(wrong, failed.StdOut + failed.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    private static Task<ToolResult> RunScriptAsync(string script, string password, params string[] args)
    {
        Require.Tool("jq");
        var env = new Dictionary<string, string>
        {
            ["IPMIRPC_PATH"] = WrapperSupport.HostExe,
            ["IPMI_PASSWORD"] = password,
        };
        return ProcessRunner.RunAsync("/bin/bash", [Path.Combine(WrapperSupport.ExamplesDir, script), .. args], env: env,
            timeout: TimeSpan.FromMinutes(2));
    }

    private static List<Dictionary<string, string>> Rows(string csv)
    {
        var rows = ParseCsv(csv);
        return rows.Skip(1).Select(r => Row(rows[0], r)).ToList();
    }

    private static Dictionary<string, string> Row(IReadOnlyList<string> header, IReadOnlyList<string> fields)
    {
        Assert.Equal(header.Count, fields.Count);
        return header.Zip(fields).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>RFC 4180 as jq's @csv writes it: quoted strings with "" escapes, bare numbers/booleans, empty nulls.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = new List<string>();
            var i = 0;
            while (i <= line.Length)
            {
                if (i < line.Length && line[i] == '"')
                {
                    var sb = new System.Text.StringBuilder();
                    i++;
                    while (i < line.Length)
                    {
                        if (line[i] == '"' && i + 1 < line.Length && line[i + 1] == '"')
                        {
                            sb.Append('"');
                            i += 2;
                        }
                        else if (line[i] == '"')
                        {
                            i++;
                            break;
                        }
                        else
                        {
                            sb.Append(line[i++]);
                        }
                    }

                    fields.Add(sb.ToString());
                    i++; // the comma
                }
                else
                {
                    var end = line.IndexOf(',', i);
                    if (end < 0)
                        end = line.Length;
                    fields.Add(line[i..end]);
                    i = end + 1;
                }
            }

            rows.Add(fields);
        }

        return rows;
    }
}
