using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace IpmiRpc.Bench;

/// <summary>Diagnostic: counts methods the JIT compiles (runtime event MethodJittingStarted), by name.</summary>
public sealed class JitListener : EventListener
{
    public ConcurrentDictionary<string, int> Methods { get; } = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName == "MethodJittingStarted_V1" && e.Payload is { Count: >= 6 } p)
        {
            var name = $"{p[4]}::{p[5]}";
            Methods.AddOrUpdate(name, 1, (_, n) => n + 1);
        }
    }
}
