namespace IpmiRpc.Host.Protocol;

/// <summary>
/// Reads the input on a thread of its own with blocking reads, and hands each message to the guard on that thread:
/// the one thread a request line wakes is the one that parses it and (through <see cref="InlineDispatchContext"/>)
/// starts its method, instead of a thread-pool read completing, a channel waking a worker and StreamJsonRpc queueing
/// the invocation to another.
/// </summary>
/// <remarks>
/// Used for stdin, where a read is a blocking system call anyway (.NET runs a console or pipe stream's asynchronous
/// read as a blocking read on a thread-pool thread). A message whose handling has to wait (every in-flight slot
/// taken, the writer busy with another answer) blocks this thread, which is the backpressure the async loop had.
/// A read cannot be cancelled: on a stop the loop is abandoned, blocked in its read, like the async one was, and the
/// thread is a background thread so it never holds the process.
/// </remarks>
internal static class DedicatedReader
{
    [ThreadStatic]
    private static bool t_isReader;

    /// <summary>
    /// True on a reader thread: code there may block instead of awaiting, since the thread waits for the message's
    /// handling anyway, and an await resumed by another thread's release would go through the thread pool.
    /// </summary>
    public static bool OnReaderThread => t_isReader;

    /// <summary>Starts the thread; the task ends when the input ends, <paramref name="stop"/> is seen between reads, or a read fails.</summary>
    /// <param name="accept">Handles one message; called on the reader thread, in input order, one at a time.</param>
    /// <param name="framingKnown">Called once the framing is known (before the first message).</param>
    /// <param name="beforeWait">
    /// Called on the reader thread before every read of input, before waiting for a message's handling to finish, and
    /// once reading is over: the writer writes the answers it held for the reader (<see cref="MessageWriter.FlushHeld"/>).
    /// </param>
    public static Task Start(Stream input, Framing framing, int maxMessageBytes, Func<FramedMessage, CancellationToken, Task> accept,
        Action<Framing> framingKnown, CancellationToken stop, Action? beforeWait = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        beforeWait ??= static () => { };
        var thread = new Thread(() =>
        {
            t_isReader = true;
            try
            {
                try
                {
                    Run(new BlockingReadStream(input, beforeWait), framing, maxMessageBytes, accept, framingKnown, beforeWait, stop);
                }
                finally
                {
                    beforeWait();
                }

                done.TrySetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "IpmiRpc stdin reader",
        };
        thread.Start();
        return done.Task;
    }

    private static void Run(Stream input, Framing framing, int maxMessageBytes, Func<FramedMessage, CancellationToken, Task> accept,
        Action<Framing> framingKnown, Action beforeWait, CancellationToken stop)
    {
        var pipe = System.IO.Pipelines.PipeReader.Create(input, new System.IO.Pipelines.StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var reader = new MessageReader(pipe, framing, maxMessageBytes);
        if (!Wait(reader.DetectAsync(stop)))
        {
            return;
        }

        framingKnown(reader.Framing);
        var messages = reader.ReadAllAsync(stop).GetAsyncEnumerator(stop);
        // A read in progress when the stop came cannot be taken back: what it brought is dropped, not started.
        while (!stop.IsCancellationRequested && Wait(messages.MoveNextAsync()) && !stop.IsCancellationRequested)
        {
            // Blocks until the guard has taken the message, and throws what it threw (not an AggregateException).
            var accepted = accept(messages.Current, stop);
            if (!accepted.IsCompleted)
            {
                beforeWait();
            }

            accepted.GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Over <see cref="BlockingReadStream"/> the reader's awaits complete before they return, so this rarely blocks;
    /// when one does not, blocking here keeps the loop on this thread.
    /// </summary>
    private static bool Wait(ValueTask<bool> pending) => pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// A stream whose asynchronous read is the inner stream's blocking read, done by the caller: the pipe reader above
    /// it then fills its buffer on the reader thread instead of queueing the read to the thread pool. Each read is
    /// preceded by <paramref name="beforeRead"/>.
    /// </summary>
    private sealed class BlockingReadStream(Stream inner, Action beforeRead) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            beforeRead();
            return inner.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new ValueTask<int>(Read(buffer.Span));
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
