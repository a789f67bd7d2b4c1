using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace IpmiRpc.Bench;

/// <summary>Diagnostic: tallies runtime events by a key the event gives (methods JIT-compiled, bytes allocated by type).</summary>
public sealed class RuntimeEventTally : EventListener
{
    private const string Runtime = "Microsoft-Windows-DotNETRuntime";
    private readonly Func<EventWrittenEventArgs, (string Key, long Amount)?>? _select;
    private readonly EventKeywords _keywords;

    private RuntimeEventTally(EventKeywords keywords, Func<EventWrittenEventArgs, (string Key, long Amount)?> select)
    {
        // The base constructor announces existing sources before these fields are set: enable them here instead.
        _keywords = keywords;
        _select = select;
        foreach (var source in EventSource.GetSources().Where(s => s.Name == Runtime))
        {
            EnableEvents(source, EventLevel.Verbose, _keywords);
        }
    }

    public ConcurrentDictionary<string, long> Counts { get; } = new();

    /// <summary>Methods the JIT compiles (MethodJittingStarted), by name.</summary>
    public static RuntimeEventTally JitCompiled() => new((EventKeywords)0x10, e =>
        e.EventName == "MethodJittingStarted_V1" && e.Payload is { Count: >= 6 } p ? ($"{p[4]}::{p[5]}", 1) : null);

    /// <summary>Sampled allocations by type (GCAllocationTick, one per ~100 KB allocated).</summary>
    public static RuntimeEventTally Allocations() => new((EventKeywords)0x1, e =>
        e.EventName is { } name && name.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.PayloadNames is { } names && e.Payload is { } p
            ? (p[names.IndexOf("TypeName")] as string ?? "?", Convert.ToInt64(p[names.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture))
            : null);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == Runtime && _select is not null)
        {
            EnableEvents(eventSource, EventLevel.Verbose, _keywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (_select?.Invoke(e) is { } tally)
        {
            Counts.AddOrUpdate(tally.Key, tally.Amount, (_, n) => n + tally.Amount);
        }
    }
}
