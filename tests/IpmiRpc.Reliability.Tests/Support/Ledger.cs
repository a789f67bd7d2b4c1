using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using IpmiRpc.TestSupport;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace IpmiRpc.Reliability.Tests.Support;

/// <summary>Counts of one scenario: every request sent ends up in exactly one of answered / clear error / lost / wrong.</summary>
public sealed class Tally(string scenario)
{
    private long _sent;
    private long _answered;
    private long _clearErrors;
    private long _lost;
    private long _wrong;
    private long _maxLatencyMs;
    private readonly ConcurrentDictionary<int, long> _errorCodes = new();
    private readonly ConcurrentQueue<string> _problems = new();

    public string Scenario { get; } = scenario;
    public long Sent => Interlocked.Read(ref _sent);
    public long Answered => Interlocked.Read(ref _answered);
    public long ClearErrors => Interlocked.Read(ref _clearErrors);
    public long Lost => Interlocked.Read(ref _lost);
    public long Wrong => Interlocked.Read(ref _wrong);
    public long MaxLatencyMs => Interlocked.Read(ref _maxLatencyMs);
    public IReadOnlyDictionary<int, long> ErrorCodes => _errorCodes;

    /// <summary>Up to 20 descriptions of lost or wrong requests (for the failure message).</summary>
    public IReadOnlyList<string> Problems => _problems.ToArray();

    public void OnSent() => Interlocked.Increment(ref _sent);

    public void OnAnswered(long latencyMs)
    {
        Interlocked.Increment(ref _answered);
        Latency(latencyMs);
    }

    public void OnClearError(int code, long latencyMs)
    {
        Interlocked.Increment(ref _clearErrors);
        _errorCodes.AddOrUpdate(code, 1, (_, n) => n + 1);
        Latency(latencyMs);
    }

    public void OnLost(string what)
    {
        Interlocked.Increment(ref _lost);
        Problem("LOST " + what);
    }

    public void OnWrong(string what)
    {
        Interlocked.Increment(ref _wrong);
        Problem("WRONG " + what);
    }

    public override string ToString()
    {
        var codes = string.Join(", ", _errorCodes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}×{kv.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{Scenario}: sent {Sent}, answered {Answered}, clear errors {ClearErrors}{(codes.Length > 0 ? " (" + codes + ")" : "")}, lost {Lost}, wrong {Wrong}, max latency {MaxLatencyMs} ms");
    }

    private void Latency(long ms)
    {
        long seen;
        while (ms > (seen = Interlocked.Read(ref _maxLatencyMs)) && Interlocked.CompareExchange(ref _maxLatencyMs, ms, seen) != seen)
        {
        }
    }

    private void Problem(string text)
    {
        if (_problems.Count < 20)
            _problems.Enqueue(text);
    }
}

/// <summary>
/// Everything the reliability tests measured, for the summary printed at the end (test output and
/// artifacts/test-results/reliability-summary.txt, or $IPMIRPC_RELIABILITY_SUMMARY).
/// </summary>
public static class Ledger
{
    private static readonly ConcurrentQueue<Tally> Tallies = new();
    private static readonly ConcurrentQueue<string> Faults = new();
    private static readonly ConcurrentQueue<string> Leaks = new();
    private static readonly ConcurrentQueue<string> Notes = new();

    public static Tally NewTally(string scenario)
    {
        var t = new Tally(scenario);
        Tallies.Enqueue(t);
        return t;
    }

    public static void Fault(string description) => Faults.Enqueue(description);

    public static void Leak(string description) => Leaks.Enqueue(description);

    public static void Note(string description) => Notes.Enqueue(description);

    public static string Render()
    {
        var sb = new StringBuilder();
        var all = Tallies.ToArray();
        sb.AppendLine("=== IpmiRpc reliability summary ===");
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"TOTAL: requests {all.Sum(t => t.Sent)}, answered {all.Sum(t => t.Answered)}, clear errors {all.Sum(t => t.ClearErrors)}, lost {all.Sum(t => t.Lost)}, wrong {all.Sum(t => t.Wrong)}");
        sb.AppendLine(CultureInfo.InvariantCulture, $"faults tried ({Faults.Count}):");
        foreach (var f in Faults)
            sb.Append("  ").AppendLine(f);
        sb.AppendLine("scenarios:");
        foreach (var t in all)
            sb.Append("  ").AppendLine(t.ToString());
        sb.AppendLine("leaks:");
        foreach (var l in Leaks)
            sb.Append("  ").AppendLine(l);
        if (!Notes.IsEmpty)
        {
            sb.AppendLine("notes:");
            foreach (var n in Notes)
                sb.Append("  ").AppendLine(n);
        }

        return sb.ToString();
    }

    public static string SummaryPath =>
        Environment.GetEnvironmentVariable("IPMIRPC_RELIABILITY_SUMMARY") is { Length: > 0 } p
            ? p
            : Path.Combine(RepoPaths.Root, "artifacts", "test-results", "reliability-summary.txt");

    public static void WriteFile()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(SummaryPath)!);
            File.WriteAllText(SummaryPath, Render());
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>One collection for the whole assembly: tests run one at a time (timing-sensitive on 2 cores), summary at the end.</summary>
[CollectionDefinition(Name)]
public sealed class ReliabilityCollection : ICollectionFixture<SummaryFixture>
{
    public const string Name = "Reliability";
}

public sealed class SummaryFixture(IMessageSink sink) : IDisposable
{
    public void Dispose()
    {
        Ledger.WriteFile();
        var text = Ledger.Render();
        sink.OnMessage(new DiagnosticMessage(text));
        // Also on the runner's console, where `dotnet test` shows it.
        Console.Error.WriteLine(text);
        Console.Error.WriteLine("(written to " + Ledger.SummaryPath + ")");
    }
}

/// <summary>Base for tests: prints the running summary after each test too, so it is visible in any test's output.</summary>
public abstract class ReliabilityTest(ITestOutputHelper output) : IDisposable
{
    protected ITestOutputHelper Output { get; } = output;

    protected void Log(string line)
    {
        try
        {
            Output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public virtual void Dispose()
    {
        Ledger.WriteFile();
        Log(Ledger.Render());
        GC.SuppressFinalize(this);
    }
}
