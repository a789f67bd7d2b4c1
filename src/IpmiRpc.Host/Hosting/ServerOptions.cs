using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Hosting;

public sealed record ServerOptions
{
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    public Framing Framing { get; init; } = Framing.Auto;

    /// <summary>Largest message body accepted; bigger ones get -32600 and are skipped.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;
}
