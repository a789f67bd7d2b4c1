using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Bench;

public static class Scenarios
{
    private static readonly string[] LatencyHeader = ["client", "how", "n", "median", "p99", "peer ÷ ipmirpc (median)"];

    private static string[] IpmiToolArgs(int port, params string[] command) =>
        ["-I", "lanplus", "-C", "3", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "ipmiusr", "-E", .. command];

    // peers.md: -W opensesspriv because ipmi_sim echoes privilege 0 in its Open Session Response. The password is
    // the test-only "test" (FreeIPMI tools take it on argv; nothing real is exposed).
    private static string[] FreeIpmiArgs(string host) =>
        ["-D", "LAN_2_0", "-h", host, "-u", "ipmiusr", "-p", "test", "-l", "ADMIN", "-I", "3", "-W", "opensesspriv"];

    // ---- 1 + 2 ----------------------------------------------------------------------------------------------------
    public static async Task SequentialAndPipelinedAsync(BenchOptions o, Dictionary<string, string> env, int port, Report report)
    {
        var n = o.Sequential;
        var p = Json.TargetParams(port);
        var rawParams = $"{{\"target\":{Json.Target(port)},\"command\":\"GetDeviceId\"}}";
        var rows = new List<(string Client, string How, Stats S)>();
        var throughput = new List<(string Client, string How, double PerSecond)>();

        // ipmirpc: one process, one pooled session, one request at a time (client-observed: JSON over pipes included).
        Stats rpcSeq;
        await using (var rpc = RpcClient.Start(o.Fdd, o.PidFile, env))
        {
            await WarmAsync(rpc, "bmc.getDeviceId", p, 200);
            rpcSeq = Stats.Of(await SequentialAsync(rpc, "bmc.getDeviceId", p, n));
            rows.Add(("ipmirpc", "`bmc.getDeviceId`, one process, pooled session", rpcSeq));
            throughput.Add(("ipmirpc", "sequential (1/mean)", 1000 / rpcSeq.Mean));
            var raw = Stats.Of(await SequentialAsync(rpc, "ipmi.requestResponse", rawParams, n));
            rows.Add(("ipmirpc", "`ipmi.requestResponse` GetDeviceId, same process", raw));

            // 2: everything written at once.
            var pipelined = new List<double>();
            var calls = Enumerable.Repeat(("bmc.getDeviceId", p), n).ToArray();
            for (var round = 0; round < o.Rounds; round++)
            {
                var sw = Stopwatch.StartNew();
                var answers = await rpc.CallManyAsync(calls, TimeSpan.FromSeconds(60));
                var elapsed = sw.Elapsed.TotalMilliseconds;
                var bad = answers.Count(a => !Json.IsResult(a));
                if (bad > 0)
                {
                    report.Fail($"pipelined round {round}: {bad} of {n} answers were errors ({rpc.LastError})");
                }

                pipelined.Add(elapsed);
            }

            var ps = Stats.Of(pipelined);
            throughput.Insert(0, ("ipmirpc", $"{n} requests written at once, one session ({o.Rounds} rounds; median round {Fmt.Ms(ps.Median)})", n * 1000 / ps.Median));
            CheckErrors(rpc, report, "ipmirpc sequential/pipelined");
            report.Note($"ipmirpc peak RSS after scenarios 1–2 (one session): {rpc.PeakRssKb / 1024} MB.");
        }

        if (o.Aot is not null)
        {
            await using var aot = RpcClient.Start(o.Aot, o.PidFile, env);
            await WarmAsync(aot, "bmc.getDeviceId", p, 200);
            rows.Add(("ipmirpc (NativeAOT)", "`bmc.getDeviceId`, one process, pooled session", Stats.Of(await SequentialAsync(aot, "bmc.getDeviceId", p, n))));
            CheckErrors(aot, report, "ipmirpc NativeAOT sequential");
        }

        // pyghmi: one persistent session in one Python process.
        var py = await Proc.RunAsync("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "pyghmi_seq.py"), port.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), "200"], env, TimeSpan.FromMinutes(3));
        Stats? pyStats = null;
        if (py.ExitCode == 0)
        {
            using var doc = JsonDocument.Parse(py.StdOut);
            var lat = doc.RootElement.GetProperty("lat_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            pyStats = Stats.Of(lat);
            rows.Add(("pyghmi", "`raw_command`, one persistent session", pyStats));
            throughput.Add(("pyghmi", "sequential (1/mean)", 1000 / pyStats.Mean));
            if (doc.RootElement.GetProperty("errors").GetInt32() > 0)
            {
                report.Fail("pyghmi reported errors");
            }
        }
        else
        {
            report.Fail($"pyghmi: exit {py.ExitCode}: {py.StdErr}");
        }

        // ipmitool exec: one process, one session, n commands; only the mean per command is observable.
        var execFile = Path.Combine(o.WorkDir, $"exec-{port}.txt");
        await File.WriteAllTextAsync(execFile, string.Concat(Enumerable.Repeat("raw 6 1\n", n)));
        var execPer = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            var r = await Proc.RunAsync("ipmitool", IpmiToolArgs(port, "exec", execFile), env, TimeSpan.FromMinutes(2));
            if (r.ExitCode != 0)
            {
                report.Fail($"ipmitool exec: exit {r.ExitCode}: {r.StdErr}");
                break;
            }

            execPer.Add(r.ElapsedMs / n);
        }

        var execStats = Stats.Of(execPer);
        rows.Add(("ipmitool", $"`exec FILE` of {n} `raw 6 1`: whole run ÷ {n} (session setup included; 3 runs, no per-request p99)", execStats with { P99 = double.NaN }));
        throughput.Add(("ipmitool", $"`exec FILE`, {n} commands, one session", 1000 / execStats.Median));

        // Per process: fewer samples (each costs ~0.1 s).
        rows.Add(("ipmitool", $"one process per command (`raw 6 1`; {o.ProcessSamples} samples)",
            await TimeProcessesAsync("ipmitool", IpmiToolArgs(port, "raw", "6", "1"), env, o.ProcessSamples, report)));
        rows.Add(("FreeIPMI `ipmi-raw`", $"one process per command ({o.ProcessSamples} samples)",
            await TimeProcessesAsync("ipmi-raw", [.. FreeIpmiArgs($"127.0.0.1:{port}"), "0", "6", "1"], env, o.ProcessSamples, report)));

        report.Section("1. Sequential latency: Get Device ID, one at a time",
            $"One `ipmi_sim` on 127.0.0.1:{port}. ipmirpc latency is what its client sees: request line written to stdin → response line read from stdout. " +
            $"{n} requests per persistent-session client after 200 warm-up requests; one-process-per-command tools sampled {o.ProcessSamples} times each.");
        report.Table(LatencyHeader, rows.Select(r => new[]
        {
            r.Client, r.How, r.S.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(r.S.Median), Fmt.Ms(r.S.P99),
            r.Client == "ipmirpc" && r.How.Contains("bmc.getDeviceId", StringComparison.Ordinal) ? "(reference)" : Fmt.Ratio(r.S.Median / rpcSeq.Median),
        }));

        report.Section("2. Pipelined throughput",
            $"{n} `bmc.getDeviceId` requests written to one ipmirpc in a single write, time until the last answer; compared with the peers' best sequential rate over one session.");
        var best = throughput[0].PerSecond;
        report.Table(["client", "how", "requests/s", "ipmirpc ÷ this"], throughput.Select(t => new[]
        {
            t.Client, t.How, Fmt.Rate(t.PerSecond), t == throughput[0] ? "(reference)" : Fmt.Ratio(best / t.PerSecond),
        }));

        if (pyStats is not null)
        {
            var ratio = rpcSeq.Median / pyStats.Median;
            report.Target("Sequential latency within 1.3× of pyghmi's persistent session",
                $"ipmirpc {Fmt.Ms(rpcSeq.Median)} vs pyghmi {Fmt.Ms(pyStats.Median)} median = {Fmt.Ratio(ratio)} (p99 {Fmt.Ms(rpcSeq.P99)} vs {Fmt.Ms(pyStats.P99)})", ratio <= 1.3);
        }

        var perProcess = rows.First(r => r.Client == "ipmitool" && r.How.StartsWith("one process", StringComparison.Ordinal)).S;
        var vsIpmitool = perProcess.Median / rpcSeq.Median;
        report.Target("Sequential ≥ 100× faster than ipmitool per process",
            $"{Fmt.Ms(perProcess.Median)} vs {Fmt.Ms(rpcSeq.Median)} = {Fmt.Ratio(vsIpmitool)}", vsIpmitool >= 100);
    }

    private static async Task WarmAsync(RpcClient rpc, string method, string p, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await rpc.CallAsync(method, p);
        }
    }

    private static async Task<List<double>> SequentialAsync(RpcClient rpc, string method, string p, int count)
    {
        var lat = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await rpc.CallAsync(method, p);
            lat.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return lat;
    }

    private static void CheckErrors(RpcClient rpc, Report report, string what)
    {
        if (rpc.Errors > 0)
        {
            report.Fail($"{what}: {rpc.Errors} error responses, last {rpc.LastError}");
        }
    }

    private static async Task<Stats> TimeProcessesAsync(string file, string[] args, Dictionary<string, string> env, int samples, Report report)
    {
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var r = await Proc.RunAsync(file, args, env, TimeSpan.FromSeconds(30));
            if (r.ExitCode != 0)
            {
                report.Fail($"{file} {string.Join(' ', args.Where(a => a != "test"))}: exit {r.ExitCode}: {r.StdErr.Trim()}");
                break;
            }

            times.Add(r.ElapsedMs);
        }

        return Stats.Of(times);
    }

    // ---- 4 --------------------------------------------------------------------------------------------------------
    public static async Task ColdStartAsync(BenchOptions o, Dictionary<string, string> env, int port, Report report)
    {
        var callArgs = new[] { "call", "bmc.getDeviceId", "--params", Json.TargetParams(port) };
        var variants = new List<(string Name, string File, string[] Args)>
        {
            ("ipmitool `raw 6 1` (one run)", "ipmitool", IpmiToolArgs(port, "raw", "6", "1")),
            ("FreeIPMI `ipmi-raw 0 6 1` (one run)", "ipmi-raw", [.. FreeIpmiArgs($"127.0.0.1:{port}"), "0", "6", "1"]),
            ("`ipmirpc call bmc.getDeviceId`: framework-dependent (JIT)", o.Fdd, callArgs),
        };
        if (o.R2r is not null)
        {
            variants.Add(("`ipmirpc call bmc.getDeviceId`: ReadyToRun", o.R2r, callArgs));
        }

        if (o.Aot is not null)
        {
            variants.Add(("`ipmirpc call bmc.getDeviceId`: NativeAOT", o.Aot, callArgs));
        }

        var times = variants.Select(_ => new List<double>()).ToArray();
        var rss = variants.Select(_ => 0L).ToArray();
        var failed = new bool[variants.Count];
        // Interleaved so drift in machine load hits every variant alike.
        for (var i = 0; i < o.ColdSamples; i++)
        {
            for (var v = 0; v < variants.Count; v++)
            {
                if (failed[v])
                {
                    continue;
                }

                var (r, maxRss) = i == 0
                    ? await Proc.RunWithMaxRssAsync(variants[v].File, variants[v].Args, env)
                    : (await Proc.RunAsync(variants[v].File, variants[v].Args, env, TimeSpan.FromSeconds(30)), 0L);
                if (r.ExitCode != 0)
                {
                    failed[v] = true;
                    report.Fail($"cold start {variants[v].Name}: exit {r.ExitCode}: {r.StdErr.Trim()}");
                    continue;
                }

                if (i == 0)
                {
                    rss[v] = maxRss;
                }
                else
                {
                    times[v].Add(r.ElapsedMs);
                }
            }
        }

        var stats = times.Select(t => Stats.Of(t)).ToArray();
        var ipmitool = stats[0];
        report.Section("4. Cold start: process start to exit for one Get Device ID",
            $"{o.ColdSamples - 1} timed runs each (plus one untimed run under `/usr/bin/time` for peak RSS), variants interleaved. Every run opens and closes its own RMCP+ session.");
        report.Table(["variant", "n", "median", "p99", "peak RSS", "÷ ipmitool (median; ≤ 1× = no slower)"], variants.Select((v, i) => new[]
        {
            v.Name, stats[i].Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(stats[i].Median), Fmt.Ms(stats[i].P99), rss[i] > 0 ? $"{rss[i] / 1024} MB" : "–",
            i == 0 ? "(reference)" : Fmt.Ratio(stats[i].Median / ipmitool.Median),
        }));

        var bestRpc = Enumerable.Range(2, variants.Count - 2).Where(i => stats[i].Count > 0).OrderBy(i => stats[i].Median).FirstOrDefault();
        if (bestRpc >= 2)
        {
            report.Target("Cold start no slower than one ipmitool run",
                $"best `ipmirpc call` ({variants[bestRpc].Name.Split(": ")[^1]}) {Fmt.Ms(stats[bestRpc].Median)} vs ipmitool {Fmt.Ms(ipmitool.Median)} = {Fmt.Ratio(stats[bestRpc].Median / ipmitool.Median)}; framework-dependent {Fmt.Ratio(stats[2].Median / ipmitool.Median)}",
                stats[bestRpc].Median <= ipmitool.Median);
        }
    }

    // ---- 3 + 5 ----------------------------------------------------------------------------------------------------
    public static async Task FleetAsync(BenchOptions o, Dictionary<string, string> env, SimFleet fleet, int n, Report report)
    {
        var ports = fleet.Ports.Take(n).ToArray();
        var calls = ports.Select(port => ("lan.getConfiguration", Json.TargetParams(port))).ToArray();
        var rows = new List<(string Client, string How, Stats S)>();
        var rounds = o.Rounds;

        // ipmirpc, a running process: a sweep that opens every session, then sweeps over the pooled sessions.
        var fresh = new List<double>();
        var pooled = new List<double>();
        long peakKb = 0, rssKb = 0;
        for (var round = 0; round < Math.Max(2, rounds / 2); round++)
        {
            await using var rpc = RpcClient.Start(o.Fdd, o.PidFile, env);
            await rpc.CallAsync("sessions.list", "{}", TimeSpan.FromSeconds(30));
            fresh.Add(await SweepAsync(rpc, calls, n, report, "fresh"));
            if (round == 0)
            {
                for (var r = 0; r < rounds; r++)
                {
                    pooled.Add(await SweepAsync(rpc, calls, n, report, "pooled"));
                }

                var listed = await rpc.CallAsync("sessions.list", "{}", TimeSpan.FromSeconds(30));
                using var doc = JsonDocument.Parse(listed);
                var open = doc.RootElement.GetProperty("result").GetArrayLength();
                if (open != n)
                {
                    report.Fail($"fleet {n}: sessions.list shows {open} sessions, expected {n}");
                }

                peakKb = rpc.PeakRssKb;
                rssKb = rpc.RssKb;
            }

            CheckErrors(rpc, report, $"fleet {n}");
            var exit = await rpc.CloseAsync(TimeSpan.FromSeconds(30));
            if (exit != 0)
            {
                report.Fail($"fleet {n}: ipmirpc exit {exit}");
            }
        }

        var freshStats = Stats.Of(fresh);
        rows.Add(("ipmirpc", $"running process, {n} requests at once, sessions opened by the sweep", freshStats));
        rows.Add(("ipmirpc", "same process, pooled sessions", Stats.Of(pooled)));

        // ipmirpc as a pipe: process start → all answers → sessions closed → exit (what a cron job would see).
        var requests = string.Concat(calls.Select((c, i) =>
            $"{{\"jsonrpc\":\"2.0\",\"id\":{i + 1},\"method\":\"{c.Item1}\",\"params\":{c.Item2}}}\n"));
        var pipeRss = new List<(string, long)>();
        foreach (var (label, exe) in new[] { ("framework-dependent", o.Fdd), ("NativeAOT", o.Aot) })
        {
            if (exe is null)
            {
                continue;
            }

            var times = new List<double>();
            long maxRss = 0;
            for (var round = 0; round < Math.Max(2, rounds / 2); round++)
            {
                var timeFile = Path.Combine(o.WorkDir, "time.txt");
                var r = await Proc.RunAsync("/usr/bin/time", ["-f", "%M", "-o", timeFile, exe, "--framing", "ndjson"], env, TimeSpan.FromMinutes(2), requests);
                var answers = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var good = answers.Count(Json.IsResult);
                if (r.ExitCode != 0 || good != n)
                {
                    report.Fail($"fleet {n} pipe ({label}): exit {r.ExitCode}, {good}/{n} results; {r.StdErr.Trim()[..Math.Min(400, r.StdErr.Trim().Length)]}");
                    break;
                }

                times.Add(r.ElapsedMs);
                maxRss = Math.Max(maxRss, long.Parse((await File.ReadAllTextAsync(timeFile)).Trim().Split('\n')[^1], CultureInfo.InvariantCulture));
            }

            rows.Add(("ipmirpc", $"`ipmirpc < {n} requests` ({label}): process start → exit, sessions opened and closed", Stats.Of(times)));
            pipeRss.Add((label, maxRss));
        }

        // ipmitool, one process per BMC, all in parallel.
        var portList = string.Join(' ', ports);
        var ipmitoolTimes = new List<double>();
        for (var round = 0; round < Math.Max(2, rounds / 2); round++)
        {
            var r = await Proc.BashAsync(
                $"printf '%s\\n' {portList} | xargs -P {n} -I PORT ipmitool -I lanplus -C 3 -H 127.0.0.1 -p PORT -U ipmiusr -E lan print 1 | grep -c '^IP Address  '",
                env, TimeSpan.FromMinutes(3));
            if (r.ExitCode != 0 || r.StdOut.Trim() != n.ToString(CultureInfo.InvariantCulture))
            {
                report.Fail($"fleet {n} ipmitool: exit {r.ExitCode}, {r.StdOut.Trim()}/{n} answers; {Head(r.StdErr)}");
                break;
            }

            ipmitoolTimes.Add(r.ElapsedMs);
        }

        var ipmitoolStats = Stats.Of(ipmitoolTimes);
        rows.Add(("ipmitool", $"`lan print 1`, one process per BMC, `xargs -P {n}`", ipmitoolStats));

        // FreeIPMI's own fan-out over a host range (contiguous ports).
        var freeipmiTimes = new List<double>();
        for (var round = 0; round < Math.Max(2, rounds / 2); round++)
        {
            var r = await Proc.RunAsync("ipmi-config",
                [.. FreeIpmiArgs($"127.0.0.1:[{ports[0]}-{ports[^1]}]"), "-F", n.ToString(CultureInfo.InvariantCulture), "--checkout", "--section=Lan_Conf"],
                env, TimeSpan.FromMinutes(3));
            var answered = r.StdOut.Split('\n').Count(l => l.Contains("IP_Address ", StringComparison.Ordinal) && !l.Contains("Source", StringComparison.Ordinal));
            if (r.ExitCode != 0 || answered != n)
            {
                report.Fail($"fleet {n} FreeIPMI: exit {r.ExitCode}, {answered}/{n} answers; {Head(r.StdErr)}");
                break;
            }

            freeipmiTimes.Add(r.ElapsedMs);
        }

        var freeipmiStats = Stats.Of(freeipmiTimes);
        rows.Add(("FreeIPMI", $"`ipmi-config --checkout --section=Lan_Conf -h 127.0.0.1:[range] -F {n}`", freeipmiStats));

        report.Section($"3. Fleet sweep: `lan.getConfiguration` from {n} BMCs",
            $"{n} `ipmi_sim` on contiguous loopback ports; wall time for the whole sweep, {Math.Max(2, rounds / 2)} rounds per row ({rounds} for pooled). " +
            "ipmirpc reads every parameter `lan.getConfiguration` decodes (channel lookup included); `ipmitool lan print` and FreeIPMI's Lan_Conf section read their own sets.");
        report.Table(LatencyHeader, rows.Select(r => new[]
        {
            r.Client, r.How, r.S.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(r.S.Median), Fmt.Ms(r.S.P99),
            r.S == freshStats ? "(reference)" : Fmt.Ratio(r.S.Median / freshStats.Median),
        }));

        var pipeFdd = rows.First(r => r.How.Contains("framework-dependent", StringComparison.Ordinal)).S;
        var bestPeer = Math.Min(ipmitoolStats.Count > 0 ? ipmitoolStats.Median : double.MaxValue, freeipmiStats.Count > 0 ? freeipmiStats.Median : double.MaxValue);
        report.Target($"Fleet sweep ({n} BMCs) faster than every peer",
            $"ipmirpc {Fmt.Ms(freshStats.Median)} (running, new sessions; {Fmt.Ms(pipeFdd.Median)} as a pipe incl. process start) vs best peer {Fmt.Ms(bestPeer)}",
            freshStats.Median < bestPeer);
        report.Target($"Fleet sweep ({n} BMCs) ≥ 10× faster than parallel ipmitool",
            $"{Fmt.Ratio(ipmitoolStats.Median / freshStats.Median)} (running process); {Fmt.Ratio(ipmitoolStats.Median / pipeFdd.Median)} as a pipe incl. process start",
            ipmitoolStats.Median / freshStats.Median >= 10);

        // 5: memory.
        report.Section($"5. Memory with {n} sessions open",
            "Peak RSS (VmHWM) of one ipmirpc after the pooled sweeps, every session still open; pipe runs measured with `/usr/bin/time`.");
        var memRows = new List<string[]>
        {
            new[] { "ipmirpc framework-dependent, running, sessions open", $"{peakKb / 1024} MB", $"{rssKb / 1024} MB" },
        };
        memRows.AddRange(pipeRss.Select(x => new[] { $"`ipmirpc < requests` ({x.Item1})", $"{x.Item2 / 1024} MB", "–" }));
        report.Table(["process", "peak RSS", "RSS now"], memRows);
        var worst = Math.Max(peakKb, pipeRss.Count > 0 ? pipeRss.Max(x => x.Item2) : 0);
        report.Target($"Memory ≤ 100 MB RSS with {n} sessions open", $"peak {worst / 1024} MB (worst of the rows in section 5)", worst <= 100 * 1024);
    }

    private static async Task<double> SweepAsync(RpcClient rpc, (string, string)[] calls, int n, Report report, string what)
    {
        var sw = Stopwatch.StartNew();
        var answers = await rpc.CallManyAsync(calls, TimeSpan.FromMinutes(2));
        var elapsed = sw.Elapsed.TotalMilliseconds;
        var bad = answers.Count(a => !Json.IsResult(a));
        if (bad > 0)
        {
            report.Fail($"fleet {n} {what} sweep: {bad} errors ({rpc.LastError})");
        }

        return elapsed;
    }

    private static string Head(string s) => s.Trim().Length <= 400 ? s.Trim() : s.Trim()[..400];

    // ---- 6 --------------------------------------------------------------------------------------------------------
    public static async Task HostOverheadAsync(BenchOptions o, Report report)
    {
        var p = Json.TargetParams(623);
        await using var host = InMemoryHost.Start();
        var rpc = host.Client;
        await WarmAsync(rpc, "bmc.getDeviceId", p, 2000);
        var seq = Stats.Of(await SequentialAsync(rpc, "bmc.getDeviceId", p, 5000));

        var batch = 5000;
        var calls = Enumerable.Repeat(("bmc.getDeviceId", p), batch).ToArray();
        var rounds = new List<double>();
        for (var r = 0; r < o.Rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            await rpc.CallManyAsync(calls, TimeSpan.FromMinutes(1));
            rounds.Add(sw.Elapsed.TotalMilliseconds);
        }

        var piped = Stats.Of(rounds);
        if (rpc.Errors > 0)
        {
            report.Fail($"in-memory host: {rpc.Errors} errors, last {rpc.LastError}");
        }

        // The pool alone (no JSON): what one request costs below the JSON-RPC layer.
        var target = new IpmiTarget { Transport = IpmiTarget.LanPlus, Host = "127.0.0.1", Port = 623, Username = "ipmiusr", Password = Secret.FromString("test"), CipherSuite = 3 };
        var request = new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
        for (var i = 0; i < 10_000; i++)
        {
            await host.Context.Pool.SendAsync(target, request, CancellationToken.None);
        }

        const int poolCalls = 200_000;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var poolWatch = Stopwatch.StartNew();
        for (var i = 0; i < poolCalls; i++)
        {
            await host.Context.Pool.SendAsync(target, request, CancellationToken.None);
        }

        var poolNs = poolWatch.Elapsed.TotalMilliseconds * 1e6 / poolCalls;
        var poolBytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)poolCalls;

        report.Section("6. Host overhead alone (in-memory transport)",
            "The real host (guard, StreamJsonRpc, method table, target resolution, session pool, Get Device ID decode, camelCase JSON) in the bench process over in-memory pipes; the transport answers from memory.");
        report.Table(["what", "n", "median", "p99", "requests/s"],
        [
            ["`bmc.getDeviceId`, one at a time", seq.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(seq.Median), Fmt.Ms(seq.P99), Fmt.Rate(1000 / seq.Mean)],
            [$"`bmc.getDeviceId`, {batch} written at once ({o.Rounds} rounds; time per round)", piped.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(piped.Median), Fmt.Ms(piped.P99), Fmt.Rate(batch * 1000 / piped.Median)],
            ["`SessionPool.SendAsync` alone (no JSON), sequential", poolCalls.ToString(CultureInfo.InvariantCulture), $"{poolNs:0} ns", "–", $"{Fmt.Rate(1e9 / poolNs)} ({poolBytes:0} B allocated/call)"],
        ]);
    }
}
