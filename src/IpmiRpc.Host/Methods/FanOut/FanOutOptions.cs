namespace IpmiRpc.Host.Methods.FanOut;

/// <summary>Bounds of a fan-out (<c>targets</c>): how many targets, how many at once, how often progress is told.</summary>
public sealed record FanOutOptions
{
    public const int DefaultMaxTargets = 100_000;

    /// <summary>FreeIPMI's tools fan out 64 at a time (<c>-F</c>); the same is safe for one process and one core.</summary>
    public const int DefaultMaxConcurrency = 64;

    /// <summary>
    /// One call at a time per BMC: many real BMCs hold one to four outstanding requests, and a fan-out that names a
    /// BMC twice (overlapping groups) must not double its load.
    /// </summary>
    public const int DefaultMaxPerBmc = 1;

    /// <summary>Most targets one call may expand to (names, groups and ranges together).</summary>
    public int MaxTargets { get; init; } = DefaultMaxTargets;

    /// <summary>Per-target calls running at once, across every fan-out of the process.</summary>
    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>Per-target calls running at once to one BMC (transport, address, port), across every fan-out.</summary>
    public int MaxPerBmc { get; init; } = DefaultMaxPerBmc;

    /// <summary>Least time between two progress notifications of one fan-out (the last, done = total, is always sent).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
