using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Core.Tests;

public sealed class SetInProgressProtocolTests
{
    private const byte NetFn = 0x06;
    private const byte Command = 0x58;

    /// <summary>A parameter-0 lock held by another tool for the first <paramref name="refusals"/> attempts.</summary>
    private sealed class ForeignLock(int refusals)
    {
        private int _attempts;

        public ConcurrentQueue<byte> StatesWritten { get; } = new();

        public int BeginAttempts => Volatile.Read(ref _attempts);

        public Task<IpmiResponse> WriteState(byte state, CancellationToken ct)
        {
            StatesWritten.Enqueue(state);
            if (state == 1 && Interlocked.Increment(ref _attempts) <= refusals)
            {
                return Task.FromResult(new IpmiResponse(0x81, ReadOnlyMemory<byte>.Empty));
            }

            return Task.FromResult(new IpmiResponse(0, ReadOnlyMemory<byte>.Empty));
        }
    }

    private static async Task<Task> RunWithClock(ForeignLock bmc, FakeTimeProvider time, Func<int> writes)
    {
        var run = SetInProgressProtocol.RunAsync(bmc.WriteState, NetFn, Command, _ => { writes(); return Task.CompletedTask; },
            SetInProgressProtocol.ForeignLockWait, time, CancellationToken.None);
        // Move the fake clock on whenever the protocol sleeps, until it is done (bounded: 600 steps of 50 ms = 30 s).
        for (var step = 0; step < 600 && !run.IsCompleted; step++)
        {
            await Task.Yield();
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.True(run.IsCompleted, "the protocol neither finished nor gave up within 30 fake seconds");
        return run;
    }

    [Fact]
    public async Task A_foreign_lock_is_waited_out_and_the_writes_then_go_through()
    {
        var bmc = new ForeignLock(refusals: 4);
        var written = 0;

        var run = await RunWithClock(bmc, new FakeTimeProvider(), () => ++written);
        await run;

        Assert.Equal(5, bmc.BeginAttempts);
        Assert.Equal(1, written);
        Assert.Equal(new byte[] { 1, 1, 1, 1, 1, 2, 0 }, bmc.StatesWritten.ToArray());
    }

    [Fact]
    public async Task A_lock_held_past_the_wait_fails_with_81h_and_a_hint_and_is_never_cleared()
    {
        var bmc = new ForeignLock(refusals: int.MaxValue);
        var written = 0;

        var run = await RunWithClock(bmc, new FakeTimeProvider(), () => ++written);
        var error = await Assert.ThrowsAsync<CompletionCodeException>(() => run);

        Assert.Equal(0x81, error.CompletionCode);
        Assert.Contains("another tool", error.Hint, StringComparison.Ordinal);
        Assert.Equal(error.Hint, error.Details["hint"]);
        Assert.Equal(0, written);
        Assert.InRange(bmc.BeginAttempts, 2, 30);
        Assert.DoesNotContain((byte)0, bmc.StatesWritten);
    }
}
