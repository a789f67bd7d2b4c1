using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Sdr;

public class SdrRepositoryReaderTests
{
    private static FakeSdrBmc Board(int records = 5, int length = 60)
    {
        var bmc = new FakeSdrBmc();
        for (var i = 0; i < records; i++)
            bmc.Add(0xC0, Enumerable.Range(0, length).Select(b => (byte)(b + i)).ToArray());
        return bmc;
    }

    [Fact]
    public async Task Whole_record_reads_one_request_per_record()
    {
        var bmc = Board();
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);

        Assert.Equal(bmc.Records, result.Records.Select(r => r.Bytes));
        Assert.Equal([1, 2, 3, 4, 5], result.Records.Select(r => r.RecordId));
        Assert.Equal((5, 5), (result.GetSdrRequests, bmc.GetSdrCount));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task When_the_BMC_cannot_return_a_whole_record_it_reads_header_then_halving_chunks_and_keeps_the_size()
    {
        var bmc = Board();
        bmc.MaxRead = 20;
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);

        Assert.Equal(bmc.Records, result.Records.Select(r => r.Bytes));
        // First record: FFh (CA), header, 32 (CA), 16 ×4; later records start at 16 after FFh and the header.
        Assert.Equal(1 + 1 + 1 + 4 + (4 * (1 + 1 + 4)), bmc.GetSdrCount);
    }

    [Fact]
    public async Task A_cancelled_reservation_is_renewed_and_the_record_read_again()
    {
        var bmc = Board();
        bmc.MaxRead = 16;
        bmc.CancelReservationAt.UnionWith([4, 9]);
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);

        Assert.Equal(bmc.Records, result.Records.Select(r => r.Bytes));
        Assert.Equal(3, bmc.ReserveCount);
    }

    [Fact]
    public async Task A_reservation_that_never_holds_gives_up_after_the_bounded_retries()
    {
        var bmc = Board();
        bmc.MaxRead = 16;
        bmc.CancelReservationAt.UnionWith(Enumerable.Range(1, 1000));
        var e = await Assert.ThrowsAsync<CompletionCodeException>(() => new SdrRepositoryReader(bmc.Send, new SdrReaderOptions { MaxReservationRetries = 3 }).ReadAsync(CancellationToken.None));
        Assert.Equal(0xC5, e.CompletionCode);
        Assert.Equal(1 + 3, bmc.ReserveCount);
    }

    [Fact]
    public async Task A_timeout_on_the_last_record_ends_the_read_with_a_warning()
    {
        var bmc = Board();
        bmc.TimeoutAtIndex = 4;
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);

        Assert.Equal(4, result.Records.Count);
        Assert.Equal(SdrReadWarningKind.TimeoutOnLastRecord, Assert.Single(result.Warnings).Kind);
    }

    [Fact]
    public async Task A_timeout_before_the_last_record_is_an_error()
    {
        var bmc = Board();
        bmc.TimeoutAtIndex = 2;
        var e = await Assert.ThrowsAsync<CompletionCodeException>(() => new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None));
        Assert.Equal(0xC3, e.CompletionCode);
    }

    [Fact]
    public async Task A_BMC_refusing_even_the_smallest_chunk_fails_with_its_code_instead_of_looping()
    {
        var bmc = Board();
        bmc.MaxRead = 0;
        var e = await Assert.ThrowsAsync<CompletionCodeException>(() => new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None));
        Assert.Equal(0xCA, e.CompletionCode);
        Assert.True(bmc.GetSdrCount <= 3, $"{bmc.GetSdrCount} requests");
    }

    [Fact]
    public async Task A_looping_record_chain_stops_at_the_repeated_id()
    {
        var bmc = Board();
        bmc.Loop = true;
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);

        Assert.Equal(5, result.Records.Count);
        Assert.Equal(SdrReadWarningKind.DuplicateRecordId, Assert.Single(result.Warnings).Kind);
    }

    [Fact]
    public async Task Reading_is_bounded_by_max_records_and_by_the_count_quirk()
    {
        var bmc = Board(records: 10);
        var limited = await new SdrRepositoryReader(bmc.Send, new SdrReaderOptions { MaxRecords = 3 }).ReadAsync(CancellationToken.None);
        Assert.Equal(3, limited.Records.Count);
        Assert.Equal(SdrReadWarningKind.RecordLimitReached, Assert.Single(limited.Warnings).Kind);

        bmc.Loop = true;
        bmc.Records.RemoveRange(4, 6); // the BMC says 4 records
        var quirk = await new SdrRepositoryReader(bmc.Send, new SdrReaderOptions { Quirks = BmcQuirks.AssumeMaxSdrRecordCount }).ReadAsync(CancellationToken.None);
        Assert.Equal(4, quirk.Records.Count);
    }

    [Fact]
    public async Task Without_reserve_support_whole_record_reads_use_reservation_zero()
    {
        var bmc = Board();
        bmc.ReserveSupported = false;
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);
        Assert.Equal(5, result.Records.Count);
        Assert.Equal(0, bmc.ReserveCount);
    }

    [Fact]
    public async Task An_empty_repository_reads_as_no_records()
    {
        var bmc = Board(records: 0);
        var result = await new SdrRepositoryReader(bmc.Send).ReadAsync(CancellationToken.None);
        Assert.Empty(result.Records);
        Assert.Empty(result.Warnings);
    }
}
