namespace IpmiRpc.Host.Protocol;

/// <summary>
/// One unit read off the wire: either a complete message body or a framing problem the guard must answer
/// (the reader has already resynchronised past it).
/// </summary>
internal readonly record struct FramedMessage(byte[]? Body, FrameError? Error);

/// <param name="RawId">The id of the dropped message when it could be recovered (raw JSON text), else null.</param>
internal sealed record FrameError(int Code, string Reason, string? RawId = null);
