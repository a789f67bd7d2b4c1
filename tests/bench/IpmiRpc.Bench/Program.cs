using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IpmiRpc.Bench;

// tests/bench/run.sh builds everything and calls this with the executables to compare; see tests/bench/README.md.
var o = BenchOptions.Parse(args);
var env = new Dictionary<string, string> { ["IPMI_PASSWORD"] = "test" };
// BENCH_RPC_ENV="DOTNET_X=1;DOTNET_Y=0": extra environment for every process the bench starts (runtime knob experiments).
foreach (var pair in (Environment.GetEnvironmentVariable("BENCH_RPC_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
{
    var kv = pair.Split('=', 2);
    env[kv[0]] = kv.Length > 1 ? kv[1] : "";
}

var report = new Report(o);
var sims = new List<SimFleet>();
Console.CancelKeyPress += (_, _) =>
{
    foreach (var f in sims)
    {
        f.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
    }
};

var total = Stopwatch.StartNew();
try
{
    if (o.Only is null || o.Only.Contains('6'))
    {
        await Scenarios.HostOverheadAsync(o, report);
    }

    if (o.Only is null || o.Only.Any(c => c is '1' or '2' or '4' or '7'))
    {
        var one = await SimFleet.StartAsync(1, o.Fixtures, o.PidFile, o.WorkDir);
        sims.Add(one);
        if (o.Only is null || o.Only.Contains('1') || o.Only.Contains('2'))
        {
            await Scenarios.SequentialAndPipelinedAsync(o, env, one.BasePort, report, one.TotalRunTimeMs, one.TotalRunQueueWaitMs);
        }

        if (o.Only is null || o.Only.Contains('4'))
        {
            await Scenarios.ColdStartAsync(o, env, one.BasePort, report);
        }

        if (o.Only is not null && o.Only.Contains('7'))
        {
            await Scenarios.RuntimeKnobsAsync(o, env, one.BasePort, report);
        }
    }

    if (o.Only is null || o.Only.Contains('w'))
    {
        var weak = await SimFleet.StartAsync(1, o.Fixtures, o.PidFile, o.WorkDir);
        sims.Add(weak);
        await WeakBmcScenario.RunAsync(o, env, weak.BasePort, report);
    }

    if ((o.Only is null || o.Only.Contains('3') || o.Only.Contains('5')) && o.FleetSizes.Count > 0)
    {
        var fleet = await SimFleet.StartAsync(o.FleetSizes.Max(), o.Fixtures, o.PidFile, o.WorkDir);
        sims.Add(fleet);
        report.Note($"Fleet: {fleet.Count} ipmi_sim on 127.0.0.1:{fleet.BasePort}–{fleet.LastPort}, {fleet.TotalRssKb() / 1024} MB RSS together.");
        foreach (var n in o.FleetSizes.Order())
        {
            await Scenarios.FleetAsync(o, env, fleet, n, report);
        }
    }

    if ((o.Only is null || o.Only.Contains('8')) && o.Scale > 0)
    {
        var scale = await SimFleet.StartAsync(o.Scale, o.Fixtures, o.PidFile, o.WorkDir);
        sims.Add(scale);
        await Scenarios.ScaleAsync(o, env, scale, report);
        await scale.DisposeAsync();
        sims.Remove(scale);
    }

    if ((o.Only is null || o.Only.Contains('9')) && o.FleetSizes.Count > 0 && !OperatingSystem.IsWindows())
    {
        // Its own fleet: the board's SDRs and sensors on top of the usual fixture.
        var board = await SimFleet.StartAsync(o.FleetSizes.Max(), o.Fixtures, o.PidFile, o.WorkDir, await SensorScenario.BoardEmuAsync(o.Fixtures, o.WorkDir));
        sims.Add(board);
        await SensorScenario.RunAsync(o, env, board, report);
    }
}
finally
{
    foreach (var f in sims)
    {
        await f.DisposeAsync();
    }
}

if (Environment.GetEnvironmentVariable("BENCH_RPC_ENV") is { Length: > 0 } extra)
{
    report.Note($"Extra environment for every process started: {extra}");
}

report.Note($"Whole run (after the build): {total.Elapsed.TotalSeconds:0} s.");
var markdown = report.Render();
Console.WriteLine(markdown);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
await File.WriteAllTextAsync(o.Out, markdown);
Console.Error.WriteLine($"bench: wrote {o.Out}");
return report.Failures > 0 ? 1 : 0;

namespace IpmiRpc.Bench
{
    public sealed class BenchOptions
    {
        public string Fixtures { get; private set; } = "tests/fixtures/ipmi_sim";
        public string Fdd { get; private set; } = "";
        public string? R2r { get; private set; }
        public string? Aot { get; private set; }
        public IReadOnlyList<int> FleetSizes { get; private set; } = [20, 100];
        public int Scale { get; private set; }
        public int Sequential { get; private set; } = 1000;
        public int ProcessSamples { get; private set; } = 50;
        public int ColdSamples { get; private set; } = 30;
        public int Rounds { get; private set; } = 5;
        public string Out { get; private set; } = "tests/bench/results/latest.md";
        public string PidFile { get; private set; } = "/dev/null";
        public string WorkDir { get; private set; } = Path.GetTempPath();
        public string? Only { get; private set; }
        public string BuildNotes { get; private set; } = "";

        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions();
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
                i++;
                switch (args[i - 1])
                {
                    case "--fixtures": o.Fixtures = value; break;
                    case "--fdd": o.Fdd = value; break;
                    case "--r2r": o.R2r = value.Length == 0 ? null : value; break;
                    case "--aot": o.Aot = value.Length == 0 ? null : value; break;
                    case "--fleet": o.FleetSizes = value.Length == 0 ? [] : value.Split(',').Select(int.Parse).ToArray(); break;
                    case "--scale": o.Scale = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--sequential": o.Sequential = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--process-samples": o.ProcessSamples = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--cold-samples": o.ColdSamples = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--rounds": o.Rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--out": o.Out = value; break;
                    case "--pid-file": o.PidFile = value; break;
                    case "--work-dir": o.WorkDir = value; break;
                    case "--only": o.Only = value; break;
                    case "--build-notes": o.BuildNotes = value; break;
                    default: throw new ArgumentException($"unknown option {args[i - 1]}");
                }
            }

            if (o.Fdd.Length == 0)
            {
                throw new ArgumentException("--fdd PATH (the framework-dependent ipmirpc) is required");
            }

            return o;
        }
    }

    /// <summary>Accumulates the markdown tables and the target verdicts.</summary>
    public sealed class Report(BenchOptions options)
    {
        private readonly List<(string Title, StringBuilder Body)> _sections = [];
        private readonly List<string> _notes = [];
        private readonly List<(string Target, string Measured, bool? Met)> _targets = [];

        public int Failures { get; private set; }

        private StringBuilder _body = new();

        public void Section(string title, string intro)
        {
            _body = new StringBuilder();
            _sections.Add((title, _body));
            _body.Append("\n## ").Append(title).Append("\n\n");
            if (intro.Length > 0)
            {
                _body.Append(intro).Append("\n\n");
            }
        }

        public void Table(string[] header, IEnumerable<string[]> rows)
        {
            _body.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
            _body.Append('|').Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
            foreach (var r in rows)
            {
                _body.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
            }

            _body.Append('\n');
        }

        public void Text(string line) => _body.Append(line).Append('\n');

        public void Note(string note)
        {
            _notes.Add(note);
            Console.Error.WriteLine("bench: " + note);
        }

        public void Fail(string what)
        {
            Failures++;
            Note("FAILED: " + what);
        }

        public void Target(string target, string measured, bool? met) => _targets.Add((target, measured, met));

        public string Render()
        {
            var sb = new StringBuilder();
            var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?";
            sb.Append("# IpmiRpc benchmark\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Cpu()}), load average at the end {load}. ");
            sb.Append("Every number in a table was measured in this run, against the same loopback `ipmi_sim` BMCs (cipher suite 3). ");
            sb.Append("Ratios are *peer ÷ ipmirpc* (above 1× = ipmirpc faster) unless the column says otherwise. p99 is nearest-rank: with fewer than 100 samples it is the maximum.\n\n");
            if (options.BuildNotes.Length > 0)
            {
                sb.Append(options.BuildNotes).Append("\n\n");
            }

            sb.Append("## Targets (issue 7)\n\n| target | measured | met |\n|---|---|---|\n");
            foreach (var (target, measured, met) in _targets)
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {target} | {measured} | {(met is null ? "n/a" : met.Value ? "yes" : "**no**")} |\n");
            }

            // Scenario order (1–6) whatever order they ran in; OrderBy is stable, so fleet sizes stay in run order.
            foreach (var (_, body) in _sections.OrderBy(x => x.Title[0]))
            {
                sb.Append(body);
            }

            sb.Append("\n## Notes\n\n");
            foreach (var n in _notes)
            {
                sb.Append("- ").Append(n).Append('\n');
            }

            return sb.ToString();
        }

        private static string Cpu()
        {
            try
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                return line?.Split(':', 2)[1].Trim() ?? "unknown CPU";
            }
            catch (IOException)
            {
                return "unknown CPU";
            }
        }
    }

    public static class Json
    {
        public static string Target(int port) =>
            $"{{\"host\":\"127.0.0.1\",\"port\":{port.ToString(CultureInfo.InvariantCulture)},\"username\":\"ipmiusr\",\"passwordEnv\":\"IPMI_PASSWORD\",\"cipherSuite\":3}}";

        public static string TargetParams(int port) => $"{{\"target\":{Target(port)}}}";

        public static bool IsResult(string line)
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("result", out _);
        }
    }
}
