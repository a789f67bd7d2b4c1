using System.Collections.Concurrent;
using System.Text;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>
/// On stdio answers are written by the threads that finished their requests (<c>writeInline</c>); two that meet at the
/// writer must not hand the later one to the thread pool (tests/bench/README.md, "Fifth pass: burst evenness").
/// </summary>
public sealed class MessageWriterTests
{
    [Fact]
    public async Task A_writer_that_finds_another_writing_writes_on_its_own_thread()
    {
        using var output = new HeldStream();
        using var writer = new MessageWriter(output, writeInline: true);
        Task? firstWrite = null;
        Task? secondWrite = null;
        var first = new Thread(() => firstWrite = writer.WriteBodyAsync("{\"id\":1}"u8.ToArray())) { Name = "first writer" };
        var second = new Thread(() => secondWrite = writer.WriteBodyAsync("{\"id\":2}"u8.ToArray())) { Name = "second writer" };

        first.Start();
        await HostHarness.WaitUntilAsync(() => output.Writers.Count == 1); // the first holds the writer, inside its write
        second.Start();
        // The second either blocks on its own thread (waiting for the writer) or has returned a task that waits for
        // it elsewhere; only then is the first write let through.
        await HostHarness.WaitUntilAsync(() => second.ThreadState.HasFlag(ThreadState.WaitSleepJoin) || !second.IsAlive);
        output.Release.Set();
        Assert.True(first.Join(HostHarness.DefaultWait) && second.Join(HostHarness.DefaultWait));
        await firstWrite!.WaitAsync(HostHarness.DefaultWait);
        await secondWrite!.WaitAsync(HostHarness.DefaultWait);

        Assert.Equal(["first writer", "second writer"], output.Writers);
        Assert.Equal("{\"id\":1}\n{\"id\":2}\n", Encoding.UTF8.GetString(output.Written.ToArray()));
    }

    /// <summary>Records the thread of every write; the first write blocks until <see cref="Release"/> is set.</summary>
    private sealed class HeldStream : Stream
    {
        public ManualResetEventSlim Release { get; } = new();

        public ConcurrentQueue<string?> Writers { get; } = new();

        public MemoryStream Written { get; } = new();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            Writers.Enqueue(Thread.CurrentThread.Name);
            if (!Release.Wait(HostHarness.DefaultWait))
            {
                throw new TimeoutException("the test never released the write");
            }

            lock (Written)
            {
                Written.Write(buffer, offset, count);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Release.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
