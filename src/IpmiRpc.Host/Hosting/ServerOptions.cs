using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Hosting;

public sealed record ServerOptions
{
    public const int DefaultMaxMessageBytes = 1024 * 1024;
    public const int DefaultMaxBatchElements = 1000;
    public const int DefaultMaxBatchAnswerBytes = 16 * 1024 * 1024;
    public const int DefaultMaxRequestsInFlight = 256;
    public const int DefaultMaxConnections = 128;

    public Framing Framing { get; init; } = Framing.Auto;

    /// <summary>Largest message body accepted; bigger ones get -32600 and are skipped.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Most requests in one batch array; a longer batch is one -32600 "batch too large" answer.</summary>
    public int MaxBatchElements { get; init; } = DefaultMaxBatchElements;

    /// <summary>
    /// Most bytes of one batch's answer array: answers that would go past it are replaced by a short -32600 error,
    /// so one input line can never make the process build an answer of unbounded size.
    /// </summary>
    public int MaxBatchAnswerBytes { get; init; } = DefaultMaxBatchAnswerBytes;

    /// <summary>
    /// Most requests of one connection dispatched and not yet answered. At the limit no more input is read until one
    /// is answered, so a client that sends faster than it reads is held back by its own pipe instead of the host
    /// queueing without bound.
    /// </summary>
    public int MaxRequestsInFlight { get; init; } = DefaultMaxRequestsInFlight;

    /// <summary>With <c>--socket</c>: most connections served at once; further clients wait in the listen backlog.</summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>After SIGTERM/SIGINT: how long closing the pooled sessions may take before the process exits anyway.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(5);
}
