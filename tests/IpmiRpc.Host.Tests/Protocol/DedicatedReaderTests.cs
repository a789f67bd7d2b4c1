using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>The stdin reader thread: order, the end of input, oversize lines, backpressure and a stop.</summary>
public sealed class DedicatedReaderTests
{
    private static readonly TimeSpan Bound = HostHarness.DefaultWait; // fails a broken build, never a measurement

    private sealed class Recorder
    {
        public ConcurrentQueue<(string? Text, FrameError? Error, string? Thread)> Seen { get; } = new();

        public Func<FramedMessage, CancellationToken, Task>? Next { get; set; }

        public Task Accept(FramedMessage message, CancellationToken ct)
        {
            Seen.Enqueue((message.Body is null ? null : Encoding.UTF8.GetString(message.Body), message.Error, Thread.CurrentThread.Name));
            return Next?.Invoke(message, ct) ?? Task.CompletedTask;
        }
    }

    private static Task Start(Pipe input, Recorder recorder, CancellationToken stop = default, int maxMessageBytes = 1024) =>
        DedicatedReader.Start(input.Reader.AsStream(), Framing.Auto, maxMessageBytes, recorder.Accept, _ => { }, stop);

    [Fact]
    public async Task Messages_ArriveInInputOrder_OnTheReaderThread_AndTheTaskEndsAtEndOfInput()
    {
        var input = new Pipe();
        var recorder = new Recorder();
        var run = Start(input, recorder);
        for (var i = 0; i < 50; i++)
        {
            await input.Writer.WriteAsync(Encoding.UTF8.GetBytes($"{{\"n\":{i}}}\n"));
        }

        await input.Writer.WriteAsync("{\"last\":true}"u8.ToArray()); // no trailing newline
        await input.Writer.CompleteAsync();
        await run.WaitAsync(Bound);

        var seen = recorder.Seen.ToArray();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{{\"n\":{i}}}").Append("{\"last\":true}"), seen.Select(s => s.Text));
        Assert.All(seen, s => Assert.Equal("IpmiRpc stdin reader", s.Thread));
    }

    [Fact]
    public async Task EmptyInput_EndsWithoutAMessage()
    {
        var input = new Pipe();
        var recorder = new Recorder();
        var run = Start(input, recorder);
        await input.Writer.CompleteAsync();
        await run.WaitAsync(Bound);
        Assert.Empty(recorder.Seen);
    }

    [Fact]
    public async Task AnOversizeLine_IsOneError_AndTheNextLineStillArrives()
    {
        var input = new Pipe();
        var recorder = new Recorder();
        var run = Start(input, recorder, maxMessageBytes: 64);
        await input.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"a\":\"" + new string('x', 500) + "\"}\n{\"b\":1}\n"));
        await input.Writer.CompleteAsync();
        await run.WaitAsync(Bound);

        var seen = recorder.Seen.ToArray();
        Assert.Equal(2, seen.Length);
        Assert.Null(seen[0].Text);
        Assert.Contains("exceeds the limit", seen[0].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal("{\"b\":1}", seen[1].Text);
    }

    [Fact]
    public async Task AMessageThatWaits_HoldsBackTheNextOne()
    {
        var input = new Pipe();
        var firstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondSawFirstDone = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new Recorder();
        recorder.Next = (message, _) =>
        {
            if (recorder.Seen.Count == 1)
            {
                return firstDone.Task; // e.g. every in-flight slot taken
            }

            secondSawFirstDone.TrySetResult(firstDone.Task.IsCompleted);
            return Task.CompletedTask;
        };
        var run = Start(input, recorder);
        await input.Writer.WriteAsync("{\"n\":1}\n"u8.ToArray());
        await HostHarness.WaitUntilAsync(() => recorder.Seen.Count == 1);
        await input.Writer.WriteAsync("{\"n\":2}\n"u8.ToArray());
        // Only a reader that does not wait hands the second line on now; give it a moment to show it (a correct one
        // passes whatever this window is: it cannot make the test flaky, only let a broken reader slip through).
        SpinWait.SpinUntil(() => recorder.Seen.Count == 2, TimeSpan.FromMilliseconds(200));
        firstDone.SetResult();

        Assert.True(await secondSawFirstDone.Task.WaitAsync(Bound));
        await input.Writer.CompleteAsync();
        await run.WaitAsync(Bound);
        Assert.Equal(2, recorder.Seen.Count);
    }

    [Fact]
    public async Task AStop_EndsTheLoop_AndWhatTheLastReadBroughtIsNotHandedOn()
    {
        var input = new Pipe();
        using var stop = new CancellationTokenSource();
        var recorder = new Recorder();
        var run = Start(input, recorder, stop.Token);
        await input.Writer.WriteAsync("{\"n\":1}\n"u8.ToArray());
        await HostHarness.WaitUntilAsync(() => recorder.Seen.Count == 1);

        await stop.CancelAsync();
        await input.Writer.WriteAsync("{\"n\":2}\n"u8.ToArray()); // wakes the blocked read
        await run.WaitAsync(Bound);

        Assert.Single(recorder.Seen);
        Assert.False(run.IsFaulted);
    }

    [Fact]
    public async Task AStop_WhileAMessageWaits_EndsTheLoopWithoutAFault()
    {
        var input = new Pipe();
        using var stop = new CancellationTokenSource();
        var recorder = new Recorder { Next = (_, ct) => Task.Delay(Timeout.Infinite, ct) }; // e.g. waiting for a slot
        var run = Start(input, recorder, stop.Token);
        await input.Writer.WriteAsync("{\"n\":1}\n"u8.ToArray());
        await HostHarness.WaitUntilAsync(() => recorder.Seen.Count == 1);

        await stop.CancelAsync();
        await run.WaitAsync(Bound);

        Assert.False(run.IsFaulted);
    }

    [Fact]
    public async Task AFailedRead_FaultsTheTask()
    {
        var recorder = new Recorder();
        var run = DedicatedReader.Start(new FailingStream(), Framing.Ndjson, 1024, recorder.Accept, _ => { }, CancellationToken.None);
        var failure = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(Bound));
        Assert.Equal("read failed", failure.Message);
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(Span<byte> buffer) => throw new IOException("read failed");

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("read failed");
    }
}
