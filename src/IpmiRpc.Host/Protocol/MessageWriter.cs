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
internal sealed class MessageWriter(Stream output, bool writeInline = false) : IDisposable
{
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _closed = new();
    private bool _broken;

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

    public void Dispose()
    {
        _gate.Dispose();
        _closed.Dispose();
    }
}
