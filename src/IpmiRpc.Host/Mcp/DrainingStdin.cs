using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace IpmiRpc.Host.Mcp;

/// <summary>
/// stdin for the MCP server that holds end-of-input back until every request read has been answered. The SDK stops
/// the server as soon as its input ends, so a client that writes its requests and closes stdin (a script piping
/// ndjson, a test, <c>printf … | ipmirpc mcp</c>) got no answer at all, not even to <c>initialize</c>; the JSON-RPC
/// host drains the same way. Each line is looked at before the SDK sees it: a request's id is remembered, a
/// <c>notifications/cancelled</c> forgets its request (the SDK answers none then); the outgoing filter
/// (<see cref="ForgetAnswered"/>) forgets each id once its answer is written.
/// </summary>
internal sealed class DrainingStdin(Stream stdin, ILogger logger)
{
    /// <summary>Longest line whose id is read; a longer request is passed on unread and not waited for.</summary>
    public const int MaxInspectedLine = 1 << 20;

    private readonly Pipe _pipe = new();
    private readonly HashSet<string> _unanswered = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _inputEnded;

    /// <summary>What the SDK's transport reads: stdin's bytes, ending once stdin has ended and everything is answered.</summary>
    public Stream Input => _pipe.Reader.AsStream();

    /// <summary>Requests read and not answered yet.</summary>
    public int Unanswered
    {
        get
        {
            lock (_unanswered)
            {
                return _unanswered.Count;
            }
        }
    }

    /// <summary>
    /// Copies stdin to <see cref="Input"/> line by line until stdin ends, then waits until every request read has its
    /// answer written or <paramref name="drainLimit"/> has passed (each call has its own deadline, so this is a bound,
    /// not the expected wait), then ends <see cref="Input"/>.
    /// </summary>
    public async Task PumpAsync(TimeSpan drainLimit, CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        var lineTooLong = false;
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await stdin.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                var chunk = buffer.AsMemory(0, read);
                while (!chunk.IsEmpty)
                {
                    var newline = chunk.Span.IndexOf((byte)'\n');
                    var part = newline < 0 ? chunk : chunk[..(newline + 1)];
                    chunk = chunk[part.Length..];
                    if (!lineTooLong && line.Length + part.Length > MaxInspectedLine)
                    {
                        // Passed on as it comes: a message this large is not held in memory twice.
                        lineTooLong = true;
                        await ForwardAsync(line.GetBuffer().AsMemory(0, (int)line.Length), cancellationToken).ConfigureAwait(false);
                        line.SetLength(0);
                    }

                    if (lineTooLong)
                    {
                        await ForwardAsync(part, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        line.Write(part.Span);
                    }

                    if (newline >= 0)
                    {
                        if (!lineTooLong)
                        {
                            var complete = line.GetBuffer().AsMemory(0, (int)line.Length);
                            Remember(complete.Span);
                            await ForwardAsync(complete, cancellationToken).ConfigureAwait(false);
                        }

                        line.SetLength(0);
                        lineTooLong = false;
                    }
                }
            }

            if (line.Length > 0 && !lineTooLong)
            {
                // The last line without its newline still counts as a message.
                Remember(line.GetBuffer().AsSpan(0, (int)line.Length));
                await ForwardAsync(line.GetBuffer().AsMemory(0, (int)line.Length), cancellationToken).ConfigureAwait(false);
            }

            lock (_unanswered)
            {
                _inputEnded = true;
                if (_unanswered.Count == 0)
                {
                    _allAnswered.TrySetResult();
                }
            }

            if (await Task.WhenAny(_allAnswered.Task, Task.Delay(drainLimit, cancellationToken)).ConfigureAwait(false) != _allAnswered.Task)
            {
                logger.LogWarning("stdin ended; stopping with {Count} requests unanswered after {Limit}", Unanswered, drainLimit);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: end the input now.
        }
        catch (IOException ex)
        {
            logger.LogDebug(ex, "stdin failed; treated as its end");
        }
        finally
        {
            await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An outgoing message filter: once a response or error is written, its request is answered.</summary>
    public McpMessageFilter ForgetAnswered => next => async (context, cancellationToken) =>
    {
        await next(context, cancellationToken).ConfigureAwait(false);
        var id = context.JsonRpcMessage switch
        {
            JsonRpcResponse response => response.Id,
            JsonRpcError error => error.Id,
            _ => default(RequestId?),
        };
        if (id is { } answered)
        {
            Forget(Key(answered));
        }
    };

    private async ValueTask ForwardAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (!bytes.IsEmpty)
        {
            await _pipe.Writer.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Remember(ReadOnlySpan<byte> line)
    {
        var (id, method, cancelledId) = Inspect(line);
        if (method is null)
        {
            return;
        }

        if (id is not null)
        {
            lock (_unanswered)
            {
                _unanswered.Add(id);
            }
        }
        else if (method == NotificationMethods.CancelledNotification && cancelledId is not null)
        {
            Forget(cancelledId);
        }
    }

    private void Forget(string id)
    {
        lock (_unanswered)
        {
            if (_unanswered.Remove(id) && _inputEnded && _unanswered.Count == 0)
            {
                _allAnswered.TrySetResult();
            }
        }
    }

    private static string Key(RequestId id) => id.Id switch
    {
        string text => "s:" + text,
        long number => "n:" + number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        var other => "?:" + other,
    };

    /// <summary>A message's id (as <see cref="Key"/> spells it), method and, for a cancellation, the cancelled request's id;
    /// nulls for anything that is not a JSON object the SDK would take as a message.</summary>
    private static (string? Id, string? Method, string? CancelledId) Inspect(ReadOnlySpan<byte> line)
    {
        string? id = null, method = null, cancelledId = null;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "id":
                        id = IdKey(ref reader);
                        break;
                    case "method" when reader.TokenType == JsonTokenType.String:
                        method = reader.GetString();
                        break;
                    case "params" when reader.TokenType == JsonTokenType.StartObject:
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var field = reader.GetString();
                            reader.Read();
                            if (field == "requestId")
                            {
                                cancelledId = IdKey(ref reader);
                            }

                            reader.Skip();
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Not a message: the SDK answers or drops it; nothing to wait for.
            return default;
        }

        return (id, method, cancelledId);
    }

    private static string? IdKey(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => "s:" + reader.GetString(),
        JsonTokenType.Number when reader.TryGetInt64(out var number) => "n:" + number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
