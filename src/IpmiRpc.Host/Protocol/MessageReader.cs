using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// Splits the input into messages without ever buffering more than the size limit for one of them: an oversize or
/// garbled message becomes a <see cref="FrameError"/> and reading resumes at the next line (ndjson) or the next
/// <c>Content-Length</c> header (header framing), so one bad message never ends the connection.
/// </summary>
internal sealed class MessageReader(PipeReader input, Framing framing, int maxMessageBytes)
{
    private const int MaxHeaderLineBytes = 8192;
    private static readonly byte[] ContentLengthName = "content-length"u8.ToArray();
    private static readonly byte[] ContentLengthHeader = "content-length:"u8.ToArray();

    public Framing Framing { get; private set; } = framing;

    /// <summary>Resolves <see cref="Framing.Auto"/> from the first non-whitespace byte. False on empty input.</summary>
    public async ValueTask<bool> DetectAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            foreach (var segment in buffer)
            {
                var span = segment.Span;
                for (var i = 0; i < span.Length; i++)
                {
                    if (IsWhitespace(span[i]))
                    {
                        continue;
                    }

                    if (Framing == Framing.Auto)
                    {
                        Framing = span[i] is (byte)'C' or (byte)'c' ? Framing.Headers : Framing.Ndjson;
                    }

                    input.AdvanceTo(buffer.GetPosition(i, consumed));
                    return true;
                }

                consumed = buffer.GetPosition(segment.Length, consumed);
            }

            input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                return false;
            }
        }
    }

    public IAsyncEnumerable<FramedMessage> ReadAllAsync(CancellationToken cancellationToken) =>
        Framing == Framing.Headers ? ReadHeaderFramedAsync(cancellationToken) : ReadLinesAsync(cancellationToken);

    private async IAsyncEnumerable<FramedMessage> ReadLinesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var skipping = false;
        var messages = new List<FramedMessage>();
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            messages.Clear();
            while (true)
            {
                var newline = buffer.PositionOf((byte)'\n');
                if (skipping)
                {
                    if (newline is null)
                    {
                        buffer = buffer.Slice(buffer.End);
                        break;
                    }

                    buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                    skipping = false;
                    continue;
                }

                if (newline is null)
                {
                    if (buffer.Length > maxMessageBytes)
                    {
                        messages.Add(Oversize());
                        skipping = true;
                        buffer = buffer.Slice(buffer.End);
                    }

                    break;
                }

                var line = buffer.Slice(0, newline.Value);
                buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                AddLine(messages, line);
            }

            if (result.IsCompleted && !skipping && buffer.Length > 0)
            {
                // Last line without a trailing newline.
                AddLine(messages, buffer);
                buffer = buffer.Slice(buffer.End);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            foreach (var message in messages)
            {
                yield return message;
            }

            if (result.IsCompleted)
            {
                yield break;
            }
        }
    }

    private void AddLine(List<FramedMessage> messages, ReadOnlySequence<byte> line)
    {
        if (line.Length > maxMessageBytes)
        {
            messages.Add(Oversize());
            return;
        }

        var bytes = line.ToArray();
        var span = bytes.AsSpan();
        var trimmed = span.Trim(" \t\r\f\v"u8);
        if (trimmed.IsEmpty)
        {
            return;
        }

        messages.Add(new FramedMessage(trimmed.Length == span.Length ? bytes : trimmed.ToArray(), null));
    }

    private FramedMessage Oversize() =>
        new(null, new FrameError(JsonRpcErrorCodes.InvalidRequest, $"message exceeds the limit of {maxMessageBytes} bytes"));

    private enum HeaderState { Headers, Resync, Body, Skip }

    /// <summary>
    /// LSP-style framing, read so that a lying or missing Content-Length costs one message, never the next ones: a
    /// header that starts mid-line (after a body shorter than announced) is found there; a body that runs into the
    /// next header (a length too long) ends where that header starts; an oversize body is skipped only up to the next
    /// Content-Length header (a length of 2,000,000,000 does not discard that many bytes); a JSON line
    /// without headers gets an error. Each dropped message is answered, with its id where one can be recovered.
    /// </summary>
    private async IAsyncEnumerable<FramedMessage> ReadHeaderFramedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var state = HeaderState.Headers;
        long contentLength = -1;
        long toSkip = 0;
        var sawHeader = false;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var messages = new List<FramedMessage>();
            var progress = true;
            while (progress)
            {
                progress = false;
                if (state == HeaderState.Skip)
                {
                    // An oversize body is skipped, but only up to the next Content-Length header: a lying length
                    // (2,000,000,000) must not swallow the messages after it.
                    var window = buffer.Slice(0, Math.Min(buffer.Length, toSkip)).ToArray();
                    var next = IndexOfContentLength(window);
                    if (next >= 0 || window.Length == toSkip)
                    {
                        buffer = buffer.Slice(next >= 0 ? next : toSkip);
                        state = HeaderState.Headers;
                        contentLength = -1;
                        progress = true;
                    }
                    else
                    {
                        // Keep the last bytes: a header name may continue in the next read.
                        var skipped = Math.Max(0, window.Length - (ContentLengthHeader.Length - 1));
                        buffer = buffer.Slice(skipped);
                        toSkip -= skipped;
                    }

                    continue;
                }

                if (state == HeaderState.Body)
                {
                    var available = buffer.Slice(0, Math.Min(buffer.Length, contentLength)).ToArray();
                    var header = IndexOfContentLength(available);
                    if (header > 0 && StrictJson.Check(available.AsSpan(0, header), out _) is null)
                    {
                        // The announced length runs into the next message's header: the body ends where it starts.
                        messages.Add(new FramedMessage(available[..header], null));
                        buffer = buffer.Slice(header);
                    }
                    else if (available.Length == contentLength)
                    {
                        messages.Add(new FramedMessage(available, null));
                        buffer = buffer.Slice(contentLength);
                    }
                    else
                    {
                        break;
                    }

                    state = HeaderState.Headers;
                    contentLength = -1;
                    progress = true;
                    continue;
                }

                var newline = buffer.PositionOf((byte)'\n');
                if (newline is null)
                {
                    if (buffer.Length > MaxHeaderLineBytes)
                    {
                        if (state == HeaderState.Headers)
                        {
                            messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "header line too long")));
                        }

                        state = HeaderState.Resync;
                        buffer = buffer.Slice(buffer.End);
                    }

                    break;
                }

                var lineSeq = buffer.Slice(0, newline.Value);
                progress = true;
                var line = lineSeq.Length > MaxHeaderLineBytes ? [] : lineSeq.ToArray().AsSpan().TrimEnd("\r"u8).ToArray();
                var headerAt = IndexOfContentLength(line);
                if (headerAt > 0)
                {
                    // A header after other bytes on its line (the tail of a body shorter than announced, or junk):
                    // answer what came before it, then read the header from where it starts.
                    // (While resynchronising, the problem has been answered already.)
                    if (state == HeaderState.Headers)
                    {
                        messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError,
                            "bytes outside any message (a Content-Length shorter than its body?)", StrictJson.RecoverId(line.AsSpan(0, headerAt)))));
                    }

                    buffer = buffer.Slice(headerAt);
                    state = HeaderState.Headers;
                    sawHeader = false;
                    contentLength = -1;
                    continue;
                }

                buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                var isContentLength = TryParseHeader(line, out var name, out var value) && name.AsSpan().SequenceEqual(ContentLengthName);
                if (state == HeaderState.Resync)
                {
                    if (!isContentLength)
                    {
                        continue;
                    }

                    state = HeaderState.Headers;
                    sawHeader = false;
                    contentLength = -1;
                }

                if (line.Length == 0)
                {
                    if (!sawHeader)
                    {
                        continue; // blank lines between messages
                    }

                    sawHeader = false;
                    if (contentLength < 0)
                    {
                        messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "header block without a valid Content-Length")));
                    }
                    else if (contentLength > maxMessageBytes)
                    {
                        messages.Add(Oversize());
                        state = HeaderState.Skip;
                        toSkip = contentLength;
                    }
                    else
                    {
                        state = HeaderState.Body;
                    }

                    continue;
                }

                if (!sawHeader && line[0] is (byte)'{' or (byte)'[')
                {
                    messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.InvalidRequest,
                        "a message without a Content-Length header (this connection uses header framing)", StrictJson.RecoverId(line))));
                    continue;
                }

                if (name is null)
                {
                    messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "malformed header line", StrictJson.RecoverId(line))));
                    state = HeaderState.Resync;
                    continue;
                }

                sawHeader = true;
                if (isContentLength)
                {
                    contentLength = long.TryParse(Encoding.ASCII.GetString(value), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
                }
            }

            if (result.IsCompleted && state == HeaderState.Body)
            {
                messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "input ended inside a message body",
                    StrictJson.RecoverId(buffer.ToArray()))));
                buffer = buffer.Slice(buffer.End);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            foreach (var message in messages)
            {
                yield return message;
            }

            if (result.IsCompleted)
            {
                yield break;
            }
        }
    }

    /// <summary>Where a <c>Content-Length:</c> header name starts in <paramref name="bytes"/> (any case), or -1.</summary>
    private static int IndexOfContentLength(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i + ContentLengthHeader.Length <= bytes.Length; i++)
        {
            if ((bytes[i] | 0x20) == 'c' && Ascii.EqualsIgnoreCase(bytes.Slice(i, ContentLengthHeader.Length), ContentLengthHeader))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Splits <c>Name: value</c>; the name comes back lower-cased. False (name null) when the line is not a header.</summary>
    private static bool TryParseHeader(ReadOnlySpan<byte> line, out byte[]? name, out byte[] value)
    {
        name = null;
        value = [];
        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }

        var rawName = line[..colon];
        foreach (var b in rawName)
        {
            // RFC 9110 token characters only: a JSON line ({"jsonrpc":…) is not a header named {"jsonrpc".
            if (b is <= 32 or >= 127 or (byte)'"' or (byte)'(' or (byte)')' or (byte)',' or (byte)'/' or (byte)':' or (byte)';'
                or (byte)'<' or (byte)'=' or (byte)'>' or (byte)'?' or (byte)'@' or (byte)'[' or (byte)'\\' or (byte)']' or (byte)'{' or (byte)'}')
            {
                return false;
            }
        }

        name = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(rawName).ToLowerInvariant());
        value = line[(colon + 1)..].Trim(" \t"u8).ToArray();
        return true;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
