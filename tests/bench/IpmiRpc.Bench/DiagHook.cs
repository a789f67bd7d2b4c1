using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime;
using System.Text;

/// <summary>
/// BENCH_BURST_DIAG: a .NET startup hook (DOTNET_STARTUP_HOOKS = this assembly) that the bench loads into the
/// framework-dependent ipmirpc it starts, so the runtime's own counters (GC collections by generation and pause time,
/// thread-pool work items and threads, lock contention, JIT) can be read per burst round without a diagnostic method
/// in the product. It answers each line written to the Unix socket named by BENCH_DIAG_SOCKET with one line of counters.
/// A NativeAOT server has no startup hooks: the bench then reports the counters as unavailable.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("BENCH_DIAG_SOCKET") is not { Length: > 0 } path)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("BENCH_DIAG_JIT_FILE") is { Length: > 0 } jitFile)
        {
            _jit = new JitListener();
            _jitFile = jitFile;
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        new Thread(() => Serve(listener)) { IsBackground = true, Name = "bench diag" }.Start();
    }

    private static void Serve(Socket listener)
    {
        var buffer = new byte[64];
        while (true)
        {
            using var client = listener.Accept();
            while (client.Receive(buffer) > 0)
            {
                if (_jit is not null && _jitFile is not null)
                {
                    // Methods compiled since the last snapshot, with their tier, for the round just ended.
                    var lines = new List<string> { "--- snapshot" };
                    while (_jit.Loaded.TryDequeue(out var line))
                    {
                        lines.Add(line);
                    }

                    File.AppendAllLines(_jitFile, lines);
                }

                client.Send(Encoding.ASCII.GetBytes(Snapshot() + "\n"));
            }
        }
    }

    private static JitListener? _jit;
    private static string? _jitFile;

    /// <summary>MethodLoadVerbose events: the method and the tier it was compiled at (MethodFlags bits 7–9).</summary>
    private sealed class JitListener : EventListener
    {
        public ConcurrentQueue<string> Loaded { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName is { } name && name.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) && e.PayloadNames is { } names && e.Payload is { } p)
            {
                var flags = Convert.ToInt64(p[names.IndexOf("MethodFlags")], CultureInfo.InvariantCulture);
                Loaded.Enqueue(string.Create(CultureInfo.InvariantCulture, $"tier{(flags >> 7) & 7} {p[names.IndexOf("MethodNamespace")]}::{p[names.IndexOf("MethodName")]}"));
            }
        }
    }

    internal static string Snapshot() => string.Create(CultureInfo.InvariantCulture,
        $"{GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:0.###} " +
        $"{ThreadPool.CompletedWorkItemCount} {ThreadPool.ThreadCount} {Monitor.LockContentionCount} {GC.GetTotalAllocatedBytes(false)} " +
        $"{System.Runtime.JitInfo.GetCompiledMethodCount(false)} {System.Runtime.JitInfo.GetCompilationTime(false).TotalMilliseconds:0.###} {GCSettings.IsServerGC}");
}
