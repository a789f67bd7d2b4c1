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
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var messages = new List<FramedMessage>();
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

    private async IAsyncEnumerable<FramedMessage> ReadHeaderFramedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var state = HeaderState.Headers;
        long contentLength = -1;
        var sawHeader = false;
        long toSkip = 0;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var messages = new List<FramedMessage>();
            var progress = true;
            while (progress)
            {
                progress = false;
                switch (state)
                {
                    case HeaderState.Headers:
                    case HeaderState.Resync:
                    {
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
                        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                        progress = true;
                        var line = lineSeq.Length > MaxHeaderLineBytes ? [] : lineSeq.ToArray().AsSpan().TrimEnd("\r"u8).ToArray();
                        var isContentLength = TryParseHeader(line, out var name, out var value) && name.SequenceEqual(ContentLengthName);
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

                            if (contentLength < 0)
                            {
                                messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "header block without a valid Content-Length")));
                                sawHeader = false;
                                continue;
                            }

                            if (contentLength > maxMessageBytes)
                            {
                                messages.Add(Oversize());
                                state = HeaderState.Skip;
                                toSkip = contentLength;
                            }
                            else
                            {
                                state = HeaderState.Body;
                            }

                            sawHeader = false;
                            continue;
                        }

                        if (name is null)
                        {
                            messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "malformed header line")));
                            state = HeaderState.Resync;
                            continue;
                        }

                        sawHeader = true;
                        if (isContentLength)
                        {
                            contentLength = long.TryParse(Encoding.ASCII.GetString(value), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;
                        }

                        break;
                    }

                    case HeaderState.Body:
                        if (buffer.Length >= contentLength)
                        {
                            var body = buffer.Slice(0, contentLength).ToArray();
                            buffer = buffer.Slice(contentLength);
                            messages.Add(new FramedMessage(body, null));
                            state = HeaderState.Headers;
                            contentLength = -1;
                            progress = true;
                        }

                        break;

                    case HeaderState.Skip:
                    {
                        var n = Math.Min(toSkip, buffer.Length);
                        buffer = buffer.Slice(n);
                        toSkip -= n;
                        if (toSkip == 0)
                        {
                            state = HeaderState.Headers;
                            contentLength = -1;
                            progress = true;
                        }

                        break;
                    }
                }
            }

            if (result.IsCompleted && state == HeaderState.Body && buffer.Length < contentLength)
            {
                messages.Add(new FramedMessage(null, new FrameError(JsonRpcErrorCodes.ParseError, "input ended inside a message body")));
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
            if (b is <= 32 or >= 127)
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
