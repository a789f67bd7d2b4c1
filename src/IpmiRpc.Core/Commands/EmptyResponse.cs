namespace IpmiRpc.Core.Commands;

/// <summary>The decoded answer of a command whose response is the completion code alone (a Set … command).</summary>
public sealed record EmptyResponse
{
    public static EmptyResponse Instance { get; } = new();
}
