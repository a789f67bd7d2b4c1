using IpmiRpc.Core.Sel;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Core.Tests.Sel;

public class SelReaderTests
{
    private static readonly DateTimeOffset HostNow = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    private static FakeSelBmc SelWith(int records)
    {
        var bmc = new FakeSelBmc();
        for (var i = 0; i < records; i++)
            bmc.Add(0x02, (byte)(10 * i), 0, 0, 0, 0x20, 0, 0x04, 0x01, (byte)i, 0x01, 0x59, 0x5A, 0x55);
        return bmc;
    }

    private static SelReader Reader(FakeSelBmc bmc, TimeProvider? time = null) =>
        new(bmc.Send, options: new SelReaderOptions { TimeProvider = time ?? new FakeTimeProvider(HostNow) });

    [Fact]
    public async Task Lists_every_record_and_filters_by_last_and_since_record_id()
    {
        var bmc = SelWith(5);
        var reader = Reader(bmc);

        var all = await reader.ListAsync(new SelQuery(), CancellationToken.None);
        var last2 = await reader.ListAsync(new SelQuery(Last: 2), CancellationToken.None);
        var after3 = await reader.ListAsync(new SelQuery(SinceRecordId: 3), CancellationToken.None);

        Assert.Equal([1, 2, 3, 4, 5], all.Records.Select(r => (int)r.RecordId));
        Assert.Equal([4, 5], last2.Records.Select(r => (int)r.RecordId));
        Assert.Equal([4, 5], after3.Records.Select(r => (int)r.RecordId));
        Assert.Equal((ushort)5, all.Cursor.LastRecordId);
        var afterLast = await reader.ListAsync(new SelQuery(SinceRecordId: 5), CancellationToken.None);
        Assert.Empty(afterLast.Records);
        Assert.Equal((ushort)5, afterLast.Cursor.LastRecordId);
    }

    [Fact]
    public async Task Since_time_keeps_records_placed_at_or_after_it_by_the_corrected_clock()
    {
        // BMC uptime 1000 s at host 08:00:00; records at uptime 0, 10, 20, 30 → host 07:43:20 + n·10 s.
        var bmc = SelWith(4);
        var reader = Reader(bmc);

        var listing = await reader.ListAsync(new SelQuery(Since: HostNow.AddSeconds(-980)), CancellationToken.None);

        Assert.Equal([3, 4], listing.Records.Select(r => (int)r.RecordId));
        var first = Assert.IsType<SystemEventRecord>(listing.Records[0]);
        Assert.Equal(SelTimeQuality.Corrected, first.Time.Quality);
        Assert.Equal(HostNow.AddSeconds(-980), first.Time.Utc);
    }

    [Fact]
    public async Task The_cursor_fetches_only_new_records_and_nothing_when_the_SEL_is_unchanged()
    {
        var bmc = SelWith(3);
        var reader = Reader(bmc);
        var first = await reader.ReadNewAsync(null, CancellationToken.None);
        Assert.Equal(3, first.Records.Count);

        var unchanged = await reader.ReadNewAsync(first.Cursor, CancellationToken.None);
        Assert.Empty(unchanged.Records);
        Assert.Equal(0, unchanged.EntryReads);

        bmc.Add(0xE0, 1, 2, 3);
        var readsBefore = bmc.Count(0x43);
        var next = await reader.ReadNewAsync(unchanged.Cursor, CancellationToken.None);
        Assert.False(next.Restarted);
        Assert.Equal([4], next.Records.Select(r => (int)r.RecordId));
        Assert.Equal(2, bmc.Count(0x43) - readsBefore); // record 3 for its next id, then record 4
        Assert.Equal((ushort)4, next.Cursor.LastRecordId);
    }

    [Fact]
    public async Task A_cleared_SEL_restarts_the_cursor()
    {
        var bmc = SelWith(3);
        var reader = Reader(bmc);
        var first = await reader.ReadNewAsync(null, CancellationToken.None);

        await reader.ClearAsync(fetchFirst: false, CancellationToken.None);
        bmc.Add(0xE0, 9);
        var after = await reader.ReadNewAsync(first.Cursor, CancellationToken.None);

        Assert.True(after.Restarted);
        Assert.Equal([4], after.Records.Select(r => (int)r.RecordId));
    }

    [Fact]
    public async Task Whole_record_refusal_falls_back_to_partial_reads_and_a_cancelled_reservation_is_renewed()
    {
        var bmc = SelWith(2);
        bmc.WholeReadCompletionCode = 0xCA;
        bmc.CancelReservationOnPartialRead = 1;
        var reader = Reader(bmc);

        var listing = await reader.ListAsync(new SelQuery(), CancellationToken.None);

        Assert.Equal(bmc.Records, listing.Records.Select(r => r.Raw));
        Assert.Equal(2, bmc.Count(0x42)); // the first reservation, then one after C5h
    }

    [Fact]
    public async Task Fetch_then_clear_returns_every_record_including_one_logged_just_before_the_clear()
    {
        var bmc = SelWith(3);
        bmc.ClearCancelledByNewRecord = true;
        bmc.LogOnFirstClear = [0xE0, 7, 7, 7];
        bmc.ErasureInProgressPolls = 2;
        var time = new FakeTimeProvider(HostNow) { AutoAdvanceAmount = TimeSpan.FromSeconds(1) };
        var reader = new SelReader(bmc.Send, options: new SelReaderOptions { TimeProvider = time, ClearStatusPollInterval = TimeSpan.Zero });

        var result = await reader.ClearAsync(fetchFirst: true, CancellationToken.None);

        Assert.Equal([1, 2, 3, 4], result.Fetched.Select(r => (int)r.RecordId));
        Assert.Equal(2, result.Attempts);
        Assert.Equal(2, result.StatusPolls);
        Assert.Empty(bmc.Records);
    }

    [Fact]
    public async Task A_dry_run_plan_reads_the_info_only()
    {
        var bmc = SelWith(3);
        var plan = await Reader(bmc).PlanClearAsync(fetchFirst: true, CancellationToken.None);

        Assert.Equal(3, plan.Entries);
        Assert.True(plan.ReservationSupported);
        Assert.All(bmc.Log, r => Assert.Equal(0x40, r.Command));
        Assert.Equal(3, bmc.Records.Count);
    }

    [Fact]
    public async Task Records_logged_into_an_empty_SEL_are_new_not_a_restart()
    {
        var bmc = new FakeSelBmc();
        var reader = Reader(bmc);
        var empty = await reader.ReadNewAsync(null, CancellationToken.None);
        bmc.Add(0xE0, 1);

        var next = await reader.ReadNewAsync(empty.Cursor, CancellationToken.None);

        Assert.Empty(empty.Records);
        Assert.False(next.Restarted);
        Assert.Equal([1], next.Records.Select(r => (int)r.RecordId));
    }

    [Fact]
    public async Task An_empty_SEL_lists_nothing()
    {
        var listing = await Reader(new FakeSelBmc()).ListAsync(new SelQuery(Last: 3), CancellationToken.None);
        Assert.Empty(listing.Records);
        Assert.Null(listing.Cursor.LastRecordId);
    }
}
