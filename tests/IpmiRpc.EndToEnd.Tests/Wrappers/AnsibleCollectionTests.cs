using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// The ipmirpc.ipmi collection, built with ansible-galaxy and installed into a temp path, driven by real
/// ansible-playbook runs (localhost, connection local) against ipmi_sim out-of-band; results cross-checked
/// with ipmitool.
/// </summary>
public sealed class AnsibleCollectionTests : IClassFixture<AnsibleCollectionTests.InstalledCollection>
{
    private readonly InstalledCollection _collection;

    public AnsibleCollectionTests(InstalledCollection collection) => _collection = collection;

    /// <summary>Every generated module (from the manifest) with one of its own options.</summary>
    public static TheoryData<string, string> GeneratedModules()
    {
        var data = new TheoryData<string, string>();
        foreach (var module in WrapperSupport.Manifest["ansible"]!)
        {
            var options = module["options"]!.Values<string>().ToArray();
            data.Add(module["module"]!.Value<string>()!, options.Length > 0 ? options[0]! : "ipmirpc_path");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GeneratedModules))]
    public async Task AnsibleDoc_RendersCompleteDocumentation(string module, string ownOption)
    {
        var r = await _collection.RunAsync("ansible-doc", [$"ipmirpc.ipmi.{module}"]);
        Assert.True(r.Succeeded, r.ToString());
        Assert.DoesNotContain("ERROR", r.StdErr, StringComparison.Ordinal);
        foreach (var expected in new[]
                 {
                     $"IPMIRPC.IPMI.{module.ToUpperInvariant()}", "OPTIONS", "EXAMPLES:", "RETURN VALUES:",
                     ownOption, "ipmirpc_path", "password", "cipher_suite", "IPMIRPC_PATH",
                 })
        {
            Assert.Contains(expected, r.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Facts_MatchWhatIpmitoolReads()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        // State written by ipmitool, read back by the module: a decoder or a cross-talk bug shows up as a mismatch.
        var ip = WrapperSupport.DistinctIp(sim);
        await WrapperSupport.IpmitoolLanSetAsync(sim, "ipaddr", ip);
        await WrapperSupport.IpmitoolLanSetAsync(sim, "netmask", "255.255.240.0");
        var osName = $"Ansible facts OS {sim.Port}";
        await WrapperSupport.IpmitoolSetSysInfoAsync(sim, "os_name", osName);
        var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
        var lan = await WrapperSupport.IpmitoolLanPrintAsync(sim);
        var rawHex = await WrapperSupport.IpmitoolRawHexAsync(sim, "6", "1");

        var run = await _collection.PlaybookJsonAsync("facts.yml", sim);

        Assert.Equal(0, run.Stats["failures"]!.Value<int>());
        Assert.Equal(0, run.Stats["changed"]!.Value<int>());
        // Plain results (an _info module sets no facts): device, lan, system_info.
        var facts = run.Task("Read the BMC");
        Assert.Null(facts["ansible_facts"]);
        var device = facts["device"]!;
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Manufacturer ID"]), device["manufacturer_id"]!.Value<int>());
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), device["product_id"]!.Value<int>());
        Assert.Equal(mcInfo["Firmware Revision"], device["firmware_version"]!.Value<string>());
        Assert.Equal(mcInfo["IPMI Version"], device["ipmi_version"]!.Value<string>());
        var lanFacts = facts["lan"]!;
        Assert.Equal(ip, lan["IP Address"]);
        Assert.Equal(lan["IP Address"], lanFacts["ip_address"]!.Value<string>());
        Assert.Equal(lan["Subnet Mask"], lanFacts["subnet_mask"]!.Value<string>());
        Assert.Equal(lan["MAC Address"], lanFacts["mac_address"]!.Value<string>(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(osName, facts["system_info"]!["operating_system_name"]!.Value<string>());

        foreach (var task in new[] { "Raw Get Device ID by name", "Raw Get Device ID by number, hex data accepted" })
        {
            var raw = run.Task(task);
            Assert.False(raw["changed"]!.Value<bool>(), task);
            Assert.Equal(0, raw["completion_code"]!.Value<int>());
            Assert.Equal(rawHex, raw["hex"]!.Value<string>());
        }
    }

    [Fact]
    public async Task SystemInfo_SetsOnceThenReportsUnchanged()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        var name = $"Debian GNU/Linux 12 ({sim.Port})";

        var first = await _collection.PlaybookJsonAsync("set_os.yml", sim, new() { ["os_name"] = name });
        Assert.Equal(1, first.Stats["changed"]!.Value<int>());
        Assert.Equal(name, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));
        Assert.Equal(name, first.Task("Set operating system name")["current"]!["operating_system_name"]!.Value<string>());
        Assert.Null(first.Task("Set operating system name")["values"]); // no key that Jinja reads as dict.values

        var second = await _collection.PlaybookJsonAsync("set_os.yml", sim, new() { ["os_name"] = name });
        Assert.Equal(0, second.Stats["failures"]!.Value<int>());
        Assert.Equal(0, second.Stats["changed"]!.Value<int>());
        Assert.Equal(name, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));

        // A value written by someone else is noticed and put back.
        await WrapperSupport.IpmitoolSetSysInfoAsync(sim, "os_name", "something else");
        var third = await _collection.PlaybookJsonAsync("set_os.yml", sim, new() { ["os_name"] = name });
        Assert.Equal(1, third.Stats["changed"]!.Value<int>());
        Assert.Equal("something else",
            third.Task("Set operating system name")["previous"]!["operating_system_name"]!.Value<string>());
        Assert.Equal(name, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));
    }

    [Fact]
    public async Task SystemInfo_CheckModeWritesNothing_DiffShowsBeforeAndAfter()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        var before = $"Before {sim.Port}";
        var wanted = $"After {sim.Port}";
        await WrapperSupport.IpmitoolSetSysInfoAsync(sim, "os_name", before);

        var check = await _collection.PlaybookJsonAsync("set_os.yml", sim, new() { ["os_name"] = wanted }, "--check");
        Assert.Equal(1, check.Stats["changed"]!.Value<int>());
        Assert.Equal(before, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));

        // Default callback: the diff the user sees on the terminal.
        var diff = await _collection.PlaybookTextAsync("set_os.yml", sim, new() { ["os_name"] = wanted }, "--check", "--diff");
        Assert.True(diff.Succeeded, diff.ToString());
        Assert.Contains($"-    \"operating_system_name\": \"{before}\"", diff.StdOut, StringComparison.Ordinal);
        Assert.Contains($"+    \"operating_system_name\": \"{wanted}\"", diff.StdOut, StringComparison.Ordinal);
        Assert.Contains("changed: [localhost]", diff.StdOut, StringComparison.Ordinal);
        Assert.Equal(before, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));

        // Diff mode on a real run: same before/after, and now it is written.
        var real = await _collection.PlaybookJsonAsync("set_os.yml", sim, new() { ["os_name"] = wanted }, "--diff");
        var d = real.Task("Set operating system name")["diff"]!;
        Assert.Equal(before, d["before"]!["operating_system_name"]!.Value<string>());
        Assert.Equal(wanted, d["after"]!["operating_system_name"]!.Value<string>());
        Assert.Equal(wanted, await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));
    }

    [Fact]
    public async Task WrongPassword_FailsCleanly_AndThePasswordIsNeverPrinted()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { SystemInfoPlugin = true });
        var secret = "Wr0ng-" + Guid.NewGuid().ToString("N")[..12];

        var r = await _collection.PlaybookTextAsync("set_os.yml", sim,
            new() { ["os_name"] = "never written", ["bmc_password"] = secret }, "-vvv");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("FAILED!", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"code\": -32003", r.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, r.StdOut + r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Traceback", r.StdOut + r.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("full traceback", r.StdOut + r.StdErr, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", await WrapperSupport.IpmitoolGetSysInfoAsync(sim, "os_name"));
    }

    [Fact]
    public async Task MissingIpmirpc_FailsWithAClearMessage()
    {
        // Option pointing nowhere.
        var r = await _collection.PlaybookTextAsync("missing_host.yml", sim: null, new());
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("ipmirpc not usable: ipmirpc_path option points to /nonexistent/ipmirpc", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("-32090", r.StdOut, StringComparison.Ordinal);

        // No option, no IPMIRPC_PATH, not on PATH.
        var env = new Dictionary<string, string> { ["IPMIRPC_PATH"] = "", ["PATH"] = "/usr/bin:/bin" };
        var r2 = await _collection.PlaybookTextAsync("facts.yml", sim: null,
            new() { ["bmc_host"] = "127.0.0.1", ["bmc_port"] = 9, ["bmc_password"] = "unused-pw" }, env: env);
        Assert.NotEqual(0, r2.ExitCode);
        Assert.Contains("ipmirpc not found: set the ipmirpc_path option or the IPMIRPC_PATH environment variable", r2.StdOut,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task IpmirpcOnPath_IsFound()
    {
        await using var sim = await IpmiSim.StartAsync();
        var bin = WrapperSupport.NewTempDir("ansible-path");
        try
        {
            File.CreateSymbolicLink(Path.Combine(bin, "ipmirpc"), WrapperSupport.HostExe);
            var env = new Dictionary<string, string>
            {
                ["IPMIRPC_PATH"] = "",
                ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            };
            var run = await _collection.PlaybookJsonAsync("device.yml", sim, vars: null, env: env);
            Assert.Equal(0, run.Stats["failures"]!.Value<int>());
            var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
            Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]),
                run.Task("Device ID only")["device"]!["product_id"]!.Value<int>());
        }
        finally
        {
            WrapperSupport.DeleteQuietly(bin);
        }
    }

    [Fact]
    public async Task Lan_SetsOnce_CheckModeWritesNothing()
    {
        await using var sim = await IpmiSim.StartAsync();
        var ip = WrapperSupport.DistinctIp(sim);
        var vars = new Dictionary<string, object> { ["lan_ip"] = ip, ["lan_mask"] = "255.255.255.0" };
        var start = await WrapperSupport.IpmitoolLanPrintAsync(sim);
        Assert.NotEqual(ip, start["IP Address"]);

        var check = await _collection.PlaybookJsonAsync("lan.yml", sim, vars, "--check", "--diff");
        Assert.Equal(1, check.Stats["changed"]!.Value<int>());
        var d = check.Task("Set LAN configuration")["diff"]!;
        Assert.Equal(start["IP Address"], d["before"]!["ip_address"]!.Value<string>());
        Assert.Equal(ip, d["after"]!["ip_address"]!.Value<string>());
        Assert.Equal(start["IP Address"], (await WrapperSupport.IpmitoolLanPrintAsync(sim))["IP Address"]);

        var set = await _collection.PlaybookJsonAsync("lan.yml", sim, vars);
        Assert.Equal(1, set.Stats["changed"]!.Value<int>());
        var after = await WrapperSupport.IpmitoolLanPrintAsync(sim);
        Assert.Equal(ip, after["IP Address"]);
        Assert.Equal("255.255.255.0", after["Subnet Mask"]);

        var again = await _collection.PlaybookJsonAsync("lan.yml", sim, vars);
        Assert.Equal(0, again.Stats["failures"]!.Value<int>());
        Assert.Equal(0, again.Stats["changed"]!.Value<int>());
    }

    [Fact]
    public async Task ModuleDefaults_GroupCarriesTheTarget_PasswordFromEnvironment_InvalidParamsNameTheField()
    {
        await using var sim = await IpmiSim.StartAsync();
        var mcInfo = WrapperSupport.ParseIpmitoolFields((await IpmiTool.RunAsync(sim, "mc", "info")).StdOut);
        var rawHex = await WrapperSupport.IpmitoolRawHexAsync(sim, "6", "1");

        // No password in the play: IPMI_PASSWORD.
        var env = new Dictionary<string, string> { ["IPMI_PASSWORD"] = sim.Password, ["ANSIBLE_STDOUT_CALLBACK"] = "json" };
        var r = await _collection.PlaybookTextAsync("module_defaults.yml", sim, new(), env);
        var output = JObject.Parse(r.StdOut);
        var run = new PlaybookRun(output, r);
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal(WrapperSupport.ParseInt(mcInfo["Product ID"]), run.Task("Device ID from the group defaults")["device"]!["product_id"]!.Value<int>());
        Assert.Equal(rawHex, run.Task("Raw Get Device ID from the group defaults")["hex"]!.Value<string>());
        var bad = run.Task("Odd NetFn");
        Assert.True(bad["failed"]!.Value<bool>());
        Assert.Equal(-32602, bad["code"]!.Value<int>());
        Assert.Contains("netFn", bad["msg"]!.Value<string>(), StringComparison.Ordinal);
        Assert.Null(bad["exception"]);
        // The password came from the environment and is masked like any no_log option.
        Assert.Equal("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER",
            run.Task("Device ID from the group defaults")["invocation"]!["module_args"]!["password"]!.Value<string>());
    }

    [Fact]
    public async Task Timeout_is_the_deadline_of_the_whole_task_and_community_general_spellings_are_accepted()
    {
        // A BMC that never answers: without the deadline, 20 s per attempt x 5 attempts.
        using var blackHole = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)blackHole.Client.LocalEndPoint!).Port;

        var run = await _collection.PlaybookJsonAsync("deadline.yml", sim: null!, new() { ["bmc_port"] = port });

        var task = run.Task("Status from a BMC that never answers");
        Assert.True(task["failed"]!.Value<bool>(), task.ToString());
        Assert.Equal(-32004, task["code"]!.Value<int>());
        Assert.InRange(task["data"]!["timeoutMs"]!.Value<int>(), 1, 2000);
        Assert.Null(task["exception"]);
        var args = task["invocation"]!["module_args"]!;
        Assert.Equal("admin", args["privilege"]!.Value<string>());
        Assert.Equal("VALUE_SPECIFIED_IN_NO_LOG_PARAMETER", args["kg_hex"]!.Value<string>());
    }

    /// <summary>One ansible-playbook run with the json callback.</summary>
    public sealed record PlaybookRun(JObject Output, ToolResult Raw)
    {
        public JObject Stats => (JObject)Output["stats"]!["localhost"]!;

        /// <summary>The localhost result of the task with this name.</summary>
        public JObject Task(string name)
        {
            foreach (var play in Output["plays"]!)
            {
                foreach (var task in play["tasks"]!)
                {
                    if (task["task"]!["name"]!.Value<string>() == name)
                        return (JObject)task["hosts"]!["localhost"]!;
                }
            }

            throw new Xunit.Sdk.XunitException($"task '{name}' not in the output:\n{Raw}");
        }
    }

    /// <summary>The collection built and installed once for all tests of the class.</summary>
    public sealed class InstalledCollection : IAsyncLifetime
    {
        private readonly string _dir = WrapperSupport.NewTempDir("ansible");

        /// <summary>Holds ansible_collections/: PYTHONPATH for importing the installed module_utils.</summary>
        public string CollectionsPath => Path.Combine(_dir, "collections");

        public async Task InitializeAsync()
        {
            var galaxy = Require.Tool("ansible-galaxy");
            var build = await ProcessRunner.RunAsync(galaxy,
                ["collection", "build", WrapperSupport.AnsibleCollectionDir, "--output-path", _dir, "--force"],
                env: BaseEnv(), timeout: TimeSpan.FromMinutes(2), workingDirectory: _dir);
            Assert.True(build.Succeeded, build.ToString());
            var tarball = Directory.GetFiles(_dir, "ipmirpc-ipmi-*.tar.gz").Single();
            var install = await ProcessRunner.RunAsync(galaxy,
                ["collection", "install", "-p", CollectionsPath, tarball, "--force"],
                env: BaseEnv(), timeout: TimeSpan.FromMinutes(2), workingDirectory: _dir);
            Assert.True(install.Succeeded, install.ToString());
            Assert.True(File.Exists(Path.Combine(CollectionsPath, "ansible_collections", "ipmirpc", "ipmi", "plugins",
                "module_utils", "ipmirpc_client.py")), install.ToString());
        }

        public Task DisposeAsync()
        {
            WrapperSupport.DeleteQuietly(_dir);
            return Task.CompletedTask;
        }

        private Dictionary<string, string> BaseEnv() => new()
        {
            ["ANSIBLE_COLLECTIONS_PATH"] = CollectionsPath,
            ["ANSIBLE_HOME"] = Path.Combine(_dir, "home"),
            ["ANSIBLE_LOCAL_TEMP"] = Path.Combine(_dir, "tmp"),
            ["ANSIBLE_REMOTE_TEMP"] = Path.Combine(_dir, "tmp"),
            ["ANSIBLE_PYTHON_INTERPRETER"] = "/usr/bin/python3",
            ["ANSIBLE_LOCALHOST_WARNING"] = "False",
            ["ANSIBLE_INVENTORY_UNPARSED_WARNING"] = "False",
            ["ANSIBLE_DEPRECATION_WARNINGS"] = "False",
            ["ANSIBLE_NOCOLOR"] = "1",
            ["ANSIBLE_FORCE_COLOR"] = "0",
            ["ANSIBLE_RETRY_FILES_ENABLED"] = "False",
            ["IPMIRPC_PATH"] = WrapperSupport.HostExe,
        };

        public Task<ToolResult> RunAsync(string tool, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null)
        {
            var all = BaseEnv();
            foreach (var (k, v) in env ?? new Dictionary<string, string>())
                all[k] = v;
            return ProcessRunner.RunAsync(Require.Tool(tool), args, env: all, timeout: TimeSpan.FromMinutes(3),
                workingDirectory: _dir);
        }

        /// <summary>ansible-playbook with the default callback (what a user sees).</summary>
        public async Task<ToolResult> PlaybookTextAsync(string playbook, IpmiSim? sim, Dictionary<string, object> vars,
            params string[] extraArgs) =>
            await PlaybookTextAsync(playbook, sim, vars, env: null, extraArgs);

        public async Task<ToolResult> PlaybookTextAsync(string playbook, IpmiSim? sim, Dictionary<string, object> vars,
            IReadOnlyDictionary<string, string>? env, params string[] extraArgs)
        {
            var varsFile = await WriteVarsAsync(sim, vars);
            return await RunAsync("ansible-playbook",
                ["-i", "localhost,", "-e", "@" + varsFile, Path.Combine(WrapperSupport.FixturesDir, "ansible", playbook), .. extraArgs],
                env);
        }

        /// <summary>ansible-playbook with the json callback, parsed.</summary>
        public async Task<PlaybookRun> PlaybookJsonAsync(string playbook, IpmiSim sim, Dictionary<string, object>? vars = null,
            params string[] extraArgs) =>
            await PlaybookJsonAsync(playbook, sim, vars, env: null, extraArgs);

        public async Task<PlaybookRun> PlaybookJsonAsync(string playbook, IpmiSim sim, Dictionary<string, object>? vars,
            IReadOnlyDictionary<string, string>? env, params string[] extraArgs)
        {
            var all = new Dictionary<string, string> { ["ANSIBLE_STDOUT_CALLBACK"] = "json" };
            foreach (var (k, v) in env ?? new Dictionary<string, string>())
                all[k] = v;
            var r = await PlaybookTextAsync(playbook, sim, vars ?? new(), all, extraArgs);
            JObject output;
            try
            {
                output = JObject.Parse(r.StdOut);
            }
            catch (JsonReaderException e)
            {
                throw new Xunit.Sdk.XunitException($"ansible-playbook output is not JSON ({e.Message}):\n{r}");
            }

            var run = new PlaybookRun(output, r);
            Assert.True(run.Stats["failures"]!.Value<int>() == 0 && r.Succeeded, $"playbook {playbook} failed:\n{r}");
            return run;
        }

        private async Task<string> WriteVarsAsync(IpmiSim? sim, Dictionary<string, object> vars)
        {
            var all = new Dictionary<string, object>
            {
                ["bmc_host"] = sim?.Host ?? "127.0.0.1",
                ["bmc_port"] = sim?.Port ?? 9,
                ["bmc_user"] = sim?.User ?? "nobody",
                ["bmc_password"] = sim?.Password ?? "unused-pw",
            };
            foreach (var (k, v) in vars)
                all[k] = v;
            var path = Path.Combine(_dir, $"vars-{Guid.NewGuid():N}.json");
            await WrapperSupport.WritePrivateFileAsync(path, JsonConvert.SerializeObject(all));
            return path;
        }
    }
}
