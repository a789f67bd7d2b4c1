using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// The IpmiRpc PowerShell module in real pwsh (dotnet tool PowerShell 7.6.9) against ipmi_sim: every cmdlet,
/// values cross-checked with ipmitool, errors as ErrorRecords with codes, one host process per session,
/// Remove-Module stops it, -WhatIf writes nothing.
/// </summary>
public sealed class PowerShellModuleTests
{
    private static string Script(string name) => Path.Combine(WrapperSupport.FixturesDir, "powershell", name);

    [Fact]
    public async Task Cmdlets_ReturnWhatIpmitoolReads_OverOneReusedHost()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await using var sim2 = await IpmiSim.StartAsync();
        var ip = WrapperSupport.DistinctIp(sim);
        await WrapperSupport.IpmitoolLanSetAsync(sim, "ipaddr", ip);
        var osName = $"PowerShell OS {sim.Port}";
        await WrapperSupport.IpmitoolSetSysInfoAsync(sim, "os_name", osName);
        var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
        var lan = await WrapperSupport.IpmitoolLanPrintAsync(sim);
        var rawHex = await WrapperSupport.IpmitoolRawHexAsync(sim, "6", "1");
        var wrong = "Wr0ngPw" + Guid.NewGuid().ToString("N")[..10];

        var (o, r) = await RunPwshAsync("cmdlets.ps1", sim, new() { ["BMC2_PORT"] = sim2.Port.ToString(), ["WRONG_PASSWORD"] = wrong });

        // Exports are what the generator wrote from the schema; the seed's names still resolve (aliases, or the
        // same name in other casing). The script below calls every cmdlet by its seed name.
        var manifest = WrapperSupport.Manifest;
        Assert.Equal(manifest["powershellFunctions"]!.Values<string>(), o["Exported"]!.Values<string>());
        Assert.Equal(manifest["powershellAliases"]!.Values<string>(), o["ExportedAliases"]!.Values<string>());
        Assert.Equal(["Get-IpmiDeviceId", "Get-IpmiLanConfiguration", "Get-IpmiSystemInfo", "Invoke-IpmiRawCommand", "Set-IpmiSystemInfo"],
            o["SeedNamesResolveTo"]!.Values<string>());
        var device = o["Device"]!;
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Manufacturer ID"]), device["ManufacturerId"]!.Value<int>());
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), device["ProductId"]!.Value<int>());
        Assert.Equal(mcInfo["Firmware Revision"], device["FirmwareVersion"]!.Value<string>());
        Assert.Equal($"127.0.0.1:{sim.Port}", device["Target"]!.Value<string>());
        Assert.Equal(ip, o["Lan"]!["IpAddress"]!.Value<string>());
        Assert.Equal(lan["Subnet Mask"], o["Lan"]!["SubnetMask"]!.Value<string>());
        Assert.Equal(osName, o["SystemInfo"]!["OperatingSystemName"]!.Value<string>());
        Assert.Equal(osName, o["SystemInfoOsOnly"]!["OperatingSystemName"]!.Value<string>());
        foreach (var raw in new[] { o["RawByName"]!, o["RawByNumber"]! })
        {
            Assert.Equal(0, raw["CompletionCode"]!.Value<int>());
            Assert.Equal(rawHex, raw["Hex"]!.Value<string>());
            Assert.Equal(Convert.FromHexString(rawHex), raw["Data"]!.Values<byte>());
        }

        var piped = o["Piped"]!.ToArray();
        Assert.Equal(2, piped.Length);
        Assert.Equal($"127.0.0.1:{sim.Port}", piped[0]["Target"]!.Value<string>());
        Assert.Equal($"127.0.0.1:{sim2.Port}", piped[1]["Target"]!.Value<string>());
        Assert.All(piped, p => Assert.Equal(device["ProductId"]!.Value<int>(), p["ProductId"]!.Value<int>()));

        // ipmitool: "rsp=0xc1" for Get Self Test on ipmi_sim; the cmdlet reports the same code.
        var selfTest = await IpmiTool.RunAsync(sim, "raw", "6", "4");
        Assert.Contains("rsp=0xc1", selfTest.StdOut + selfTest.StdErr, StringComparison.OrdinalIgnoreCase);
        var cc = o["CompletionCodeError"]!;
        Assert.Equal(1, cc["Count"]!.Value<int>());
        Assert.Equal("IpmiRpc.CompletionCode,Invoke-IpmiRawCommand", cc["Id"]!.Value<string>());
        Assert.Equal(-32001, cc["Code"]!.Value<int>());
        Assert.Equal(0xC1, cc["CompletionCode"]!.Value<int>());
        Assert.Equal("InvalidResult", cc["Category"]!.Value<string>());
        Assert.Equal($"127.0.0.1:{sim.Port}", cc["TargetObject"]!.Value<string>());

        var auth = o["AuthError"]!;
        Assert.Equal(1, auth["Count"]!.Value<int>());
        Assert.Equal("IpmiRpc.AuthenticationFailed,Get-IpmiDeviceId", auth["Id"]!.Value<string>());
        Assert.Equal(-32003, auth["Code"]!.Value<int>());
        Assert.Equal(1, auth["ResultsAfterError"]!.Value<int>()); // non-terminating: the next target still ran
        Assert.Equal("IpmiRpc.AuthenticationFailed,Get-IpmiDeviceId", o["Terminating"]!.Value<string>());
        Assert.DoesNotContain(wrong, r.StdOut + r.StdErr, StringComparison.Ordinal);

        // One host for the whole session, gone after Remove-Module.
        Assert.Equal(0, o["ChildrenBefore"]!.Value<int>());
        Assert.Equal(1, o["ChildrenDuring"]!.Value<int>());
        var pids = o["Pids"]!.Values<int>().ToArray();
        Assert.True(pids.Length >= 8, r.ToString());
        Assert.Single(pids.Distinct());
        Assert.False(o["HostAliveAfterRemove"]!.Value<bool>());
        Assert.Equal(0, o["ChildrenAfter"]!.Value<int>());
        Assert.False(ProcessExists(pids[0]));

        var missing = o["MissingHost"]!;
        Assert.Equal("IpmiRpc.HostNotFound,Get-IpmiDeviceId", missing["Id"]!.Value<string>());
        Assert.Contains("/nonexistent/ipmirpc", missing["Message"]!.Value<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetIPMIOSInfo_WhatIfWritesNothing_ThenSetsOnce()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        var before = $"Old OS {sim.Port}";
        var wanted = $"New OS {sim.Port}";
        await WrapperSupport.IpmitoolSetSysInfoAsync(sim, "os_name", before);

        var (whatIf, wr) = await RunPwshAsync("set-osinfo.ps1", sim, new() { ["MODE"] = "whatif", ["OS_NAME"] = wanted });
        Assert.Empty(whatIf["WhatIfOutput"]!);
        Assert.Contains($"What if: Performing the operation \"Set IPMI operating system name to '{wanted}' (was '{before}')\"",
            wr.StdOut, StringComparison.Ordinal);
        Assert.Equal(before, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));

        var (set, _) = await RunPwshAsync("set-osinfo.ps1", sim, new() { ["MODE"] = "set", ["OS_NAME"] = wanted });
        Assert.True(set["First"]!["Changed"]!.Value<bool>());
        Assert.Equal(before, set["First"]!["Previous"]!["OperatingSystemName"]!.Value<string>());
        Assert.False(set["Second"]!["Changed"]!.Value<bool>());
        Assert.Equal(wanted, set["ReadBack"]!.Value<string>());
        Assert.Equal(wanted, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));
    }

    [Fact]
    public async Task GeneratedCmdlets_LanParameterSet_PipelineRows_LanSetter_RawWhatIf_InvalidParams()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        await using var sim2 = await IpmiSim.StartAsync();
        var ip = WrapperSupport.DistinctIp(sim);
        var start = await WrapperSupport.IpmitoolLanPrintAsync(sim);
        Assert.NotEqual(ip, start["IP Address"]);
        var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
        var productId = WrapperSupport.ParseInt(mcInfo["Product ID"]);

        var (o, r) = await RunPwshAsync("parameter-sets.ps1", sim,
            new() { ["BMC2_PORT"] = sim2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["LAN_IP"] = ip });

        Assert.Equal(productId, o["Device"]!["ProductId"]!.Value<int>());
        Assert.Equal($"127.0.0.1:{sim.Port}", o["Device"]!["Target"]!.Value<string>());
        var rows = o["Rows"]!.ToArray();
        Assert.Equal([$"127.0.0.1:{sim.Port}", $"127.0.0.1:{sim2.Port}"], rows.Select(x => x["Target"]!.Value<string>()));
        Assert.All(rows, x => Assert.Equal(productId, x["ProductId"]!.Value<int>()));
        Assert.Equal(["OperatingSystemName", "Target"], o["SystemInfoCase"]!.Values<string>());

        // The LAN setter PowerShell lacked: -WhatIf writes nothing, then set once, then unchanged; ipmitool agrees.
        Assert.Empty(o["LanWhatIf"]!);
        Assert.Contains($"What if: Performing the operation \"Set IPMI ip address to '{ip}' (was '{start["IP Address"]}')\"",
            r.StdOut, StringComparison.Ordinal);
        Assert.Equal(start["IP Address"], o["LanAfterWhatIf"]!.Value<string>());
        Assert.True(o["LanSet"]!["Changed"]!.Value<bool>());
        Assert.Equal(["ipAddress"], o["LanSet"]!["ChangedFields"]!.Values<string>());
        Assert.False(o["LanAgain"]!["Changed"]!.Value<bool>());
        Assert.Equal(ip, o["LanAfter"]!.Value<string>());
        Assert.Equal(ip, (await WrapperSupport.IpmitoolLanPrintAsync(sim))["IP Address"]);

        // A raw request may change the BMC: -WhatIf sends nothing. Bridging is exposed. Every mutating or raw
        // cmdlet has -WhatIf, the read-only ones do not.
        Assert.Empty(o["RawWhatIf"]!);
        Assert.Equal(0, o["RequestsDuringRawWhatIf"]!.Value<long>());
        Assert.Contains("What if: Performing the operation \"ipmi.requestResponse", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(["Channel", "ResponderAddress"], o["RawBridgingParameters"]!.Values<string>());
        foreach (var cmdlet in WrapperSupport.Manifest["powershell"]!)
        {
            var name = cmdlet["cmdlet"]!.Value<string>()!;
            Assert.Equal(cmdlet["supportsShouldProcess"]!.Value<bool>(), o["ShouldProcess"]![name]!.Value<bool>());
        }

        foreach (var cmdlet in WrapperSupport.Manifest["powershell"]!)
        {
            var help = o["Help"]![cmdlet["cmdlet"]!.Value<string>()!]!;
            Assert.False(string.IsNullOrWhiteSpace(help["Synopsis"]!.Value<string>()), help.ToString());
            Assert.Empty(help["Undocumented"]!);
            string[] sets = cmdlet["fanOut"]!.Value<bool>() ? ["Cim", "Fleet", "InBand", "Lan", "Named", "Target"] : ["Cim", "InBand", "Lan", "Named", "Target"];
            Assert.Equal(sets, help["Sets"]!.Values<string>());
        }

        var invalid = o["InvalidParams"]!;
        Assert.Equal("IpmiRpc.InvalidParams,Invoke-IpmiRawCommand", invalid["Id"]!.Value<string>());
        Assert.Equal(-32602, invalid["Code"]!.Value<int>());
        Assert.Contains("netFn", invalid["Message"]!.Value<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(sim.Password, r.StdOut + r.StdErr, StringComparison.Ordinal);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    [Fact]
    public async Task With_a_socket_module_instances_share_one_server_and_its_session()
    {
        await using var sim = await IpmiSim.StartAsync();
        var dir = WrapperSupport.NewTempDir("ps-shared");
        var socket = Path.Combine(dir, "ipmirpc.sock");
        try
        {
            var (o, _) = await RunPwshAsync("shared.ps1", sim, new() { ["IPMIRPC_SOCKET"] = socket });
            Assert.Equal(o["First"]!.Value<int>(), o["Second"]!.Value<int>());

            // Both imports went through the one shared server: one pooled session, used by both.
            using var client = await Host.SocketRpcClient.ConnectAsync(socket);
            var session = Assert.Single((JArray)(await client.CallAsync("sessions.list", new JObject(), TimeSpan.FromSeconds(30)))["result"]!);
            Assert.True((long)session["requestCount"]! >= 2, session.ToString());
            var pid = client.PeerPid();
            Assert.Equal(0, await Host.SocketRpcClient.SignalAsync(pid, "TERM"));
            await Poll.UntilAsync(() => !ProcessExists(pid), $"shared server {pid} to exit");
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [Fact]
    public async Task GetIpmiSensor_and_GetIpmiSdr_write_one_object_per_row_and_format_as_tables()
    {
        await using var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync());
        var sensorList = await IpmiTool.RunAsync(sim, "sensor", "list");
        Assert.True(sensorList.ExitCode == 0, sensorList.ToString());
        var toolNames = sensorList.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|')[0].Trim()).ToArray();

        var (o, _) = await RunPwshAsync("sensors.ps1", sim, []);

        Assert.Equal("IpmiRpc.Sensor", (string?)o["SensorTypeName"]);
        Assert.Equal(toolNames, o["SensorNames"]!.Values<string>().Select(n => n!.TrimEnd()));
        Assert.Equal([$"{sim.Host}:{sim.Port}"], o["SensorTargets"]!.Values<string>());
        // The table view (IpmiRpc.Format.ps1xml), not the default list of every property.
        var table = ((string?)o["SensorTable"])!.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.Contains(table, l => l.StartsWith("Name", StringComparison.Ordinal) && l.Contains("Reading", StringComparison.Ordinal) && l.Contains("UCR", StringComparison.Ordinal));
        Assert.Contains(table, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^CPU Temp\s+45\s+degrees C\s+ok\b"));
        Assert.DoesNotContain(table, l => l.StartsWith("CompletionCode", StringComparison.Ordinal));

        Assert.Equal("IpmiRpc.Sdr", (string?)o["SdrTypeName"]);
        Assert.True((int)o["SdrCount"]! >= 21);
        Assert.Contains(((string?)o["SdrTable"])!.Split('\n'), l => System.Text.RegularExpressions.Regex.IsMatch(l, @"CPU Temp\s+fullSensor\s+\w+h\s+\d+\.\d+\s+Temperature\s+degrees C"));
    }

    [Fact]
    public async Task Targets_fans_out_in_one_call_with_one_object_or_error_per_target_and_writes_only_with_AllowFanOutWrites()
    {
        var dir = WrapperSupport.NewTempDir("ps-fanout");
        try
        {
            // sim (power off) and sim2 (power on), each with the chassis program: its log is what was really sent.
            var states = new[] { "0", "1" }.Select((power, i) =>
            {
                var state = Directory.CreateDirectory(Path.Combine(dir, $"chassis{i}")).FullName;
                File.WriteAllText(Path.Combine(state, "power"), power + "\n");
                return state;
            }).ToArray();
            await using var sim = await ChassisTests.StartSimAsync(states[0]);
            await using var sim2 = await ChassisTests.StartSimAsync(states[1]);
            using var dead = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            var deadPort = ((System.Net.IPEndPoint)dead.Client.LocalEndPoint!).Port;
            var productId = WrapperSupport.ParseInt(WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut)["Product ID"]);

            var (o, r) = await RunPwshAsync("fanout.ps1", sim, new()
            {
                ["BMC2_PORT"] = sim2.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["DEAD_PORT"] = deadPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });

            // One JSON-RPC call; one object per target that answered (a hashtable, a row, a range of two), in order,
            // and one error for the BMC that never answers, naming it.
            Assert.Equal(1, o["DeviceCalls"]!.Value<int>());
            var devices = o["Devices"]!.ToArray();
            string[] expected = [$"127.0.0.1:{sim.Port}", $"127.0.0.1:{sim2.Port}", $"127.0.0.1:{sim.Port}", $"127.0.0.1:{sim2.Port}"];
            Assert.Equal(expected, devices.Select(d => d["Target"]!.Value<string>()));
            Assert.All(devices, d => Assert.Equal(productId, d["ProductId"]!.Value<int>()));
            Assert.All(devices, d => Assert.Equal("IpmiRpc.DeviceId", d["TypeName"]!.Value<string>()));
            var error = Assert.Single(o["DeviceErrors"]!);
            Assert.Equal("IpmiRpc.Timeout,Get-IpmiDeviceId", error["Id"]!.Value<string>());
            Assert.Equal(-32004, error["Code"]!.Value<int>());
            Assert.Equal($"127.0.0.1:{deadPort}", error["TargetObject"]!.Value<string>());

            // -WhatIf: nothing sent; without -AllowFanOutWrites: refused; with it: only the BMC that was off powered on.
            Assert.Empty(o["WhatIf"]!);
            Assert.Equal(0, o["RequestsDuringWhatIf"]!.Value<long>());
            Assert.Contains("What if: Performing the operation \"chassis.setPower action=\"on\"", r.StdOut, StringComparison.Ordinal);
            Assert.Empty(o["Refused"]!);
            Assert.Equal("IpmiRpc.InvalidParams,Set-IpmiPowerState", o["RefusedError"]!["Id"]!.Value<string>());
            Assert.Contains("allowFanOutWrites", o["RefusedError"]!["Message"]!.Value<string>(), StringComparison.Ordinal);
            var power = o["Power"]!.ToArray();
            Assert.Equal([$"127.0.0.1:{sim.Port}", $"127.0.0.1:{sim2.Port}"], power.Select(p => p["Target"]!.Value<string>()));
            Assert.Equal([true, false], power.Select(p => p["Sent"]!.Value<bool>()));
            Assert.Equal(["power 1"], File.ReadAllLines(Path.Combine(states[0], "actions.log")));
            Assert.False(File.Exists(Path.Combine(states[1], "actions.log")));
            Assert.Equal(["Cim", "Fleet", "InBand", "Lan", "Named", "Target"], o["Sets"]!.Values<string>());
            Assert.DoesNotContain("unused-pw", r.StdOut + r.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    [Fact]
    public async Task Targets_takes_names_and_groups_from_the_targets_file_and_shows_the_sweep_with_WriteProgress()
    {
        var dir = WrapperSupport.NewTempDir("ps-targets");
        try
        {
            await using var sim = await IpmiSim.StartAsync();
            await using var sim2 = await IpmiSim.StartAsync();
            using var dead = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            var deadPort = ((System.Net.IPEndPoint)dead.Client.LocalEndPoint!).Port;
            var productId = WrapperSupport.ParseInt(WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut)["Product ID"]);
            JObject Bmc(IpmiSim s) => new()
            {
                ["host"] = s.Host, ["port"] = s.Port, ["username"] = s.User, ["passwordEnv"] = "BMC_PASSWORD", ["cipherSuite"] = 3,
            };
            var targets = new JObject
            {
                ["bmc1"] = Bmc(sim),
                ["bmc2"] = Bmc(sim2),
                ["dead"] = new JObject { ["host"] = "127.0.0.1", ["port"] = deadPort, ["username"] = "nobody", ["password"] = "unused-pw", ["timeoutMs"] = 200, ["retries"] = 0 },
                ["rack"] = new JArray("bmc1", "bmc2", "dead"),
            };
            var targetsFile = Path.Combine(dir, "targets.json");
            await WrapperSupport.WritePrivateFileAsync(targetsFile, targets.ToString());

            var (o, r) = await RunPwshAsync("targets-file.ps1", sim, new() { ["IPMIRPC_TARGETS"] = targetsFile });

            // The group expands in the host, in order; a name given again is listed again; all in ONE call.
            Assert.Equal(["bmc1", "bmc2", "bmc2"], o["Devices"]!.Select(d => d["Target"]!.Value<string>()));
            Assert.All(o["Devices"]!, d => Assert.Equal(productId, d["ProductId"]!.Value<int>()));
            Assert.Equal(1, o["Calls"]!.Value<int>());
            var error = Assert.Single(o["Errors"]!);
            Assert.Equal("IpmiRpc.Timeout,Get-IpmiDeviceId", error["Id"]!.Value<string>());
            Assert.Equal("dead", error["TargetObject"]!.Value<string>());
            Assert.Equal("bmc1", o["Named"]!.Value<string>());

            // Write-Progress from the host's $/progress: the last one before the answer says 4 of 4, then Completed.
            var progress = o["Progress"]!.ToArray();
            Assert.True(progress.Length >= 2, r.ToString());
            Assert.All(progress, p => Assert.Equal("Get-IpmiDeviceId (bmc.getDeviceId)", p["Activity"]!.Value<string>()));
            Assert.Equal("4 of 4 targets done", progress[^2]["Status"]!.Value<string>());
            Assert.Equal(100, progress[^2]["Percent"]!.Value<int>());
            Assert.True(progress[^1]["Completed"]!.Value<bool>());
            Assert.All(progress[..^1], p => Assert.False(p["Completed"]!.Value<bool>()));

            var missing = o["MissingFile"]!;
            Assert.Equal("IpmiRpc.HostNotFound,Get-IpmiDeviceId", missing["Id"]!.Value<string>());
            Assert.Contains("no-such-targets.json", missing["Message"]!.Value<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain("unused-pw", r.StdOut + r.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            WrapperSupport.DeleteQuietly(dir);
        }
    }

    private static async Task<(JObject Output, ToolResult Raw)> RunPwshAsync(string script, IpmiSim sim,
        Dictionary<string, string> extraEnv)
    {
        var pwsh = Require.Tool("pwsh");
        var env = new Dictionary<string, string>
        {
            ["IPMIRPC_MODULE"] = WrapperSupport.PowerShellModuleManifest,
            ["IPMIRPC_PATH"] = WrapperSupport.HostExe,
            ["BMC_HOST"] = sim.Host,
            ["BMC_PORT"] = sim.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BMC_USER"] = sim.User,
            ["BMC_PASSWORD"] = sim.Password,
            ["NO_COLOR"] = "1",
            ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
            ["POWERSHELL_UPDATECHECK"] = "Off",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (k, v) in extraEnv)
            env[k] = v;
        var r = await ProcessRunner.RunAsync(pwsh, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", Script(script)],
            env: env, timeout: TimeSpan.FromMinutes(3));
        Assert.True(r.Succeeded, r.ToString());
        var start = r.StdOut.IndexOf("\n{", StringComparison.Ordinal) + 1;
        if (!r.StdOut.StartsWith('{') && start == 0)
            throw new Xunit.Sdk.XunitException($"no JSON in pwsh output:\n{r}");
        try
        {
            return (JObject.Parse(r.StdOut[(r.StdOut.StartsWith('{') ? 0 : start)..]), r);
        }
        catch (JsonReaderException e)
        {
            throw new Xunit.Sdk.XunitException($"pwsh output is not JSON ({e.Message}):\n{r}");
        }
    }
}
