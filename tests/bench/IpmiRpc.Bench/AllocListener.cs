using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace IpmiRpc.Bench;

/// <summary>Diagnostic: sampled allocations by type (runtime event GCAllocationTick, one per ~100 KB allocated).</summary>
public sealed class AllocListener : EventListener
{
    public ConcurrentDictionary<string, long> Bytes { get; } = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName is { } name && name.StartsWith("GCAllocationTick", StringComparison.Ordinal) && e.PayloadNames is { } names && e.Payload is { } p)
        {
            var type = p[names.IndexOf("TypeName")] as string ?? "?";
            var amount = Convert.ToInt64(p[names.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
            Bytes.AddOrUpdate(type, amount, (_, n) => n + amount);
        }
    }
}
