using System.Buffers;
using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The one writer of protocol bytes: every response goes through here, serialized, in the framing the input used,
/// so concurrent responses never interleave.
/// </summary>
/// <param name="writeInline">
/// Write with the stream's blocking write on the caller's thread. Stdout is a pipe or file whose asynchronous write
/// .NET runs as a blocking write on a thread-pool thread, so the async path costs a wake of another thread per answer;
/// inline, the thread that finished the request writes its answer. A client that stops reading then blocks that thread
/// (a transport receive thread, or the reader for an error answer) until it reads again, and every other transport
/// thread that comes to write an answer meanwhile; their datagrams wait in the socket's buffer.
/// </param>
/// <remarks>
/// Inline, the answers the stdin reader finishes itself (the request answered at once, an error) are held, under the
/// writer's lock, until the reader is about to wait — for input, an in-flight slot, or anything else — or until
/// <see cref="HeldBytes"/> have gathered: requests written at once then get their answers in one write per read of
/// input instead of one write (and one wake of the client) per answer. Any other thread's answer takes the held ones
/// along in its own write, so the bytes leave in the order their writes were called, as before.
/// </remarks>
internal sealed class MessageWriter(Stream output, bool writeInline = false) : IDisposable
{
    /// <summary>At most this many bytes of the reader's answers are held before they are written.</summary>
    internal const int HeldBytes = 32 * 1024;
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private bool _broken;
    private byte[]? _held;
    private int _heldLength;

    public Framing Framing { get; set; } = Framing.Ndjson;

    /// <summary>Fires once the output is gone (the reader closed its end): nothing more can be delivered.</summary>
    public CancellationToken Closed => _closed.Token;

    public Task WriteAsync(JToken message, CancellationToken cancellationToken = default) =>
        WriteBodyAsync(Serialize(message), cancellationToken);

    /// <summary>One message as compact UTF-8 JSON (what <see cref="WriteAsync"/> sends).</summary>
    public static byte[] Serialize(JToken message) => JsonBytes.Write(message);

    /// <summary>Writes one already serialized message body in the current framing; <paramref name="body"/> is read until the task completes.</summary>
    public async Task WriteBodyAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        byte[]? header = Framing == Framing.Headers
            ? Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n"))
            : null;

        if (writeInline && !Thread.CurrentThread.IsThreadPoolThread)
        {
            // A transport thread or the reader waits here on its own thread: an asynchronous wait on a SemaphoreSlim
            // resumes through the thread pool, and once two transport threads met here the later answers of a burst
            // went from writer to pool worker to pool worker, one queued item and often one wake each
            // (tests/bench/README.md, "Fifth pass: burst evenness"). A pool thread still waits asynchronously, so a
            // client that stops reading never piles pool threads up here.
            _gate.Wait(cancellationToken);
        }
        else
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var brokeNow = false;
        try
        {
            if (_broken)
            {
                return;
            }

            // One write per message: on stdout or a socket every write is a system call, and a reader may wake
            // for each piece.
            var prefix = header ?? [];
            var suffix = header is null ? Newline : [];
            var length = prefix.Length + body.Length + suffix.Length;
            var onReader = writeInline && DedicatedReader.OnReaderThread;
            if (onReader || _heldLength > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_heldLength > 0 && _heldLength + length > HeldBytes)
                {
                    WriteHeld();
                }

                if (_heldLength + length <= HeldBytes)
                {
                    _held ??= new byte[HeldBytes];
                    prefix.CopyTo(_held, _heldLength);
                    body.Span.CopyTo(_held.AsSpan(_heldLength + prefix.Length));
                    suffix.CopyTo(_held, _heldLength + prefix.Length + body.Length);
                    _heldLength += length;
                    if (!onReader)
                    {
                        // Another thread's answer: out now, in one write with the reader's held before it.
                        WriteHeld();
                    }

                    return;
                }

                // Larger than what is held at most: a write of its own, the held ones written before it.
            }

            var framed = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                prefix.CopyTo(framed, 0);
                body.Span.CopyTo(framed.AsSpan(prefix.Length));
                suffix.CopyTo(framed, prefix.Length + body.Length);
                if (writeInline)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    output.Write(framed, 0, length);
                    output.Flush();
                }
                else
                {
                    await output.WriteAsync(framed.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(framed);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The reader went away (closed pipe, reset socket). Nothing more can be delivered: the connection's work
            // is cancelled (see Closed) rather than finished for nobody.
            brokeNow = !_broken;
            _broken = true;
        }
        finally
        {
            _gate.Release();
        }

        if (brokeNow)
        {
            await _closed.CancelAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the answers the reader holds (see the remarks). The reader calls this before it waits for anything, so
    /// no answer waits for the next input. Inline writers only.
    /// </summary>
    public void FlushHeld()
    {
        if (Volatile.Read(ref _heldLength) == 0)
        {
            return;
        }

        _gate.Wait();
        var brokeNow = false;
        try
        {
            if (_heldLength > 0 && !_broken)
            {
                WriteHeld();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            brokeNow = !_broken;
            _broken = true;
        }
        finally
        {
            _heldLength = 0;
            _gate.Release();
        }

        if (brokeNow)
        {
            // Not inline: the reader calls this from where the connection's cancellation must not run.
            _ = _closed.CancelAsync();
        }
    }

    /// <summary>Under the gate: the held answers in one write.</summary>
    private void WriteHeld()
    {
        var length = _heldLength;
        _heldLength = 0;
        output.Write(_held!, 0, length);
        output.Flush();
    }

    public void Dispose()
    {
        _gate.Dispose();
        _closed.Dispose();
    }
}
