using IpmiRpc.Core.Sdr;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>
/// <see cref="SdrCache"/> against ipmi_sim over lanplus: an unchanged repository is served without a single Get SDR,
/// a record added through the simulator's console (which bumps the addition timestamp, as FreeIPMI's cache check
/// notices) forces a re-read, and a second BMC of the same model and firmware shares the first one's repository.
/// </summary>
public sealed class SdrCacheSimTests
{
    private const byte Storage = 0x0A;
    private const byte GetSdr = 0x23;

    [Fact]
    public async Task An_unchanged_repository_is_served_from_the_cache_without_any_Get_SDR()
    {
        await using var board = await BoardSim.StartAsync();
        var cache = new SdrCache();

        var first = await cache.GetAsync("bmc-a", board.Send, default, CancellationToken.None);
        var sentByFirst = board.Count(Storage, GetSdr);
        var second = await cache.GetAsync("bmc-a", board.Send, default, CancellationToken.None);

        Assert.Equal(SdrCacheOutcome.Read, first.Outcome);
        Assert.True(sentByFirst >= first.Repository.Records.Count, $"{sentByFirst} Get SDR for {first.Repository.Records.Count} records");
        Assert.Equal(SdrCacheOutcome.Hit, second.Outcome);
        Assert.Equal(0, second.GetSdrRequests);
        Assert.Equal(sentByFirst, board.Count(Storage, GetSdr)); // not one more on the wire
        Assert.Same(first.Repository, second.Repository);
    }

    [Fact]
    public async Task A_record_added_through_the_console_bumps_the_timestamp_and_forces_a_re_read()
    {
        await using var board = await BoardSim.StartAsync();
        var cache = new SdrCache();
        var first = await cache.GetAsync("bmc-a", board.Send, default, CancellationToken.None);

        // The repository clock counts seconds: let it pass the first addition stamp so the new one is later.
        await WaitForRepositoryTimeAfterAsync(board, first.Repository.Info.MostRecentAddition);

        // An event-only sensor "Added" (sensor 0x70), as sdrcomp would compile it.
        byte[] added = [0x00, 0x00, 0x51, 0x03, 0x11, 0x20, 0x00, 0x70, 0x07, 0x01, 0x12, 0x6f, 0x00, 0x00, 0x00, 0x00, 0xc5, 0x41, 0x64, 0x64, 0x65, 0x64];
        await IpmiSimConsole.RunAsync(board.ConsolePort, IpmiSimBoard.MainSdrAdd(added));
        var before = board.Count(Storage, GetSdr);
        var second = await cache.GetAsync("bmc-a", board.Send, default, CancellationToken.None);

        Assert.Equal(SdrCacheOutcome.Read, second.Outcome);
        Assert.True(second.Repository.Info.MostRecentAddition > first.Repository.Info.MostRecentAddition);
        Assert.Equal(first.Repository.Records.Count + 1, second.Repository.Records.Count);
        Assert.True(board.Count(Storage, GetSdr) - before >= second.Repository.Records.Count);
        var sensor = Assert.IsType<EventOnlySensorRecord>(second.Repository.Records[^1]);
        Assert.Equal(("Added", 0x70), (sensor.Name.Text, sensor.SensorNumber));

        var third = await cache.GetAsync("bmc-a", board.Send, default, CancellationToken.None);
        Assert.Equal((SdrCacheOutcome.Hit, 0), (third.Outcome, third.GetSdrRequests));
    }

    [Fact]
    public async Task A_second_BMC_of_the_same_model_shares_the_repository_after_reading_only_its_first_records()
    {
        await using var a = await BoardSim.StartAsync();
        await using var b = await BoardSim.StartAsync();
        var cache = new SdrCache(new SdrCacheOptions { ProbeRecords = 2 });

        var first = await cache.GetAsync("bmc-a", a.Send, default, CancellationToken.None);
        var second = await cache.GetAsync("bmc-b", b.Send, default, CancellationToken.None);

        Assert.Equal(SdrCacheOutcome.Read, first.Outcome);
        Assert.Equal(SdrCacheOutcome.SharedHit, second.Outcome);
        Assert.Same(first.Repository, second.Repository);
        // Two probe records: each a whole-record read, or a header and chunks where ipmi_sim cuts the answer short.
        Assert.Equal(second.GetSdrRequests, b.Count(Storage, GetSdr));
        Assert.InRange(second.GetSdrRequests, 2, 8);
        Assert.True(a.Count(Storage, GetSdr) > 3 * b.Count(Storage, GetSdr));
        Assert.Equal((2, 1), (cache.BmcCount, cache.RepositoryCount));
    }

    // Bounded poll of Get SDR Repository Time (Storage 28h) until the simulator's clock is past `stamp`.
    private static async Task WaitForRepositoryTimeAfterAsync(BoardSim board, uint stamp)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var response = await board.Send(new Core.IpmiRequest(Storage, 0x28, ReadOnlyMemory<byte>.Empty), deadline.Token);
            Assert.Equal(0, response.CompletionCode);
            if (BitConverter.ToUInt32(response.Data.Span) > stamp)
                return;
            await Task.Delay(20, deadline.Token);
        }
    }
}
