using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Transports.OpenIpmi.Tests.InBand;

/// <summary>What one guest run left: its exit code, the console, and the output of each <c>step</c> of run.sh.</summary>
public sealed partial class GuestRun
{
    public required int ExitCode { get; init; }
    public required string Console { get; init; }
    public required string Data { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required string Stderr { get; init; }

    public override string ToString() =>
        $"guest exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- console ---\n{Console}\n--- data ---\n{Data}\n--- run-guest stderr ---\n{Stderr}";

    /// <summary>The stdout lines of step <paramref name="name"/>; fails when the step is missing or exited non-zero.</summary>
    public IReadOnlyList<string> Step(string name, int expectedRc = 0)
    {
        var lines = Data.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var begin = Array.IndexOf(lines, $"=={"BEGIN"} {name}==");
        Assert.True(begin >= 0, $"step {name} did not run\n{this}");
        var output = new List<string>();
        for (var i = begin + 1; i < lines.Length; i++)
        {
            var end = EndMarker().Match(lines[i]);
            if (end.Success && end.Groups["name"].Value == name)
            {
                var rc = int.Parse(end.Groups["rc"].Value, CultureInfo.InvariantCulture);
                Assert.True(rc == expectedRc, $"step {name} exited {rc}, expected {expectedRc}\n{this}");
                return output;
            }

            output.Add(lines[i]);
        }

        Assert.Fail($"step {name} has no end marker\n{this}");
        return output;
    }

    /// <summary>The JSON-RPC responses ipmirpc printed in a step, by id.</summary>
    public IReadOnlyDictionary<string, JObject> Responses(string step, int expectedRc = 0)
    {
        var byId = new Dictionary<string, JObject>(StringComparer.Ordinal);
        foreach (var line in Step(step, expectedRc).Where(l => l.TrimStart().StartsWith('{')))
        {
            var message = JObject.Parse(line);
            var id = message["id"]?.ToString() ?? "";
            Assert.False(byId.ContainsKey(id), $"two responses with id {id}\n{this}");
            byId[id] = message;
        }

        return byId;
    }

    [GeneratedRegex("^==END (?<name>[^ ]+) rc=(?<rc>[0-9]+)==$")]
    private static partial Regex EndMarker();
}

/// <summary>Boots a guest through tests/inband/run-guest.sh with a test directory that becomes its /test.</summary>
public static class QemuGuest
{
    /// <summary>A guest that has not finished by then is killed (normal runs take 3–5 s).</summary>
    public static readonly TimeSpan HardTimeout = TimeSpan.FromSeconds(60);

    /// <param name="bmc">"sim", "sim:prop=value,…" (QEMU's ipmi-bmc-sim) or "extern:PORT" (an ipmi_sim on the host).</param>
    /// <param name="files">Extra files for /test (name → content), e.g. generated requests.</param>
    public static async Task<GuestRun> RunAsync(string guest, string bmc, IReadOnlyDictionary<string, string>? files = null)
    {
        var work = Directory.CreateTempSubdirectory("inband-");
        try
        {
            var testDir = Directory.CreateDirectory(Path.Combine(work.FullName, "test"));
            foreach (var file in Directory.GetFiles(Path.Combine(InBandAssets.ScriptDirectory, "guests", guest)))
            {
                File.Copy(file, Path.Combine(testDir.FullName, Path.GetFileName(file)));
            }

            foreach (var (name, content) in files ?? new Dictionary<string, string>())
            {
                await File.WriteAllTextAsync(Path.Combine(testDir.FullName, name), content);
            }

            var outDir = Path.Combine(work.FullName, "out");
            var timer = Stopwatch.StartNew();
            var result = await ProcessRunner.RunAsync(
                "bash",
                [Path.Combine(InBandAssets.ScriptDirectory, "run-guest.sh"), "--test-dir", testDir.FullName, "--out", outDir,
                 "--bmc", bmc, "--timeout", ((int)HardTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture)],
                timeout: HardTimeout + TimeSpan.FromSeconds(30));
            timer.Stop();
            return new GuestRun
            {
                ExitCode = result.ExitCode,
                Console = ReadOrEmpty(Path.Combine(outDir, "console.log")),
                Data = ReadOrEmpty(Path.Combine(outDir, "data.log")),
                Elapsed = timer.Elapsed,
                Stderr = result.StdErr,
            };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
