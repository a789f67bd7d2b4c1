using IpmiRpc.Core.Sessions;

namespace IpmiRpc.Core.Tests.Sessions;

public sealed class BmcOrderingTests
{
    private static readonly BmcKey Bmc = new("lanplus", "10.0.0.1", 623);
    private static readonly BmcKey OtherBmc = new("lanplus", "10.0.0.1", 624);

    [Fact]
    public void Reads_with_no_write_ahead_run_together()
    {
        var ordering = new BmcOrdering();
        using var first = ordering.Enter(Bmc, isWrite: false);
        using var second = ordering.Enter(Bmc, isWrite: false);

        Assert.True(first.IsReady);
        Assert.True(second.IsReady);
        Assert.Equal((2, 0), ordering.Queued(Bmc));
    }

    [Fact]
    public void A_write_waits_for_every_earlier_request_and_everything_after_it_waits_for_the_write()
    {
        var ordering = new BmcOrdering();
        var read1 = ordering.Enter(Bmc, isWrite: false);
        var read2 = ordering.Enter(Bmc, isWrite: false);
        var write = ordering.Enter(Bmc, isWrite: true);
        var read3 = ordering.Enter(Bmc, isWrite: false);
        var write2 = ordering.Enter(Bmc, isWrite: true);

        Assert.Equal([true, true, false, false, false], new[] { read1, read2, write, read3, write2 }.Select(t => t.IsReady));

        read2.Dispose();
        Assert.False(write.IsReady);
        read1.Dispose();
        Assert.True(write.IsReady);
        Assert.False(read3.IsReady);

        write.Dispose();
        Assert.True(read3.IsReady);
        Assert.False(write2.IsReady);

        read3.Dispose();
        Assert.True(write2.IsReady);
        write2.Dispose();
        Assert.Equal(0, ordering.ActiveBmcs);
    }

    [Fact]
    public void Different_bmcs_never_wait_for_each_other()
    {
        var ordering = new BmcOrdering();
        using var write = ordering.Enter(Bmc, isWrite: true);
        using var other = ordering.Enter(OtherBmc, isWrite: true);

        Assert.True(write.IsReady);
        Assert.True(other.IsReady);
    }

    [Fact]
    public async Task A_request_cancelled_while_waiting_gives_up_its_place()
    {
        var ordering = new BmcOrdering();
        var running = ordering.Enter(Bmc, isWrite: true);
        var cancelled = ordering.Enter(Bmc, isWrite: true);
        var later = ordering.Enter(Bmc, isWrite: false);
        using var cts = new CancellationTokenSource();

        var waiting = cancelled.WaitAsync(cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        cancelled.Dispose();
        Assert.Equal((1, 1), ordering.Queued(Bmc));

        running.Dispose();
        await later.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        later.Dispose();
        Assert.Equal(0, ordering.ActiveBmcs);
    }

    [Fact]
    public void Releasing_twice_is_harmless()
    {
        var ordering = new BmcOrdering();
        var write = ordering.Enter(Bmc, isWrite: true);
        var next = ordering.Enter(Bmc, isWrite: true);
        write.Dispose();
        write.Dispose();

        Assert.True(next.IsReady);
        Assert.Equal((1, 0), ordering.Queued(Bmc));
        next.Dispose();
        Assert.Equal(0, ordering.ActiveBmcs);
    }

    [Fact]
    public async Task Many_concurrent_writers_run_one_at_a_time_in_arrival_order()
    {
        var ordering = new BmcOrdering();
        var tickets = Enumerable.Range(0, 50).Select(i => ordering.Enter(Bmc, isWrite: i % 3 != 0)).ToArray();
        var running = 0;
        var maxWritesRunning = 0;
        var order = new List<int>();
        var tasks = tickets.Select(async (ticket, i) =>
        {
            await ticket.WaitAsync(CancellationToken.None);
            var now = Interlocked.Increment(ref running);
            if (ticket.IsWrite)
            {
                lock (order)
                {
                    maxWritesRunning = Math.Max(maxWritesRunning, now);
                    order.Add(i);
                }
            }

            await Task.Yield();
            Interlocked.Decrement(ref running);
            ticket.Dispose();
        });

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, maxWritesRunning);
        Assert.Equal(order.Order(), order);
        Assert.Equal(0, ordering.ActiveBmcs);
    }

    /// <summary>A waiter's completion source is made only when someone waits: a grant racing that must never be lost.</summary>
    [Fact]
    public async Task A_grant_racing_the_start_of_a_wait_is_never_lost()
    {
        var ordering = new BmcOrdering();
        for (var i = 0; i < 2000; i++)
        {
            var write = ordering.Enter(Bmc, isWrite: true);
            var next = ordering.Enter(Bmc, isWrite: false);
            Assert.False(next.IsReady);
            var release = Task.Run(write.Dispose);
            await next.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            await release;
            next.Dispose();
        }

        Assert.Equal(0, ordering.ActiveBmcs);
    }
}
