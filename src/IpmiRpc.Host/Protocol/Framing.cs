namespace IpmiRpc.Host.Protocol;

/// <summary>How JSON-RPC messages are delimited on stdin/stdout.</summary>
public enum Framing
{
    /// <summary>Decide from the first non-whitespace byte of input.</summary>
    Auto,

    /// <summary>One JSON message per line (newline-delimited JSON).</summary>
    Ndjson,

    /// <summary>LSP-style <c>Content-Length: N\r\n\r\n</c> headers before each message.</summary>
    Headers,
}
