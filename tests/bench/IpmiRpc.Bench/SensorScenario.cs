using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IpmiRpc.Bench;

/// <summary>
/// Scenario 9: sensors. A fleet of ipmi_sim BMCs with the board fixture (tests/fixtures/ipmi_sim/board.sdrs, compiled
/// with sdrcomp, and board.emu). One BMC: <c>sdr.list</c> and <c>sensors.list</c> cold (first call of a new process)
/// and warm (SDR cache valid), with the Get SDR requests each sent. The fleet: <c>sensors.list</c> to every BMC at
/// once from one process (cold, then warm) against FreeIPMI <c>ipmi-sensors -h 127.0.0.1:[range] -F N</c> (its SDR
/// cache empty, then filled) and ipmitool <c>sdr elist</c>, one process per BMC, in the same run.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class SensorScenario
{
    private static readonly string[] Header = ["client", "how", "n", "median", "p99", "peer ÷ ipmirpc warm (median)"];

    /// <summary>The board's emu lines: <c>main_sdr_add</c> per compiled record, then board.emu.</summary>
    public static async Task<string> BoardEmuAsync(string fixtures, string workDir)
    {
        var raw = Path.Combine(workDir, $"board-{Guid.NewGuid():N}.raw");
        var (r, _, _) = await Proc.RunTimedAsync("sdrcomp", ["-8", "-r", "-o", raw, Path.Combine(fixtures, "board.sdrs")], timeout: TimeSpan.FromSeconds(60));
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"sdrcomp failed: {r.StdErr}");
        }

        var bytes = await File.ReadAllBytesAsync(raw);
        File.Delete(raw);
        var emu = new StringBuilder();
        for (var at = 0; at + 5 <= bytes.Length;)
        {
            var length = Math.Min(bytes[at + 4] + 5, bytes.Length - at);
            emu.Append("main_sdr_add 0x20");
            foreach (var b in bytes.AsSpan(at, length))
            {
                emu.Append(CultureInfo.InvariantCulture, $" 0x{b:x2}");
            }

            emu.Append('\n');
            at += length;
        }

        emu.Append(await File.ReadAllTextAsync(Path.Combine(fixtures, "board.emu")));
        return emu.ToString();
    }

    public static async Task RunAsync(BenchOptions o, Dictionary<string, string> env, SimFleet fleet, Report report)
    {
        var n = fleet.Count;
        var rounds = Math.Max(3, o.Rounds);
        var rows = new List<(string Client, string How, Stats S)>();

        // One BMC, a new process each round: cold call, then warm calls over the same session.
        var loadBefore = LoadAverage();
        var single = Json.TargetParams(fleet.BasePort);
        var coldSdr = new List<double>();
        var warmSdr = new List<double>();
        var coldSensors = new List<double>();
        var warmSensors = new List<double>();
        (int Cold, int Warm) sdrRequests = (-1, -1);
        foreach (var (method, cold, warm) in new[] { ("sdr.list", coldSdr, warmSdr), ("sensors.list", coldSensors, warmSensors) })
        {
            for (var round = 0; round < rounds; round++)
            {
                await using var rpc = RpcClient.Start(o.Fdd, o.PidFile, env);
                // The session and the JIT first, so the cold call measures the SDR read, not the process start.
                await rpc.CallAsync("bmc.getDeviceId", single, TimeSpan.FromSeconds(60));
                var sw = Stopwatch.StartNew();
                var first = await rpc.CallAsync(method, single, TimeSpan.FromSeconds(60));
                cold.Add(sw.Elapsed.TotalMilliseconds);
                var coldRequests = GetSdrRequests(first, report, method);
                for (var i = 0; i < 5; i++)
                {
                    sw.Restart();
                    var again = await rpc.CallAsync(method, single, TimeSpan.FromSeconds(60));
                    warm.Add(sw.Elapsed.TotalMilliseconds);
                    if (GetSdrRequests(again, report, method) is var w && w != 0)
                    {
                        report.Fail($"{method} warm call sent {w} Get SDR requests");
                    }

                    sdrRequests = (coldRequests, w);
                }

                await rpc.CloseAsync(TimeSpan.FromSeconds(30));
            }
        }

        var sdrCold = Stats.Of(coldSdr);
        var sdrWarm = Stats.Of(warmSdr);
        var sensorsCold = Stats.Of(coldSensors);
        var sensorsWarm = Stats.Of(warmSensors);
        report.Section("8a. SDR cache, one BMC (board fixture)",
            $"A new ipmirpc per round ({rounds} rounds), its session opened first; the cold call reads the repository ({sdrRequests.Cold} Get SDR requests in the last round), the 5 warm calls after it find the cache valid and send {sdrRequests.Warm}. Load average before and after: {loadBefore} / {LoadAverage()}.");
        report.Table(["method", "cold median", "warm median", "cold ÷ warm"],
        [
            ["`sdr.list`", Fmt.Ms(sdrCold.Median), Fmt.Ms(sdrWarm.Median), Fmt.Ratio(sdrCold.Median / sdrWarm.Median)],
            ["`sensors.list`", Fmt.Ms(sensorsCold.Median), Fmt.Ms(sensorsWarm.Median), Fmt.Ratio(sensorsCold.Median / sensorsWarm.Median)],
        ]);
        report.Target("Second `sensors.list` (cache warm) ≥ 20× faster than the first",
            $"{Fmt.Ratio(sensorsCold.Median / sensorsWarm.Median)} (sdr.list {Fmt.Ratio(sdrCold.Median / sdrWarm.Median)}); warm calls send 0 Get SDR but still read every sensor (Get Sensor Reading and Get Sensor Thresholds, up to 4 sensors at once within the session's window).",
            sensorsCold.Median / sensorsWarm.Median >= 20);

        // The fleet from one long-running process: the first sweep reads one repository (the BMCs are one model) and
        // matches the others on their first records; later sweeps find every cache entry valid.
        var calls = fleet.Ports.Select(port => ("sensors.list", Json.TargetParams(port))).ToArray();
        var fleetCold = new List<double>();
        var fleetWarm = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            await using var rpc = RpcClient.Start(o.Fdd, o.PidFile, env);
            await rpc.CallManyAsync(fleet.Ports.Select(port => ("bmc.getDeviceId", Json.TargetParams(port))).ToArray(), TimeSpan.FromMinutes(2));
            fleetCold.Add(await SweepAsync(rpc, calls, report, "cold"));
            for (var i = 0; i < 2; i++)
            {
                fleetWarm.Add(await SweepAsync(rpc, calls, report, "warm"));
            }

            await rpc.CloseAsync(TimeSpan.FromSeconds(60));
        }

        var warmStats = Stats.Of(fleetWarm);
        rows.Add(("ipmirpc", $"`sensors.list` to {n} BMCs at once, one process, sessions open, SDR cache empty", Stats.Of(fleetCold)));
        rows.Add(("ipmirpc", "same process, SDR cache warm", warmStats));

        // FreeIPMI's fan-out; its SDR cache empty for the first run of a round, filled for the second.
        var freeCold = new List<double>();
        var freeWarm = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var cache = Directory.CreateDirectory(Path.Combine(o.WorkDir, $"freeipmi-sdr-{Guid.NewGuid():N}")).FullName;
            File.SetUnixFileMode(cache, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var times in new[] { freeCold, freeWarm })
            {
                var (r, _, _) = await Proc.RunTimedAsync("ipmi-sensors",
                    ["-D", "LAN_2_0", "-h", $"127.0.0.1:[{fleet.BasePort}-{fleet.LastPort}]", "-u", "ipmiusr", "-p", "test", "-l", "ADMIN", "-I", "3", "-W", "opensesspriv",
                        "-F", n.ToString(CultureInfo.InvariantCulture), "--sdr-cache-directory", cache, "--quiet-cache", "--always-prefix"],
                    env, TimeSpan.FromMinutes(5));
                var answered = r.StdOut.Split('\n').Where(l => l.Contains("CPU Temp", StringComparison.Ordinal)).Select(l => l.Split(": ")[0]).Distinct().Count();
                if (r.ExitCode != 0 || answered != n)
                {
                    report.Fail($"sensors fleet FreeIPMI: exit {r.ExitCode}, {answered}/{n} BMCs; {Head(r.StdErr)}");
                    break;
                }

                times.Add(r.ElapsedMs);
            }

            Directory.Delete(cache, recursive: true);
        }

        rows.Add(("FreeIPMI", $"`ipmi-sensors -h 127.0.0.1:[range] -F {n}`, SDR cache empty", Stats.Of(freeCold)));
        rows.Add(("FreeIPMI", "same, SDR cache filled by the previous run", Stats.Of(freeWarm)));

        // ipmitool, one process per BMC (it has no SDR cache unless told to dump and reuse one).
        var ipmitool = new List<double>();
        var portList = string.Join(' ', fleet.Ports);
        for (var round = 0; round < rounds; round++)
        {
            var (r, _, _) = await Proc.RunTimedAsync("/bin/bash", ["-c",
                $"printf '%s\\n' {portList} | xargs -P {n} -I PORT ipmitool -I lanplus -C 3 -H 127.0.0.1 -p PORT -U ipmiusr -E sdr elist | grep -c '^CPU Temp '"],
                env, TimeSpan.FromMinutes(5));
            if (r.ExitCode != 0 || r.StdOut.Trim() != n.ToString(CultureInfo.InvariantCulture))
            {
                report.Fail($"sensors fleet ipmitool: exit {r.ExitCode}, {r.StdOut.Trim()}/{n} answers; {Head(r.StdErr)}");
                break;
            }

            ipmitool.Add(r.ElapsedMs);
        }

        rows.Add(("ipmitool", $"`sdr elist`, one process per BMC, `xargs -P {n}`", Stats.Of(ipmitool)));

        report.Section($"8b. Sensors from {n} BMCs (board fixture)",
            $"{n} `ipmi_sim` with the board fixture on contiguous loopback ports, {rounds} rounds per row. ipmirpc: a new process per round, sessions opened first (Get Device ID), then one cold sweep and two warm ones. Wall time for the whole sweep.");
        report.Table(Header, rows.Select(r => new[]
        {
            r.Client, r.How, r.S.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(r.S.Median), Fmt.Ms(r.S.P99), Fmt.Ratio(r.S.Median / warmStats.Median),
        }));
        var bestPeer = rows.Where(r => r.Client != "ipmirpc" && r.S.Count > 0).Select(r => r.S.Median).DefaultIfEmpty(double.NaN).Min();
        report.Target($"`sensors.list` across {n} BMCs (warm) faster than every peer",
            $"ipmirpc warm {Fmt.Ms(warmStats.Median)}; best peer {Fmt.Ms(bestPeer)}", warmStats.Median < bestPeer);
    }

    private static int GetSdrRequests(string answer, Report report, string method)
    {
        using var doc = JsonDocument.Parse(answer);
        if (!doc.RootElement.TryGetProperty("result", out var result))
        {
            report.Fail($"{method}: {Head(answer)}");
            return -1;
        }

        return result.GetProperty("cache").GetProperty("getSdrRequests").GetInt32();
    }

    private static async Task<double> SweepAsync(RpcClient rpc, (string, string)[] calls, Report report, string what)
    {
        var sw = Stopwatch.StartNew();
        var answers = await rpc.CallManyAsync(calls, TimeSpan.FromMinutes(3));
        var elapsed = sw.Elapsed.TotalMilliseconds;
        var bad = answers.Count(a => !Json.IsResult(a));
        if (bad > 0)
        {
            report.Fail($"sensors fleet {what} sweep: {bad} errors ({rpc.LastError})");
        }

        return elapsed;
    }

    /// <summary>The 1-, 5- and 15-minute load averages: the cold/warm ratio moves with the machine's load.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string Head(string s) => s.Trim().Length <= 400 ? s.Trim() : s.Trim()[..400];
}
