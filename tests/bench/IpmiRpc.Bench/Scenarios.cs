using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Bench;

public static class Scenarios
{
    private const int Warmup = 3000;

    private static readonly string[] LatencyHeader = ["client", "how", "n", "median", "p99", "CPU per request / sweep", "peer ÷ ipmirpc (median)"];

    private sealed record Row(string Client, string How, Stats S, double CpuMs = double.NaN, bool Reference = false);

    private static IEnumerable<string[]> Render(IEnumerable<Row> rows, Stats reference) => rows.Select(r => new[]
    {
        r.Client, r.How, r.S.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(r.S.Median), Fmt.Ms(r.S.P99), Fmt.Ms(r.CpuMs),
        r.Reference ? "(reference)" : Fmt.Ratio(r.S.Median / reference.Median),
    });

    /// <summary>
    /// Scenarios 1–2's server: framework-dependent, or NativeAOT with BENCH_BURST_SERVER=aot (no JIT tiering at all).
    /// With BENCH_BURST_DIAG the framework-dependent one loads this assembly as a startup hook (runtime counters per round).
    /// </summary>
    private static (string Label, string Exe, Dictionary<string, string> Env, string? DiagSocket) BurstServer(BenchOptions o, Dictionary<string, string> env, bool diag)
    {
        var aot = Environment.GetEnvironmentVariable("BENCH_BURST_SERVER") == "aot";
        if (aot && o.Aot is null)
        {
            throw new ArgumentException("BENCH_BURST_SERVER=aot needs the NativeAOT build (run.sh without BENCH_AOT=0)");
        }

        var serverEnv = new Dictionary<string, string>(env);
        string? socket = null;
        if (diag && !aot)
        {
            socket = Path.Combine(o.WorkDir, $"diag-{Environment.ProcessId}.sock");
            File.Delete(socket);
            serverEnv["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
            serverEnv["BENCH_DIAG_SOCKET"] = socket;
            if (Environment.GetEnvironmentVariable("BENCH_BURST_JIT_FILE") is { Length: > 0 } jitFile)
            {
                serverEnv["BENCH_DIAG_JIT_FILE"] = jitFile;
            }
        }

        // Runtime knobs for the server alone (not the driver): BENCH_BURST_SERVER_ENV="DOTNET_X=1,DOTNET_Y=2".
        foreach (var pair in (Environment.GetEnvironmentVariable("BENCH_BURST_SERVER_ENV") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            serverEnv[pair[..eq]] = pair[(eq + 1)..];
        }

        if (diag && Environment.GetEnvironmentVariable("BENCH_BURST_PERF") == "1")
        {
            serverEnv["DOTNET_PerfMapEnabled"] = "1";
        }

        return aot ? ("NativeAOT", o.Aot!, serverEnv, null) : ("framework-dependent", o.Fdd, serverEnv, socket);
    }

    private static string[] IpmiToolArgs(int port, params string[] command) =>
        ["-I", "lanplus", "-C", "3", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "ipmiusr", "-E", .. command];

    // tests/fixtures/ipmi_sim/peers.md: -W opensesspriv because ipmi_sim echoes privilege 0 in its Open Session Response. The password is
    // the test-only "test" (FreeIPMI tools take it on argv; nothing real is exposed).
    private static string[] FreeIpmiArgs(string host) =>
        ["-D", "LAN_2_0", "-h", host, "-u", "ipmiusr", "-p", "test", "-l", "ADMIN", "-I", "3", "-W", "opensesspriv"];

    // ---- 1 + 2 ----------------------------------------------------------------------------------------------------
    public static async Task SequentialAndPipelinedAsync(BenchOptions o, Dictionary<string, string> env, int port, Report report, Func<double> simulatorCpuMs, Func<double> simulatorWaitMs)
    {
        var n = o.Sequential;
        var p = Json.TargetParams(port);
        var rawParams = $"{{\"target\":{Json.Target(port)},\"command\":\"GetDeviceId\"}}";
        var rows = new List<Row>();
        var throughput = new List<(string Client, string How, double PerSecond)>();

        // ipmirpc: one process, one pooled session, one request at a time (client-observed: JSON over pipes included).
        Stats rpcSeq;
        var burstDiag = Environment.GetEnvironmentVariable("BENCH_BURST_DIAG") == "1";
        var (serverLabel, serverExe, serverEnv, diagSocket) = BurstServer(o, env, burstDiag);
        await using (var rpc = RpcClient.Start(serverExe, o.PidFile, serverEnv))
        {
            await WarmAsync(rpc, "bmc.getDeviceId", p, Warmup);
            var cpu0 = rpc.CpuMs;
            var run0 = ProcStatus.RunTimeMs(rpc.Pid);
            rpcSeq = Stats.Of(await SequentialAsync(rpc, "bmc.getDeviceId", p, n));
            var seqRunPerRequest = (ProcStatus.RunTimeMs(rpc.Pid) - run0) / n;
            rows.Add(new Row("ipmirpc", $"`bmc.getDeviceId`, one process, pooled session{(serverExe == o.Fdd ? "" : $" ({serverLabel})")}", rpcSeq, (rpc.CpuMs - cpu0) / n, Reference: true));
            throughput.Add(("ipmirpc", "sequential (1/mean)", 1000 / rpcSeq.Mean));
            cpu0 = rpc.CpuMs;
            var raw = Stats.Of(await SequentialAsync(rpc, "ipmi.requestResponse", rawParams, n));
            rows.Add(new Row("ipmirpc", "`ipmi.requestResponse` GetDeviceId, same process", raw, (rpc.CpuMs - cpu0) / n));

            // 2: everything written at once.
            var calls = Enumerable.Repeat(("bmc.getDeviceId", p), n).ToArray();
            // Untimed bursts first (BENCH_BURST_WARMUP=N: exactly N). The sequential warm-up never has more than one request
            // in flight, so the code of a full window (queued waiters, answers past unanswered ones) is still at tier 0
            // until a burst has run it; and the framework-dependent server's tiering holds call counting and tier-1
            // compilation back while any new method is still being compiled at tier 0, so after one untimed burst
            // hundreds of methods still reached tier 1 during the timed rounds, and those rounds were the slow ones
            // (README, "Fourth pass: burst evenness"). More untimed bursts absorb part of it; NativeAOT
            // (BENCH_BURST_SERVER=aot) has none. The driver tiers up too, and its tier-up in the timed rounds took up to
            // 40 ms of a core in a round from the two the server runs on: the code it runs once a round (a batch's
            // set-up and checks, the diagnostics) reaches tier 1 only after 30 calls, so at least 40 untimed bursts
            // (~2 s), then more until two in a row compile nothing.
            var fixedWarmupBursts = int.TryParse(Environment.GetEnvironmentVariable("BENCH_BURST_WARMUP"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) ? Math.Max(1, w) : (int?)null;
            var coldRounds = new List<double>();
            var coldBad = 0;
            var diagnosis = burstDiag ? await BurstDiagnosis.StartAsync(rpc, simulatorCpuMs, simulatorWaitMs, diagSocket) : null;

            // One round, untimed or timed alike: code the driver first runs in the timed rounds is compiled and tiered
            // up there, on the cores the server needs (a per-round CPU reading added only to the timed rounds cost the
            // driver 18–36 ms in the slowest round). Each round's CPU of both processes is read outside the timed part:
            // the simulator does the same work every round, so a round where its CPU rose too is one where the machine,
            // not ipmirpc, was slower (README, "Eighth pass: burst evenness").
            async Task<BurstRound> RoundAsync()
            {
                var (rpcCpu0, simulatorCpu0, driverCpu0, rpcWait0) = (ProcStatus.RunTimeMs(rpc.Pid), simulatorCpuMs(), ProcStatus.RunTimeMs(Environment.ProcessId), ProcStatus.RunQueueWaitMs(rpc.Pid));
                var start = Stopwatch.GetTimestamp();
                var answers = await rpc.CallManyAsync(calls, TimeSpan.FromSeconds(60));
                var end = Stopwatch.GetTimestamp();
                var round = new BurstRound(
                    Stopwatch.GetElapsedTime(start, end).TotalMilliseconds, answers.Count(a => !Json.IsResult(a)), n - answers.Length,
                    ProcStatus.RunTimeMs(rpc.Pid) - rpcCpu0, simulatorCpuMs() - simulatorCpu0, ProcStatus.RunTimeMs(Environment.ProcessId) - driverCpu0, ProcStatus.RunQueueWaitMs(rpc.Pid) - rpcWait0,
                    start, end);
                return diagnosis is null ? round : round with { Diagnosis = await diagnosis.SinceLastAsync() };
            }

            await WarmUntilJitQuietAsync(async () =>
            {
                var cold = await RoundAsync();
                coldRounds.Add(cold.ElapsedMs);
                if (cold.Diagnosis is { } text)
                {
                    Console.Error.WriteLine($"untimed burst {coldRounds.Count - 1}: {Fmt.Ms(cold.ElapsedMs)}; {text[..text.IndexOf('\n', StringComparison.Ordinal)]}");
                }

                coldBad += cold.Errors + cold.Missing;
            }, 40, fixedWarmupBursts);

            var coldRound = $"{coldRounds.Count} untimed, first {Fmt.Ms(coldRounds[0])}, median {Fmt.Ms(Stats.Of(coldRounds).Median)}";
            cpu0 = rpc.CpuMs;
            var burstDrops0 = ProcStatus.UdpRcvbufErrors();
            var burstLost = coldBad;
            using var perf = diagnosis is not null ? BurstPerf.Start(rpc.Pid, o.WorkDir) : null;
            if (diagnosis is not null)
            {
                await diagnosis.SinceLastAsync(); // the timed rounds' baseline
            }

            var timed = new List<BurstRound>();
            for (var round = 0; round < o.Rounds; round++)
            {
                var r = await RoundAsync();
                if (r.Diagnosis is { } text)
                {
                    Console.Error.WriteLine($"burst round {round}: {Fmt.Ms(r.ElapsedMs)}; {text}");
                    if (perf is not null)
                    {
                        Console.Error.WriteLine($"  perf window: --time {BurstPerf.Seconds(r.Start)},{BurstPerf.Seconds(r.End)}");
                    }
                }

                burstLost += r.Errors + r.Missing;
                if (r.Errors > 0)
                {
                    report.Fail($"pipelined round {round}: {r.Errors} of {n} answers were errors ({rpc.LastError})");
                }

                timed.Add(r);
            }

            var pipelined = timed.Select(r => r.ElapsedMs).ToList();

            var pipelinedCpu = (rpc.CpuMs - cpu0) / (n * o.Rounds);
            if (burstDiag)
            {
                Console.Error.WriteLine("burst rounds (ms): " + string.Join(", ", pipelined.Select(Fmt.Ms)));
                Console.Error.WriteLine("burst sessions: " + await rpc.CallAsync("sessions.list", "{}"));
            }

            var ps = Stats.Of(pipelined);
            var burstDrops = ProcStatus.UdpRcvbufErrors() - burstDrops0;
            var (fastest, slowest) = (timed[pipelined.IndexOf(ps.Min)], timed[pipelined.IndexOf(ps.Max)]);
            report.Target($"Burst: {n} requests at once, {o.Rounds} rounds ({serverLabel} server): slowest round ≤ 1.5× the fastest, 0 lost",
                $"fastest {Fmt.Ms(ps.Min)}, slowest {Fmt.Ms(ps.Max)} ({Fmt.Ratio(ps.Max / ps.Min)}); {burstLost} lost or failed; UDP RcvbufErrors +{burstDrops}; {Fmt.Ratio(n * 1000 / ps.Median / (1000 / rpcSeq.Mean))} the sequential rate; " +
                $"fastest and slowest rounds' CPU: ipmirpc {Fmt.Ms(fastest.RpcCpuMs)} and {Fmt.Ms(slowest.RpcCpuMs)} (its threads waiting for a core {Fmt.Ms(fastest.RpcWaitMs)} and {Fmt.Ms(slowest.RpcWaitMs)}), " +
                $"ipmi_sim {Fmt.Ms(fastest.SimulatorCpuMs)} and {Fmt.Ms(slowest.SimulatorCpuMs)}, bench driver {Fmt.Ms(fastest.DriverCpuMs)} and {Fmt.Ms(slowest.DriverCpuMs)} (the same work every round)",
                ps.Max <= 1.5 * ps.Min && burstLost == 0);
            throughput.Insert(0, ("ipmirpc", $"{n} requests written at once, one session, {serverLabel} server ({o.Rounds} rounds after {coldRound}; median round {Fmt.Ms(ps.Median)}; ipmirpc CPU {Fmt.Ms(pipelinedCpu)} per request)", n * 1000 / ps.Median));
            CheckErrors(rpc, report, "ipmirpc sequential/pipelined");
            report.Note($"ipmirpc ({serverLabel}) peak RSS after scenarios 1–2 (one session): {rpc.PeakRssKb / 1024} MB.");
            report.Note(string.Create(CultureInfo.InvariantCulture, $"ipmirpc ({serverLabel}) CPU per sequential `bmc.getDeviceId` from schedstat (ns): {seqRunPerRequest:0.0000} ms."));
        }

        if (o.Only is not null && !o.Only.Contains('1'))
        {
            // Scenario 2 alone (burst experiments): its table without the peers' sequential runs, which take minutes.
            report.Section("2. Pipelined throughput",
                $"{n} `bmc.getDeviceId` requests written to one ipmirpc in a single write, time until the last answer; compared with ipmirpc's own sequential rate (scenario 1's peers not run).");
            report.Table(["client", "how", "requests/s"], throughput.Select(t => new[] { t.Client, t.How, Fmt.Rate(t.PerSecond) }));
            return;
        }

        foreach (var (label, exe) in new[] { ("ReadyToRun", o.R2r), ("NativeAOT", o.Aot) })
        {
            if (exe is null)
            {
                continue;
            }

            await using var other = RpcClient.Start(exe, o.PidFile, env);
            await WarmAsync(other, "bmc.getDeviceId", p, Warmup);
            var cpu0 = other.CpuMs;
            rows.Add(new Row($"ipmirpc ({label})", "`bmc.getDeviceId`, one process, pooled session", Stats.Of(await SequentialAsync(other, "bmc.getDeviceId", p, n)), (other.CpuMs - cpu0) / n));
            CheckErrors(other, report, $"ipmirpc {label} sequential");
        }

        // pyghmi: one persistent session in one Python process.
        var py = await Proc.RunAsync("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "pyghmi_seq.py"), port.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), "200"], env, TimeSpan.FromMinutes(5));
        Stats? pyStats = null;
        if (py.ExitCode == 0)
        {
            using var doc = JsonDocument.Parse(py.StdOut);
            var lat = doc.RootElement.GetProperty("lat_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            pyStats = Stats.Of(lat);
            rows.Add(new Row("pyghmi", "`raw_command`, one persistent session", pyStats, doc.RootElement.GetProperty("cpu_ms").GetDouble() / n));
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

        // A Python client driving ipmirpc over stdin/stdout (what the Ansible module_utils do), one request at a time.
        var pyClients = new List<(string Label, Stats S, double ServerCpuMs)>();
        foreach (var (label, exe) in new[] { ("framework-dependent", o.Fdd), ("NativeAOT", o.Aot) })
        {
            if (exe is null)
            {
                continue;
            }

            var pc = await Proc.RunAsync("/usr/bin/python3", [Path.Combine(AppContext.BaseDirectory, "ipmirpc_client_seq.py"), exe, port.ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), Warmup.ToString(CultureInfo.InvariantCulture)], env, TimeSpan.FromMinutes(5));
            if (pc.ExitCode != 0)
            {
                report.Fail($"Python client over stdio ({label}): exit {pc.ExitCode}: {Tail(pc.StdErr)}");
                continue;
            }

            using var doc = JsonDocument.Parse(pc.StdOut);
            var stats = Stats.Of(doc.RootElement.GetProperty("lat_ms").EnumerateArray().Select(e => e.GetDouble()).ToArray());
            var serverCpu = doc.RootElement.GetProperty("server_cpu_ms").GetDouble() / n;
            pyClients.Add((label, stats, serverCpu));
            rows.Add(new Row($"Python client → ipmirpc ({label})", "`bmc.getDeviceId` over stdin/stdout, one at a time (as module_utils); CPU: the ipmirpc process", stats, serverCpu));
            if (doc.RootElement.GetProperty("errors").GetInt32() > 0)
            {
                report.Fail($"Python client over stdio ({label}): {doc.RootElement.GetProperty("errors").GetInt32()} errors");
            }
        }

        if (pyStats is not null && rows.FirstOrDefault(r => r.Client == "pyghmi") is { } pyRow)
        {
            var pyCpu = pyRow.CpuMs;
            var cpuRatios = rows.Where(r => r.Client.StartsWith("ipmirpc", StringComparison.Ordinal) && r.How.StartsWith("`bmc.getDeviceId`", StringComparison.Ordinal))
                .Select(r => $"{r.Client} {Fmt.Ms(r.CpuMs)} = {Fmt.Ratio(r.CpuMs / pyCpu)}").ToList();
            var bestCpu = rows.Where(r => r.Client.StartsWith("ipmirpc", StringComparison.Ordinal) && r.How.StartsWith("`bmc.getDeviceId`", StringComparison.Ordinal)).Min(r => r.CpuMs);
            report.Target("Issue 16: CPU per sequential request in the ipmirpc process ≤ 0.5× pyghmi's",
                $"pyghmi {Fmt.Ms(pyCpu)}; " + string.Join("; ", cpuRatios), bestCpu / pyCpu <= 0.5);
            foreach (var (label, stats, _) in pyClients)
            {
                report.Target($"Issue 16: Python client over stdio ({label}): median ≤ 1.1× pyghmi's in-process median, p99 ≤ 3× it",
                    $"median {Fmt.Ms(stats.Median)} = {Fmt.Ratio(stats.Median / pyStats.Median)}, p99 {Fmt.Ms(stats.P99)} = {Fmt.Ratio(stats.P99 / pyStats.Median)} of pyghmi's {Fmt.Ms(pyStats.Median)} (p99 ÷ own median {Fmt.Ratio(stats.P99 / stats.Median)})",
                    stats.Median <= 1.1 * pyStats.Median && stats.P99 <= 3 * pyStats.Median);
            }
        }

        // ipmitool exec: one process, one session, n commands; only the mean per command is observable.
        var execFile = Path.Combine(o.WorkDir, $"exec-{port}.txt");
        await File.WriteAllTextAsync(execFile, string.Concat(Enumerable.Repeat("raw 6 1\n", n)));
        var execPer = new List<double>();
        var execCpu = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            var (r, _, cpu) = await Proc.RunTimedAsync("ipmitool", IpmiToolArgs(port, "exec", execFile), env, TimeSpan.FromMinutes(2));
            execCpu.Add(cpu / n);
            if (r.ExitCode != 0)
            {
                report.Fail($"ipmitool exec: exit {r.ExitCode}: {r.StdErr}");
                break;
            }

            execPer.Add(r.ElapsedMs / n);
        }

        var execStats = Stats.Of(execPer);
        rows.Add(new Row("ipmitool", $"`exec FILE` of {n} `raw 6 1`: whole run ÷ {n} (session setup included; 3 runs, no per-request p99)", execStats with { P99 = double.NaN }, Stats.Of(execCpu).Median));
        throughput.Add(("ipmitool", $"`exec FILE`, {n} commands, one session", 1000 / execStats.Median));

        // Per process: fewer samples (each costs ~0.1 s).
        rows.Add(new Row("ipmitool", $"one process per command (`raw 6 1`; {o.ProcessSamples} samples)",
            await TimeProcessesAsync("ipmitool", IpmiToolArgs(port, "raw", "6", "1"), env, o.ProcessSamples, report)));
        rows.Add(new Row("FreeIPMI `ipmi-raw`", $"one process per command ({o.ProcessSamples} samples)",
            await TimeProcessesAsync("ipmi-raw", [.. FreeIpmiArgs($"127.0.0.1:{port}"), "0", "6", "1"], env, o.ProcessSamples, report)));

        report.Section("1. Sequential latency: Get Device ID, one at a time",
            $"One `ipmi_sim` on 127.0.0.1:{port}. ipmirpc latency is what its client sees: request line written to stdin → response line read from stdout. " +
            $"{n} requests per persistent-session client after warm-up ({Warmup} for ipmirpc, 200 for pyghmi); one-process-per-command tools sampled {o.ProcessSamples} times each. " +
            "CPU per request: user+system time of the client process (ipmirpc: the server process; pyghmi: `time.process_time`; ipmitool exec: GNU time ÷ commands).");
        report.Table(LatencyHeader, Render(rows, rpcSeq));

        report.Section("2. Pipelined throughput",
            $"{n} `bmc.getDeviceId` requests written to one ipmirpc in a single write, time until the last answer; compared with the peers' best sequential rate over one session.");
        var best = throughput[0].PerSecond;
        report.Table(["client", "how", "requests/s", "ipmirpc ÷ this"], throughput.Select(t => new[]
        {
            t.Client, t.How, Fmt.Rate(t.PerSecond), t == throughput[0] ? "(reference)" : Fmt.Ratio(best / t.PerSecond),
        }));

        var aotSeq = rows.FirstOrDefault(r => r.Client == "ipmirpc (NativeAOT)")?.S;
        string Also(Func<Stats, string> f) => aotSeq is null ? "" : "; NativeAOT server " + f(aotSeq);
        if (pyStats is not null)
        {
            var ratio = rpcSeq.Median / pyStats.Median;
            report.Target("Sequential latency within 1.3× of pyghmi's persistent session",
                $"framework-dependent {Fmt.Ms(rpcSeq.Median)} vs pyghmi {Fmt.Ms(pyStats.Median)} median = {Fmt.Ratio(ratio)} (p99 {Fmt.Ms(rpcSeq.P99)} vs {Fmt.Ms(pyStats.P99)})"
                + Also(a => $"{Fmt.Ms(a.Median)} = {Fmt.Ratio(a.Median / pyStats.Median)}"),
                Math.Min(ratio, aotSeq?.Median / pyStats.Median ?? double.MaxValue) <= 1.3);
        }

        var perProcess = rows.First(r => r.Client == "ipmitool" && r.How.StartsWith("one process", StringComparison.Ordinal)).S;
        var vsIpmitool = perProcess.Median / rpcSeq.Median;
        report.Target("Sequential ≥ 100× faster than ipmitool per process",
            $"{Fmt.Ms(perProcess.Median)} vs framework-dependent {Fmt.Ms(rpcSeq.Median)} = {Fmt.Ratio(vsIpmitool)}" + Also(a => $"{Fmt.Ms(a.Median)} = {Fmt.Ratio(perProcess.Median / a.Median)}"),
            Math.Max(vsIpmitool, aotSeq is null ? 0 : perProcess.Median / aotSeq.Median) >= 100);
    }

    private static async Task<double> AllocatedPerCallAsync(RpcClient rpc, string p, int count)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await WarmAsync(rpc, "bmc.getDeviceId", p, count);
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)count;
    }

    /// <summary>
    /// BENCH_HEAP_DUMP=FILE: every object 10,000 sequential requests allocate, exactly (the sampled BENCH_ALLOC_DIAG
    /// moves by 2× for the smaller types). A full collection empties the heap of garbage, a no-GC region keeps every
    /// object the requests allocate, dead or alive, and the runtime's createdump writes the heap to FILE:
    /// `dotnet-dump analyze FILE -c "dumpheap -stat"` then counts them by type (client and host together).
    /// </summary>
    private static async Task DumpRequestsHeapAsync(RpcClient rpc, string p, string file)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (!GC.TryStartNoGCRegion(200_000_000))
        {
            throw new InvalidOperationException("no-GC region refused");
        }

        var collections = GC.CollectionCount(0);
        await WarmAsync(rpc, "bmc.getDeviceId", p, 10_000);
        var createdump = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "createdump");
        using (var dump = Process.Start(createdump, ["--withheap", "-f", file, Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]))
        {
            await dump.WaitForExitAsync();
        }

        Console.Error.WriteLine($"heap dump of 10,000 requests: {file} (gen0 collections meanwhile: {GC.CollectionCount(0) - collections})");
        if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
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
            report.Fail($"{what}: {rpc.Errors} error responses, last {rpc.LastError}; ipmirpc stderr: {Tail(rpc.StdErr)}");
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

    // ---- 7 (diagnostic, not in the default run): runtime knobs A/B on the framework-dependent server ------------------
    public static async Task RuntimeKnobsAsync(BenchOptions o, Dictionary<string, string> env, int port, Report report)
    {
        var variants = new (string Name, Dictionary<string, string> Env)[]
        {
            ("defaults", new(env)),
            ("TieredPGO=0", new(env) { ["DOTNET_TieredPGO"] = "0" }),
            ("UnfairSemaphoreSpinLimit=0", new(env) { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }),
            ("both", new(env) { ["DOTNET_TieredPGO"] = "0", ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" }),
            ("both + GCgen0size 4 MB", new(env) { ["DOTNET_TieredPGO"] = "0", ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0", ["DOTNET_GCgen0size"] = "400000" }),
        };
        var p = Json.TargetParams(port);
        var rows = new List<string[]>();
        var calls = Enumerable.Repeat(("bmc.getDeviceId", p), o.Sequential).ToArray();
        for (var rep = 0; rep < 2; rep++)
        {
            foreach (var (name, venv) in variants)
            {
                await using var rpc = RpcClient.Start(o.Fdd, o.PidFile, venv);
                var cpuStart = rpc.CpuMs;
                await WarmAsync(rpc, "bmc.getDeviceId", p, Warmup);
                var warmCpu = rpc.CpuMs - cpuStart;
                var cpu0 = rpc.CpuMs;
                var seq = Stats.Of(await SequentialAsync(rpc, "bmc.getDeviceId", p, o.Sequential));
                var seqCpu = (rpc.CpuMs - cpu0) / o.Sequential;
                cpu0 = rpc.CpuMs;
                var sw = Stopwatch.StartNew();
                await rpc.CallManyAsync(calls, TimeSpan.FromSeconds(60));
                var piped = sw.Elapsed.TotalMilliseconds;
                var pipedCpu = (rpc.CpuMs - cpu0) / o.Sequential;
                rows.Add([name, rep.ToString(CultureInfo.InvariantCulture), Fmt.Ms(warmCpu), Fmt.Ms(seq.Median), Fmt.Ms(seq.P99), Fmt.Ms(seqCpu), Fmt.Ms(piped), Fmt.Ms(pipedCpu), (rpc.PeakRssKb / 1024).ToString(CultureInfo.InvariantCulture) + " MB"]);
                CheckErrors(rpc, report, "knobs " + name);
            }
        }

        report.Section("7. Runtime knobs (framework-dependent server)", $"Warm-up {Warmup} requests, then {o.Sequential} sequential and {o.Sequential} pipelined; two repetitions, interleaved.");
        report.Table(["variant", "rep", "warm-up CPU", "seq median", "seq p99", "seq CPU/request", "pipelined round", "pipelined CPU/request", "peak RSS"], rows);
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
        var cpus = variants.Select(_ => new List<double>()).ToArray();
        var rss = variants.Select(_ => 0L).ToArray();
        var failed = new bool[variants.Count];
        // Interleaved so drift in machine load hits every variant alike; the first round is an untimed warm-up (page cache).
        for (var i = 0; i <= o.ColdSamples; i++)
        {
            for (var v = 0; v < variants.Count; v++)
            {
                if (failed[v])
                {
                    continue;
                }

                var (r, maxRss, cpu) = await Proc.RunTimedAsync(variants[v].File, variants[v].Args, env, TimeSpan.FromSeconds(30));
                if (r.ExitCode != 0)
                {
                    failed[v] = true;
                    report.Fail($"cold start {variants[v].Name}: exit {r.ExitCode}: {Head(r.StdErr)}");
                    continue;
                }

                rss[v] = Math.Max(rss[v], maxRss);
                if (i > 0)
                {
                    times[v].Add(r.ElapsedMs);
                    cpus[v].Add(cpu);
                }
            }
        }

        var stats = times.Select(t => Stats.Of(t)).ToArray();
        var ipmitool = stats[0];
        report.Section("4. Cold start: process start to exit for one Get Device ID",
            $"{o.ColdSamples} timed runs each after one untimed warm-up run, variants interleaved, every run under GNU `time` (peak RSS, CPU). Every run opens and closes its own RMCP+ session.");
        report.Table(["variant", "n", "median", "p99", "CPU (median)", "peak RSS", "÷ ipmitool (median; ≤ 1× = no slower)"], variants.Select((v, i) => new[]
        {
            v.Name, stats[i].Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(stats[i].Median), Fmt.Ms(stats[i].P99), Fmt.Ms(Stats.Of(cpus[i]).Median), rss[i] > 0 ? $"{rss[i] / 1024} MB" : "–",
            i == 0 ? "(reference)" : Fmt.Ratio(stats[i].Median / ipmitool.Median),
        }));

        var bestRpc = Enumerable.Range(2, variants.Count - 2).Where(i => stats[i].Count > 0).OrderBy(i => stats[i].Median).FirstOrDefault();
        if (bestRpc >= 2)
        {
            report.Target("Cold start no slower than one ipmitool run",
                $"best `ipmirpc call` ({variants[bestRpc].Name.Split(": ")[^1]}) {Fmt.Ms(stats[bestRpc].Median)} vs ipmitool {Fmt.Ms(ipmitool.Median)} = {Fmt.Ratio(stats[bestRpc].Median / ipmitool.Median)}; framework-dependent {Fmt.Ratio(stats[2].Median / ipmitool.Median)}",
                stats[bestRpc].Median <= ipmitool.Median);
        }

        if (variants.FindIndex(v => v.Name.EndsWith("NativeAOT", StringComparison.Ordinal)) is var aot and >= 2 && stats[aot].Count > 0)
        {
            report.Target("Issue 16: cold start of the NativeAOT `ipmirpc call` ≤ 0.8× one ipmitool run (≥ 30 interleaved runs)",
                $"{Fmt.Ms(stats[aot].Median)} vs ipmitool {Fmt.Ms(ipmitool.Median)} = {Fmt.Ratio(stats[aot].Median / ipmitool.Median)} over {stats[aot].Count} runs",
                stats[aot].Median <= 0.8 * ipmitool.Median && stats[aot].Count >= 30);
        }
    }

    // ---- 3 + 5 ----------------------------------------------------------------------------------------------------
    public static async Task FleetAsync(BenchOptions o, Dictionary<string, string> env, SimFleet fleet, int n, Report report)
    {
        var ports = fleet.Ports.Take(n).ToArray();
        var calls = ports.Select(port => ("lan.getConfiguration", Json.TargetParams(port))).ToArray();
        var rows = new List<Row>();
        var rounds = o.Rounds;
        var processRounds = Math.Max(2, rounds / 2);

        // ipmirpc, one long-running process per build: warmed up first (JIT; a service has done this long before), then
        // sweeps that open every session (after sessions.close), then sweeps over the pooled sessions.
        var ids = ports.Select(port => ("bmc.getDeviceId", Json.TargetParams(port))).ToArray();
        var servers = new List<(string Label, Stats Fresh, long PeakKb, long RssKb)>();
        foreach (var (label, exe) in new[] { ("framework-dependent", o.Fdd), ("NativeAOT", o.Aot) })
        {
            if (exe is null)
            {
                continue;
            }

            var r = await LongRunningSweepsAsync(exe, env, o, calls, ids, n, report);
            var suffix = label == "framework-dependent" ? "" : $" ({label})";
            rows.Add(new Row("ipmirpc" + suffix, $"running process (warm), {n} requests at once, sessions opened by the sweep", r.Fresh, r.FreshCpu, Reference: servers.Count == 0));
            rows.Add(new Row("ipmirpc" + suffix, "same process, pooled sessions", r.Pooled, r.PooledCpu));
            rows.Add(new Row("ipmirpc" + suffix, $"breakdown: `bmc.getDeviceId` to {n} BMCs, sessions opened by it", r.Opens, r.OpensCpu));
            servers.Add((label, r.Fresh, r.PeakKb, r.RssKb));
        }

        var freshStats = servers[0].Fresh;

        // ipmirpc as a pipe: process start → all answers → sessions closed → exit (what a cron job would see).
        var requests = string.Concat(calls.Select((c, i) =>
            $"{{\"jsonrpc\":\"2.0\",\"id\":{i + 1},\"method\":\"{c.Item1}\",\"params\":{c.Item2}}}\n"));
        var pipeRss = new List<(string, long)>();
        var pipeRows = new List<(string Label, Stats S)>();
        foreach (var (label, exe) in new[] { ("framework-dependent", o.Fdd), ("ReadyToRun", o.R2r), ("NativeAOT", o.Aot) })
        {
            if (exe is null)
            {
                continue;
            }

            var times = new List<double>();
            var cpus = new List<double>();
            long maxRss = 0;
            for (var round = 0; round < processRounds; round++)
            {
                var (r, kb, cpu) = await Proc.RunTimedAsync(exe, ["--framing", "ndjson"], env, TimeSpan.FromMinutes(2), requests);
                var answers = r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var good = answers.Count(Json.IsResult);
                if (r.ExitCode != 0 || good != n)
                {
                    report.Fail($"fleet {n} pipe ({label}): exit {r.ExitCode}, {good}/{n} results; {Head(r.StdErr)}");
                    break;
                }

                times.Add(r.ElapsedMs);
                cpus.Add(cpu);
                maxRss = Math.Max(maxRss, kb);
            }

            var st = Stats.Of(times);
            rows.Add(new Row("ipmirpc", $"`ipmirpc < {n} requests` ({label}): process start → exit, sessions opened and closed", st, Stats.Of(cpus).Median));
            pipeRows.Add((label, st));
            pipeRss.Add((label, maxRss));
        }

        // ipmitool, one process per BMC, all in parallel.
        var portList = string.Join(' ', ports);
        var ipmitoolTimes = new List<double>();
        var ipmitoolCpu = new List<double>();
        for (var round = 0; round < processRounds; round++)
        {
            var (r, _, cpu) = await Proc.RunTimedAsync("/bin/bash", ["-c",
                $"printf '%s\\n' {portList} | xargs -P {n} -I PORT ipmitool -I lanplus -C 3 -H 127.0.0.1 -p PORT -U ipmiusr -E lan print 1 | grep -c '^IP Address  '"],
                env, TimeSpan.FromMinutes(3));
            if (r.ExitCode != 0 || r.StdOut.Trim() != n.ToString(CultureInfo.InvariantCulture))
            {
                report.Fail($"fleet {n} ipmitool: exit {r.ExitCode}, {r.StdOut.Trim()}/{n} answers; {Head(r.StdErr)}");
                break;
            }

            ipmitoolTimes.Add(r.ElapsedMs);
            ipmitoolCpu.Add(cpu);
        }

        var ipmitoolStats = Stats.Of(ipmitoolTimes);
        rows.Add(new Row("ipmitool", $"`lan print 1`, one process per BMC, `xargs -P {n}`", ipmitoolStats, Stats.Of(ipmitoolCpu).Median));

        // FreeIPMI's own fan-out over a host range (contiguous ports).
        var freeipmiTimes = new List<double>();
        var freeipmiCpu = new List<double>();
        var ipLine = new System.Text.RegularExpressions.Regex(@"(^|[\s:])IP_Address\s");
        for (var round = 0; round < processRounds; round++)
        {
            var (r, _, cpu) = await Proc.RunTimedAsync("ipmi-config",
                [.. FreeIpmiArgs($"127.0.0.1:[{ports[0]}-{ports[^1]}]"), "-F", n.ToString(CultureInfo.InvariantCulture), "--checkout", "--section=Lan_Conf"],
                env, TimeSpan.FromMinutes(3));
            var answered = r.StdOut.Split('\n').Count(l => ipLine.IsMatch(l));
            if (r.ExitCode != 0 || answered != n)
            {
                report.Fail($"fleet {n} FreeIPMI: exit {r.ExitCode}, {answered}/{n} answers; {Head(r.StdErr)}");
                break;
            }

            freeipmiTimes.Add(r.ElapsedMs);
            freeipmiCpu.Add(cpu);
        }

        var freeipmiStats = Stats.Of(freeipmiTimes);
        rows.Add(new Row("FreeIPMI", $"`ipmi-config --checkout --section=Lan_Conf -h 127.0.0.1:[range] -F {n}`", freeipmiStats, Stats.Of(freeipmiCpu).Median));

        report.Section($"3. Fleet sweep: `lan.getConfiguration` from {n} BMCs",
            $"{n} `ipmi_sim` on contiguous loopback ports; wall time for the whole sweep, {processRounds} rounds per row ({rounds} for pooled). " +
            "A running ipmirpc is first warmed up with sweeps for at least 3 s (what a long-running service has long done; the JIT's tier-1 code is then in place). " +
            "ipmirpc reads every parameter `lan.getConfiguration` decodes (channel lookup included); `ipmitool lan print` and FreeIPMI's Lan_Conf section read their own sets. " +
            "CPU column: user+system time of the whole sweep (ipmirpc process; for the peers every process they ran), not counting the simulators.");
        report.Table(LatencyHeader, Render(rows, freshStats));

        var bestPipe = pipeRows.Count > 0 ? pipeRows.MinBy(x => x.S.Median) : ("–", freshStats);
        var bestPeer = Math.Min(ipmitoolStats.Count > 0 ? ipmitoolStats.Median : double.MaxValue, (freeipmiStats.Count > 0 ? freeipmiStats.Median : double.MaxValue));
        var fastest = servers.MinBy(x => x.Fresh.Median);
        report.Target($"Fleet sweep ({n} BMCs) faster than every peer",
            string.Join("; ", servers.Select(x => $"{x.Label} {Fmt.Ms(x.Fresh.Median)}")) + $" (running, new sessions); best pipe run incl. process start {Fmt.Ms(bestPipe.Item2.Median)} ({bestPipe.Item1}); best peer {Fmt.Ms(bestPeer)}",
            fastest.Fresh.Median < bestPeer);
        report.Target($"Fleet sweep ({n} BMCs) ≥ 10× faster than parallel ipmitool",
            string.Join("; ", servers.Select(x => $"{x.Label} {Fmt.Ratio(ipmitoolStats.Median / x.Fresh.Median)}")) + $" (running process, new sessions); {Fmt.Ratio(ipmitoolStats.Median / bestPipe.Item2.Median)} for the best pipe run incl. process start",
            ipmitoolStats.Median / fastest.Fresh.Median >= 10);

        // 5: memory.
        report.Section($"5. Memory with {n} sessions open",
            "Peak RSS (VmHWM) of the long-running ipmirpc of section 3 at its end, every session still open (peak over all its sweeps); pipe runs measured with GNU `time`.");
        var memRows = servers.Select(x => new[] { $"ipmirpc {x.Label}, running, sessions open", $"{x.PeakKb / 1024} MB", $"{x.RssKb / 1024} MB" }).ToList();
        memRows.AddRange(pipeRss.Select(x => new[] { $"`ipmirpc < requests` ({x.Item1})", $"{x.Item2 / 1024} MB", "–" }));
        report.Table(["process", "peak RSS", "RSS now"], memRows);
        var best = servers.MinBy(x => x.PeakKb);
        report.Target($"Memory ≤ 100 MB RSS with {n} sessions open",
            string.Join("; ", servers.Select(x => $"{x.Label} peak {x.PeakKb / 1024} MB")) + " (long-running process holding every session)",
            best.PeakKb <= 100 * 1024);
    }

    private sealed record SweepResult(Stats Fresh, double FreshCpu, Stats Pooled, double PooledCpu, Stats Opens, double OpensCpu, long PeakKb, long RssKb);

    private static async Task<SweepResult> LongRunningSweepsAsync(string exe, Dictionary<string, string> env, BenchOptions o,
        (string, string)[] calls, (string, string)[] ids, int n, Report report)
    {
        var rounds = o.Rounds;
        var fresh = new List<double>();
        var freshCpu = new List<double>();
        var pooled = new List<double>();
        var pooledCpu = new List<double>();
        var opens = new List<double>();
        var opensCpu = new List<double>();
        await using var rpc = RpcClient.Start(exe, o.PidFile, env);
        // Warm means what a service that has run a while is: the JIT's tier-1 code in place (it promotes a method after
        // 30 calls and a quiet 100 ms, in the background), so at least 3 rounds and at least 3 s of them.
        var warmUp = Stopwatch.StartNew();
        for (var w = 0; w < 3 || (warmUp.Elapsed < TimeSpan.FromSeconds(3) && w < 200); w++)
        {
            await SweepAsync(rpc, calls, n, report, "warm-up");
            await SweepAsync(rpc, ids, n, report, "warm-up");
            await rpc.CallAsync("sessions.close", "{}", TimeSpan.FromSeconds(60));
        }

        for (var round = 0; round < rounds; round++)
        {
            var cpu0 = rpc.CpuMs;
            fresh.Add(await SweepAsync(rpc, calls, n, report, "fresh"));
            freshCpu.Add(rpc.CpuMs - cpu0);
            cpu0 = rpc.CpuMs;
            pooled.Add(await SweepAsync(rpc, calls, n, report, "pooled"));
            pooledCpu.Add(rpc.CpuMs - cpu0);
            await rpc.CallAsync("sessions.close", "{}", TimeSpan.FromSeconds(60));
            // Where the fresh sweep's time goes: opening the sessions alone (one Get Device ID each).
            cpu0 = rpc.CpuMs;
            opens.Add(await SweepAsync(rpc, ids, n, report, "session-open"));
            opensCpu.Add(rpc.CpuMs - cpu0);
            if (round < rounds - 1)
            {
                await rpc.CallAsync("sessions.close", "{}", TimeSpan.FromSeconds(60));
            }
        }

        var listed = await rpc.CallAsync("sessions.list", "{}", TimeSpan.FromSeconds(30));
        using (var doc = JsonDocument.Parse(listed))
        {
            var open = doc.RootElement.GetProperty("result").GetArrayLength();
            if (open != n)
            {
                report.Fail($"fleet {n} ({exe}): sessions.list shows {open} sessions, expected {n}");
            }
        }

        var peakKb = rpc.PeakRssKb;
        var rssKb = rpc.RssKb;
        CheckErrors(rpc, report, $"fleet {n} ({exe})");
        var exit = await rpc.CloseAsync(TimeSpan.FromSeconds(30));
        if (exit != 0)
        {
            report.Fail($"fleet {n} ({exe}): ipmirpc exit {exit}");
        }

        return new SweepResult(Stats.Of(fresh), Stats.Of(freshCpu).Median, Stats.Of(pooled), Stats.Of(pooledCpu).Median, Stats.Of(opens), Stats.Of(opensCpu).Median, peakKb, rssKb);
    }

    private static async Task<double> SweepAsync(RpcClient rpc, (string, string)[] calls, int n, Report report, string what)
    {
        var sw = Stopwatch.StartNew();
        var answers = await rpc.CallManyAsync(calls, TimeSpan.FromMinutes(2));
        var elapsed = sw.Elapsed.TotalMilliseconds;
        var bad = answers.Count(a => !Json.IsResult(a));
        if (bad > 0)
        {
            report.Fail($"fleet {n} {what} sweep: {bad} errors ({rpc.LastError}); ipmirpc stderr: {Tail(rpc.StdErr)}");
        }

        return elapsed;
    }

    private static string Tail(string s) => s.Trim().Length <= 600 ? s.Trim() : "…" + s.Trim()[^600..];

    private static string Head(string s) => s.Trim().Length <= 400 ? s.Trim() : s.Trim()[..400];

    // ---- 8 --------------------------------------------------------------------------------------------------------

    /// <summary>
    /// Get Device ID from N BMCs (issue 15, item 3): one warm ipmirpc with N requests in one write, sessions opened by
    /// the sweep, then pooled; against FreeIPMI's own fan-out, ipmitool under xargs -P and pyghmi threads. Every row
    /// also reports the kernel's UDP receive-buffer drops during it.
    /// </summary>
    public static async Task ScaleAsync(BenchOptions o, Dictionary<string, string> env, SimFleet fleet, Report report)
    {
        var n = fleet.Count;
        var ports = fleet.Ports.ToArray();
        var ids = ports.Select(port => ("bmc.getDeviceId", Json.TargetParams(port))).ToArray();
        var rounds = Math.Max(2, o.Rounds / 2);
        var rows = new List<string[]>();
        string[] Row(string client, string how, Stats wall, double cpuMs, string rss, string fds, string threads, long drops, string answered) =>
            [client, how, Fmt.Ms(wall.Median), Fmt.Ms(wall.Max), Fmt.Ms(cpuMs), rss, fds, threads, drops.ToString(CultureInfo.InvariantCulture), answered];

        Stats rpcFresh;
        double rpcFreshCpu;
        await using (var rpc = RpcClient.Start(o.Fdd, o.PidFile, env))
        {
            // Memory per session, from a new process: RSS before any session, with 200 open, then with all N open.
            await MemoryLadderAsync(rpc, ids, report);

            // Warm: one sweep opening every session, closed again (the JIT's code for the paths in place).
            await rpc.CallAsync("sessions.close", "{}", TimeSpan.FromSeconds(120));
            await SweepAsync(rpc, ids, n, report, "scale warm-up");
            await rpc.CallAsync("sessions.close", "{}", TimeSpan.FromSeconds(120));
            var fresh = new List<double>();
            var freshCpu = new List<double>();
            var pooled = new List<double>();
            var pooledCpu = new List<double>();
            var drops0 = ProcStatus.UdpRcvbufErrors();
            var fdsPeak = 0;
            long threadsPeak = 0;
            var simCpu = new List<double>();
            var simWait = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var cpu0 = rpc.CpuMs;
                var (simCpu0, simWait0) = (fleet.TotalCpuMs(), fleet.TotalRunQueueWaitMs());
                fresh.Add(await SweepAsync(rpc, ids, n, report, "scale fresh"));
                freshCpu.Add(rpc.CpuMs - cpu0);
                simCpu.Add(fleet.TotalCpuMs() - simCpu0);
                simWait.Add(fleet.TotalRunQueueWaitMs() - simWait0);
                cpu0 = rpc.CpuMs;
                pooled.Add(await SweepAsync(rpc, ids, n, report, "scale pooled"));
                pooledCpu.Add(rpc.CpuMs - cpu0);
                fdsPeak = Math.Max(fdsPeak, ProcStatus.FdCount(rpc.Pid));
                threadsPeak = Math.Max(threadsPeak, ProcStatus.ReadKb(rpc.Pid, "Threads:"));
                if (round < rounds - 1)
                {
                    await rpc.CallAsync("sessions.close", "{}", TimeSpan.FromSeconds(120));
                }
            }

            var drops = ProcStatus.UdpRcvbufErrors() - drops0;
            var peakMb = $"{rpc.PeakRssKb / 1024} MB";
            rpcFresh = Stats.Of(fresh);
            rpcFreshCpu = Stats.Of(freshCpu).Median;
            rows.Add(Row("ipmirpc", $"{n} `bmc.getDeviceId` in one write, sessions opened by the sweep", rpcFresh, rpcFreshCpu, peakMb, fdsPeak.ToString(CultureInfo.InvariantCulture), threadsPeak.ToString(CultureInfo.InvariantCulture), drops, $"{n}"));
            rows.Add(Row("ipmirpc", "same process, pooled sessions", Stats.Of(pooled), Stats.Of(pooledCpu).Median, peakMb, "", "", 0, $"{n}"));
            report.Note($"Scale ({n} BMCs): ipmirpc held {n} sessions at {rpc.RssKb / 1024} MB RSS (peak {rpc.PeakRssKb / 1024} MB), {fdsPeak} fds, {threadsPeak} threads; the simulators together {fleet.TotalRssKb() / 1024} MB.");
            report.Note($"Scale ({n} BMCs), what bounds the sweep that opens the sessions: ipmirpc CPU {Fmt.Ms(rpcFreshCpu)} (median); the {n} simulators' CPU {Fmt.Ms(Stats.Of(simCpu).Median)} and their time runnable but waiting for a core {Fmt.Ms(Stats.Of(simWait).Median)} (summed over simulators) during the same sweep.");
            CheckErrors(rpc, report, $"scale {n}");
            await rpc.CloseAsync(TimeSpan.FromSeconds(60));
        }

        async Task<(Stats Wall, double Cpu, long RssKb, long Drops, int Worst)> PeerAsync(string label, Func<Task<(ProcResult R, long Kb, double Cpu)>> run, Func<ProcResult, int> answered)
        {
            var wall = new List<double>();
            var cpu = new List<double>();
            long rss = 0;
            var drops0 = ProcStatus.UdpRcvbufErrors();
            var worst = n;
            for (var round = 0; round < rounds; round++)
            {
                var (r, kb, c) = await run();
                var got = answered(r);
                worst = Math.Min(worst, got);
                if (got != n)
                {
                    report.Fail($"scale {n} {label}: exit {r.ExitCode}, {got}/{n} answers; {Head(r.StdErr)}");
                }

                wall.Add(r.ElapsedMs);
                cpu.Add(c);
                rss = Math.Max(rss, kb);
            }

            return (Stats.Of(wall), Stats.Of(cpu).Median, rss, ProcStatus.UdpRcvbufErrors() - drops0, worst);
        }

        if (Environment.GetEnvironmentVariable("BENCH_ANSIBLE") == "1")
        {
            await AnsibleScaleAsync(o, fleet, rpcFresh, report);
        }

        if (Environment.GetEnvironmentVariable("BENCH_SCALE_PEERS") == "0")
        {
            report.Section($"8. Scale: `bmc.getDeviceId` from {n} BMCs", $"{n} `ipmi_sim` on contiguous loopback ports, {rounds} rounds per row; the peers' rows not run (BENCH_SCALE_PEERS=0).");
            report.Table(["client", "how", "wall (median)", "wall (slowest)", "CPU", "peak RSS", "fds", "threads", "RcvbufErrors", "answered (worst round)"], rows);
            return;
        }

        var fanout = Math.Min(n, 1024);
        var freeipmi = await PeerAsync("FreeIPMI", () => Proc.RunTimedAsync("ipmi-raw",
                [.. FreeIpmiArgs($"127.0.0.1:[{ports[0]}-{ports[^1]}]"), "-F", fanout.ToString(CultureInfo.InvariantCulture), "0", "0x06", "0x01"], env, TimeSpan.FromMinutes(5)),
            r => r.StdOut.Split('\n').Count(l => l.Contains("rcvd:", StringComparison.Ordinal)));
        rows.Add(Row("FreeIPMI", $"`ipmi-raw -h 127.0.0.1:[range] -F {fanout} 0 0x06 0x01`", freeipmi.Wall, freeipmi.Cpu, $"{freeipmi.RssKb / 1024} MB (largest process)", "", "", freeipmi.Drops, $"{freeipmi.Worst}"));

        var parallel = Math.Min(n, 200);
        var portList = string.Join(' ', ports);
        var ipmitool = await PeerAsync("ipmitool", () => Proc.RunTimedAsync("/bin/bash", ["-c",
                $"printf '%s\\n' {portList} | xargs -P {parallel} -I PORT ipmitool -I lanplus -C 3 -H 127.0.0.1 -p PORT -U ipmiusr -E raw 6 1 | wc -l"],
                env, TimeSpan.FromMinutes(10)),
            r => int.TryParse(r.StdOut.Trim(), out var lines) ? lines : 0);
        rows.Add(Row("ipmitool", $"`raw 6 1`, one process per BMC, `xargs -P {parallel}`", ipmitool.Wall, ipmitool.Cpu, $"{ipmitool.RssKb / 1024} MB (largest process)", "", "", ipmitool.Drops, $"{ipmitool.Worst}"));

        var threads = Math.Min(n, 100);
        var pyghmi = await PeerAsync("pyghmi", () => Proc.RunTimedAsync("/usr/bin/python3",
                [Path.Combine(AppContext.BaseDirectory, "pyghmi_fleet.py"), ports[0].ToString(CultureInfo.InvariantCulture), n.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)],
                env, TimeSpan.FromMinutes(10)),
            r =>
            {
                try
                {
                    using var doc = JsonDocument.Parse(r.StdOut);
                    return doc.RootElement.GetProperty("ok").GetInt32();
                }
                catch (JsonException)
                {
                    return 0;
                }
            });
        rows.Add(Row("pyghmi", $"`raw_command`, a session per BMC, {threads} threads", pyghmi.Wall, pyghmi.Cpu, $"{pyghmi.RssKb / 1024} MB", "", "", pyghmi.Drops, $"{pyghmi.Worst}"));

        report.Section($"8. Scale: `bmc.getDeviceId` from {n} BMCs",
            $"{n} `ipmi_sim` on contiguous loopback ports, {rounds} rounds per row (median and slowest wall time). CPU: user+system of the client process(es) for one sweep, not the simulators. " +
            "RcvbufErrors: growth of /proc/net/snmp Udp RcvbufErrors during the row (machine-wide: simulators and other users of the machine count too).");
        report.Table(["client", "how", "wall (median)", "wall (slowest)", "CPU", "peak RSS", "fds", "threads", "RcvbufErrors", "answered (worst round)"], rows);
        report.Target($"{n} BMCs: ≥ 2× faster than FreeIPMI's fan-out", $"{Fmt.Ratio(freeipmi.Wall.Median / rpcFresh.Median)} (sessions opened by the sweep)", freeipmi.Wall.Median / rpcFresh.Median >= 2);
        report.Target($"{n} BMCs: ≥ 20× faster than `xargs -P` ipmitool", $"{Fmt.Ratio(ipmitool.Wall.Median / rpcFresh.Median)}", ipmitool.Wall.Median / rpcFresh.Median >= 20);
    }

    /// <summary>
    /// Issue 15, item 5: all N BMCs in one Ansible task (ipmi_fanout, one ipmirpc on the control node) against the
    /// per-host playbook, which runs on 20 BMCs only and is extrapolated to N (its cost is per host per task).
    /// </summary>
    private static async Task AnsibleScaleAsync(BenchOptions o, SimFleet fleet, Stats rpcFresh, Report report)
    {
        var n = fleet.Count;
        var perHost = Math.Min(20, n);
        var tree = Path.GetFullPath(Path.Combine(o.Fixtures, "..", "..", ".."));
        var script = Path.Combine(AppContext.BaseDirectory, "ansible-scale.sh");
        var work = Path.Combine(o.WorkDir, "ansible-scale");
        var r = await Proc.RunAsync("/bin/bash", [script, Path.Combine(tree, "modules", "ansible"), o.Fdd, fleet.BasePort.ToString(CultureInfo.InvariantCulture),
            n.ToString(CultureInfo.InvariantCulture), perHost.ToString(CultureInfo.InvariantCulture), work], null, TimeSpan.FromMinutes(20));
        if (r.ExitCode != 0)
        {
            report.Fail($"Ansible at scale: exit {r.ExitCode}: {Tail(r.StdErr + r.StdOut)}");
            return;
        }

        using var doc = JsonDocument.Parse(r.StdOut.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        var fan = root.GetProperty("fanout");
        var per = root.GetProperty("perhost");
        var wide = root.GetProperty("fanoutwide");
        var wideAnswered = root.GetProperty("fanoutWideAnswered").GetInt32();
        var fanWall = fan.GetProperty("wallMs").GetDouble();
        var perWall = per.GetProperty("wallMs").GetDouble();
        var answered = root.GetProperty("fanoutAnswered").GetInt32();
        var perHosts = root.GetProperty("perhostHosts").GetInt32();
        if (answered != n || fan.GetProperty("exit").GetInt32() != 0)
        {
            report.Fail($"Ansible ipmi_fanout over {n} BMCs: {answered} answered, exit {fan.GetProperty("exit").GetInt32()}");
        }

        if (perHosts != perHost || per.GetProperty("exit").GetInt32() != 0)
        {
            report.Fail($"Ansible per-host playbook over {perHost} BMCs: {perHosts} hosts without failure, exit {per.GetProperty("exit").GetInt32()}");
        }

        var extrapolated = perWall * n / perHost;
        string Cpu(JsonElement e) => Fmt.Ms(e.GetProperty("cpuMs").GetDouble());
        string Rss(JsonElement e) => $"{e.GetProperty("peakRssKb").GetInt64() / 1024} MB";
        report.Section($"8b. Ansible: {n} BMCs in one task",
            $"The same {n} `ipmi_sim`; `ansible-playbook` wall time, CPU of the playbook and every process it started (GNU time), largest process. " +
            $"The per-host playbook (one `ipmi_bmc_info` task per inventory host, its own ipmirpc per task, forks {perHost}) runs on {perHost} BMCs; its {n}-BMC figure is that × {n}/{perHost} (its cost is per host per task). Load average at the end {root.GetProperty("load").GetString()}.");
        report.Table(["playbook", "BMCs", "wall", "CPU", "largest process", "answered"],
        [
            ["one `ipmi_fanout` task (one ipmirpc on the control node, sessions opened by the sweep; the host's default 64 BMCs at once)", $"{n}", Fmt.Ms(fanWall), Cpu(fan), Rss(fan), $"{answered}"],
            [$"the same, ipmirpc started with `--fanout-concurrency {n}`", $"{n}", Fmt.Ms(wide.GetProperty("wallMs").GetDouble()), Cpu(wide), Rss(wide), $"{wideAnswered}"],
            [$"per-host `ipmi_bmc_info`, forks {perHost}", $"{perHost}", Fmt.Ms(perWall), Cpu(per), Rss(per), $"{perHosts} hosts"],
            [$"per-host, extrapolated to {n}", $"{n}", Fmt.Ms(extrapolated), "", "", ""],
        ]);
        report.Target($"Ansible, {n} BMCs in one task: faster than the per-host playbook (extrapolated from {perHost})",
            $"{Fmt.Ms(fanWall)} vs ~{Fmt.Ms(extrapolated)} = {Fmt.Ratio(extrapolated / fanWall)}; the bare ipmirpc sweep {Fmt.Ms(rpcFresh.Median)}", fanWall < extrapolated);
    }

    /// <summary>
    /// RSS, fds and threads of one new ipmirpc with 0, 200 and N sessions open (each step's sweep opens the sessions
    /// it adds), the growth per session between the steps, and with BENCH_GCDUMP=1 the live managed heap at each step
    /// (dotnet-gcdump, which forces a full collection): RSS growth also holds garbage the GC has not given back.
    /// </summary>
    private static async Task MemoryLadderAsync(RpcClient rpc, (string, string)[] ids, Report report)
    {
        var n = ids.Length;
        var gcdump = Environment.GetEnvironmentVariable("BENCH_GCDUMP") == "1";
        var steps = new List<(int Sessions, long RssKb, int Fds, long Threads, long LiveKb)>();
        await rpc.CallAsync("sessions.list", "{}");
        foreach (var count in new[] { 0, Math.Min(200, n), n }.Distinct())
        {
            if (count > 0)
            {
                await SweepAsync(rpc, ids[..count], count, report, $"memory ladder {count}");
            }

            var live = gcdump ? await LiveHeapKbAsync(rpc.Pid) : -1;
            steps.Add((count, rpc.RssKb, ProcStatus.FdCount(rpc.Pid), ProcStatus.ReadKb(rpc.Pid, "Threads:"), live));
        }

        var rows = new List<string[]>();
        for (var i = 0; i < steps.Count; i++)
        {
            var (sessions, rss, fds, threads, live) = steps[i];
            var perSession = i == 0 ? "" : $"{(rss - steps[i - 1].RssKb) / (double)(sessions - steps[i - 1].Sessions):0.0} KB";
            var livePer = i == 0 || live < 0 ? "" : $"{(live - steps[i - 1].LiveKb) / (double)(sessions - steps[i - 1].Sessions):0.0} KB";
            rows.Add([sessions.ToString(CultureInfo.InvariantCulture), $"{rss / 1024.0:0.0} MB", perSession,
                live < 0 ? "" : $"{live / 1024.0:0.0} MB", livePer, fds.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture)]);
        }

        report.Section($"8a. Memory per session ({n} BMCs)",
            "One new ipmirpc (framework-dependent); each step's sweep of `bmc.getDeviceId` opens the sessions it adds and they stay open. " +
            "Per session: growth since the previous step ÷ sessions added. Live managed heap: `dotnet-gcdump` after a forced full collection (BENCH_GCDUMP=1).");
        report.Table(["sessions open", "RSS", "RSS per session added", "live managed heap", "live heap per session added", "fds", "threads"], rows);
    }

    /// <summary>The live managed heap of a process in KB (dotnet-gcdump report's total), or -1 without the tool.</summary>
    private static async Task<long> LiveHeapKbAsync(int pid)
    {
        var tool = Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".dotnet", "tools", "dotnet-gcdump");
        if (!File.Exists(tool))
        {
            return -1;
        }

        var file = Path.Combine(Path.GetTempPath(), $"bench-{pid}-{Environment.TickCount64}.gcdump");
        try
        {
            var collect = await Proc.RunAsync(tool, ["collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file], null, TimeSpan.FromMinutes(3));
            if (collect.ExitCode != 0 || !File.Exists(file))
            {
                return -1;
            }

            var top = await Proc.RunAsync(tool, ["report", file], null, TimeSpan.FromMinutes(2));
            if (Environment.GetEnvironmentVariable("BENCH_GCDUMP_TYPES") == "1")
            {
                Console.Error.WriteLine(string.Join('\n', top.StdOut.Split('\n').Take(40)));
            }

            // "   12,345,678  GC Heap bytes" heads the report.
            var line = top.StdOut.Split('\n').FirstOrDefault(l => l.Contains("GC Heap bytes", StringComparison.Ordinal));
            var digits = line is null ? "" : new string(line.TakeWhile(c => c != 'G').Where(char.IsDigit).ToArray());
            return long.TryParse(digits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var bytes) ? bytes / 1024 : -1;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// Runs <paramref name="round"/> unmeasured until two rounds in a row compile no method in this process (at least
    /// <paramref name="minRounds"/>, at most 20 more; <paramref name="fixedRounds"/>: exactly that many), and returns
    /// how many ran. The driver is framework-dependent: its own tier-up (reading 1,000 answers, a batch's bookkeeping)
    /// otherwise lands in measured rounds and competes with the server for the two cores.
    /// </summary>
    private static async Task<int> WarmUntilJitQuietAsync(Func<Task> round, int minRounds, int? fixedRounds = null)
    {
        var rounds = 0;
        for (var quietRounds = 0; fixedRounds is { } f ? rounds < f : rounds < minRounds || (quietRounds < 2 && rounds < Math.Max(30, minRounds + 20)); rounds++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await round();
            quietRounds = System.Runtime.JitInfo.GetCompiledMethodCount() == compiled ? quietRounds + 1 : 0;
        }

        return rounds;
    }

    // ---- 6 --------------------------------------------------------------------------------------------------------
    public static async Task HostOverheadAsync(BenchOptions o, Report report)
    {
        var p = Json.TargetParams(623);
        await using var host = InMemoryHost.Start();
        var rpc = host.Client;
        await WarmAsync(rpc, "bmc.getDeviceId", p, 2000);
        var jitWarm = System.Runtime.JitInfo.GetCompiledMethodCount();
        await WarmAsync(rpc, "bmc.getDeviceId", p, 3000);
        jitWarm = System.Runtime.JitInfo.GetCompiledMethodCount() - jitWarm;
        var jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        using var jitListener = Environment.GetEnvironmentVariable("BENCH_JIT_DIAG") == "1" ? RuntimeEventTally.JitCompiled() : null;
        var cpu0 = rpc.CpuMs;
        var seq = Stats.Of(await SequentialAsync(rpc, "bmc.getDeviceId", p, 5000));
        if (jitListener is not null)
        {
            foreach (var (name, count) in jitListener.Counts.OrderByDescending(x => x.Value).Take(25))
            {
                Console.Error.WriteLine($"jit {count,6} {name}");
            }
        }

        var seqCpu = (rpc.CpuMs - cpu0) / 5000;
        jitted = System.Runtime.JitInfo.GetCompiledMethodCount() - jitted;

        var batch = 5000;
        var calls = Enumerable.Repeat(("bmc.getDeviceId", p), batch).ToArray();
        // Rounds unmeasured until two in a row compile no method (at least 2, at most 30; BENCH_WARM_ROUNDS=N: exactly N):
        // written at once takes paths (the pipe's back-pressure, requests queued behind others) the sequential warm-up
        // never ran, and the JIT kept promoting them to tier 1 for several rounds — measured, those rounds were the
        // JIT's tiering (its thread competing for the two cores, the reader running tier-0 code), not the host.
        var fixedWarmRounds = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WARM_ROUNDS"), CultureInfo.InvariantCulture, out var n) ? n : (int?)null;
        var warmRounds = await WarmUntilJitQuietAsync(() => rpc.CallManyAsync(calls, TimeSpan.FromMinutes(1)), 2, fixedWarmRounds);

        var rounds = new List<double>();
        // BENCH_THREAD_DIAG=1: each thread's CPU and context switches over the written-at-once rounds (bench client
        // and host share the process: the host's stdin reader runs every request up to its answer here).
        var threadsBefore = Environment.GetEnvironmentVariable("BENCH_THREAD_DIAG") == "1" ? ThreadTally.Read(Environment.ProcessId) : null;
        var jitBefore = (Methods: System.Runtime.JitInfo.GetCompiledMethodCount(), Time: System.Runtime.JitInfo.GetCompilationTime());
        using var roundsJitListener = Environment.GetEnvironmentVariable("BENCH_JIT_DIAG") == "1" ? RuntimeEventTally.JitCompiled() : null;
        for (var r = 0; r < o.Rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            await rpc.CallManyAsync(calls, TimeSpan.FromMinutes(1));
            rounds.Add(sw.Elapsed.TotalMilliseconds);
        }

        var roundsJit = (Methods: System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore.Methods, Ms: (System.Runtime.JitInfo.GetCompilationTime() - jitBefore.Time).TotalMilliseconds);
        if (threadsBefore is not null)
        {
            // The JIT's share: methods compiled (tier-up included) and the JIT's time during the measured rounds.
            Console.Error.WriteLine($"threads over {o.Rounds} rounds of {batch} written at once ({rounds.Sum():0} ms; after {warmRounds} warm rounds; JIT +{roundsJit.Methods} methods, {roundsJit.Ms:0} ms; rounds {string.Join(' ', rounds.Select(x => x.ToString("0", CultureInfo.InvariantCulture)))} ms): " +
                ThreadTally.Read(Environment.ProcessId).Since(threadsBefore));
        }

        if (roundsJitListener is not null)
        {
            foreach (var (name, count) in roundsJitListener.Counts.OrderByDescending(x => x.Value).Take(40))
            {
                Console.Error.WriteLine($"jit (written at once) {count,6} {name}");
            }
        }

        var piped = Stats.Of(rounds);

        // Bytes allocated per request: the whole process (host and bench client), then the client alone against a
        // responder that answers with the host's own response line and allocates nothing; the difference is the host's.
        const int allocCalls = 5000;
        var canned = await rpc.CallAsync("bmc.getDeviceId", p);
        var hostAndClient = await AllocatedPerCallAsync(rpc, p, allocCalls);
        if (Environment.GetEnvironmentVariable("BENCH_ALLOC_DIAG") == "1")
        {
            using var allocListener = RuntimeEventTally.Allocations();
            await AllocatedPerCallAsync(rpc, p, 20 * allocCalls);
            foreach (var (type, bytes) in allocListener.Counts.OrderByDescending(x => x.Value).Take(40))
            {
                Console.Error.WriteLine($"alloc {bytes / (20.0 * allocCalls),8:0} B/request {type}");
            }
        }

        if (Environment.GetEnvironmentVariable("BENCH_HEAP_DUMP") is { Length: > 0 } dumpFile)
        {
            await DumpRequestsHeapAsync(rpc, p, dumpFile);
        }

        double clientAlone;
        await using (var echo = EchoHost.Start(canned))
        {
            await WarmAsync(echo.Client, "bmc.getDeviceId", p, 2000);
            clientAlone = await AllocatedPerCallAsync(echo.Client, p, allocCalls);
        }

        var hostBytes = hostAndClient - clientAlone;
        report.Note($"In-memory host: {jitWarm} methods JIT-compiled during requests 2001–5000, {jitted} during the 5000 measured sequential requests after them; bench-process CPU {Fmt.Ms(seqCpu)} per request (client included); written at once: {warmRounds} unmeasured rounds first, {roundsJit.Methods} methods JIT-compiled ({roundsJit.Ms:0} ms) during the {o.Rounds} measured ones.");
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
        report.Target("Host over the in-memory transport: ≥ 50,000 requests/s, ≤ 2 KB allocated per request",
            $"{Fmt.Rate(1000 / seq.Mean)} one at a time, {Fmt.Rate(batch * 1000 / piped.Median)} written at once; {hostBytes:0} B per request",
            Math.Max(1000 / seq.Mean, batch * 1000 / piped.Median) >= 50_000 && hostBytes <= 2048);
        report.Table(["what", "n", "median", "p99", "requests/s"],
        [
            ["`bmc.getDeviceId`, one at a time", seq.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(seq.Median), Fmt.Ms(seq.P99), Fmt.Rate(1000 / seq.Mean)],
            [$"`bmc.getDeviceId`, {batch} written at once ({o.Rounds} rounds; time per round)", piped.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(piped.Median), Fmt.Ms(piped.P99), Fmt.Rate(batch * 1000 / piped.Median)],
            ["bytes allocated per `bmc.getDeviceId` (one at a time): host (process total − client alone)", allocCalls.ToString(CultureInfo.InvariantCulture), $"{hostBytes:0} B", "–", $"(process {hostAndClient:0} B, bench client {clientAlone:0} B)"],
            ["`SessionPool.SendAsync` alone (no JSON), sequential", poolCalls.ToString(CultureInfo.InvariantCulture), $"{poolNs:0} ns", "–", $"{Fmt.Rate(1e9 / poolNs)} ({poolBytes:0} B allocated/call)"],
        ]);
    }
}

/// <summary>One burst round of scenario 2: its time, its failures, and what each process spent on it.</summary>
internal sealed record BurstRound(
    double ElapsedMs, int Errors, int Missing, double RpcCpuMs, double SimulatorCpuMs, double DriverCpuMs, double RpcWaitMs, long Start, long End)
{
    /// <summary>BENCH_BURST_DIAG's lines for the round; null without it.</summary>
    public string? Diagnosis { get; init; }
}
