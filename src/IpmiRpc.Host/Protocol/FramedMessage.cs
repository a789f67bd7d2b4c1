namespace IpmiRpc.Host.Protocol;

/// <summary>
/// One unit read off the wire: either a complete message body or a framing problem the guard must answer
/// (the reader has already resynchronised past it).
/// </summary>
internal readonly record struct FramedMessage(byte[]? Body, FrameError? Error);

internal sealed record FrameError(int Code, string Reason);
