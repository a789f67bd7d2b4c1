using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Sdr;

public class SdrCacheTests
{
    private static FakeSdrBmc Board()
    {
        var bmc = new FakeSdrBmc();
        for (var i = 0; i < 6; i++)
            bmc.Add(0xC0, 0x57, 0x01, 0x00, (byte)i, 1, 2, 3);
        return bmc;
    }

    private sealed class MemoryPersistence : ISdrCachePersistence
    {
        public Dictionary<string, byte[]> Files { get; } = new();

        public Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken) =>
            Task.FromResult(Files.TryGetValue(name, out var bytes) ? bytes : null);

        public Task SaveAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            Files[name] = data.ToArray();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Unusable_timestamps_are_checked_by_re_reading_the_first_records()
    {
        var bmc = Board();
        bmc.Addition = 0;
        bmc.Erase = 0xFFFF_FFFF;
        var cache = new SdrCache(new SdrCacheOptions { ProbeRecords = 2 });
        await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);

        var unchanged = await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);
        Assert.Equal((SdrCacheOutcome.ProbeHit, 2), (unchanged.Outcome, unchanged.GetSdrRequests));

        bmc.Records[1][7] ^= 0xFF; // the second record changes, the timestamps do not
        var changed = await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);
        Assert.Equal(SdrCacheOutcome.Read, changed.Outcome);
        Assert.Equal(bmc.Records[1], changed.Repository.RawRecords[1].Bytes);
    }

    [Fact]
    public async Task The_quirk_makes_even_plausible_timestamps_be_confirmed_by_a_probe()
    {
        var bmc = Board();
        var cache = new SdrCache();
        await cache.GetAsync("a", bmc.Send, BmcQuirks.SdrTimestampsUnreliable, CancellationToken.None);
        var second = await cache.GetAsync("a", bmc.Send, BmcQuirks.SdrTimestampsUnreliable, CancellationToken.None);
        Assert.Equal(SdrCacheOutcome.ProbeHit, second.Outcome);

        var plain = await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);
        Assert.Equal((SdrCacheOutcome.Hit, 0), (plain.Outcome, plain.GetSdrRequests));
    }

    [Fact]
    public async Task A_changed_erase_timestamp_count_or_firmware_forces_a_read()
    {
        var bmc = Board();
        var cache = new SdrCache();
        await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);

        bmc.Erase++;
        Assert.Equal(SdrCacheOutcome.Read, (await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None)).Outcome);
        bmc.DeviceId[3] = 0x24; // firmware 1.24
        Assert.Equal(SdrCacheOutcome.Read, (await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None)).Outcome);
        bmc.Records.RemoveAt(5);
        Assert.Equal(SdrCacheOutcome.Read, (await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None)).Outcome);
        Assert.Equal(SdrCacheOutcome.Hit, (await cache.GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Identical_BMCs_asking_at_once_read_the_repository_once()
    {
        var first = Board();
        var gate = new TaskCompletionSource();
        var inner = first.Send;
        IpmiSend slow = async (r, ct) =>
        {
            if (r.Command == 0x23 && first.GetSdrCount >= 2)
                await gate.Task;
            return await inner(r, ct);
        };
        var others = Enumerable.Range(0, 20).Select(_ => Board()).ToArray();
        var cache = new SdrCache(new SdrCacheOptions { ProbeRecords = 2 });

        var leader = cache.GetAsync("leader", slow, BmcQuirks.None, CancellationToken.None);
        var followers = others.Select((b, i) => cache.GetAsync($"f{i}", b.Send, BmcQuirks.None, CancellationToken.None)).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(followers);
        var lead = await leader;

        Assert.Equal(SdrCacheOutcome.Read, lead.Outcome);
        Assert.All(results, r => Assert.Same(lead.Repository, r.Repository));
        Assert.All(others, b => Assert.Equal(2, b.GetSdrCount));
        Assert.Equal((21, 1), (cache.BmcCount, cache.RepositoryCount));
    }

    [Fact]
    public async Task A_persisted_repository_is_found_by_a_new_process_and_a_corrupt_file_is_ignored()
    {
        var store = new MemoryPersistence();
        var bmc = Board();
        await new SdrCache(new SdrCacheOptions { Persistence = store }).GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);
        var (name, bytes) = Assert.Single(store.Files);
        Assert.Matches("^[0-9A-F]{32}\\.sdr$", name);

        var restarted = await new SdrCache(new SdrCacheOptions { Persistence = store }).GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);
        Assert.Equal(SdrCacheOutcome.PersistedHit, restarted.Outcome);
        Assert.Equal(bmc.Records, restarted.Repository.RawRecords.Select(r => r.Bytes));

        store.Files[name] = bytes[..^1].Append((byte)(bytes[^1] ^ 1)).ToArray();
        var afterCorruption = await new SdrCache(new SdrCacheOptions { Persistence = store }).GetAsync("a", bmc.Send, BmcQuirks.None, CancellationToken.None);
        Assert.Equal(SdrCacheOutcome.Read, afterCorruption.Outcome);
        Assert.Equal(bytes, store.Files[name]); // rewritten intact
    }

    [Fact]
    public async Task The_number_of_BMCs_remembered_is_bounded()
    {
        var bmc = Board();
        var cache = new SdrCache(new SdrCacheOptions { MaxBmcs = 10 });
        for (var i = 0; i < 50; i++)
            await cache.GetAsync($"bmc-{i}", bmc.Send, BmcQuirks.None, CancellationToken.None);
        Assert.InRange(cache.BmcCount, 1, 10);
        Assert.Equal(1, cache.RepositoryCount);
    }

    [Fact]
    public void Cache_files_round_trip_and_reject_any_flipped_byte()
    {
        var records = new[] { new SdrRawRecord(1, [1, 0, 0x51, 0xC0, 3, 0x57, 1, 0]), new SdrRawRecord(2, [2, 0, 0x51, 0xC0, 3, 0x57, 1, 0]) };
        var info = new Core.Commands.Storage.SdrRepositoryInfo(0x51, 2, 100, 7, 8, false, Core.Commands.Storage.SdrUpdateMode.NonModal, true, false, true, false);
        var repository = SdrRepository.Create(new BmcIdentity(1, 2, 3, 4, 5, 6, 7), info, records, [], 2);
        var bytes = SdrCacheFormat.Serialize(repository);

        var back = SdrCacheFormat.TryDeserialize(bytes, 2)!;
        Assert.Equal((repository.Identity, repository.Info), (back.Identity, back.Info));
        Assert.Equal(repository.ContentHash, back.ContentHash);
        for (var i = 0; i < bytes.Length; i++)
        {
            var copy = bytes.ToArray();
            copy[i] ^= 0x01;
            Assert.Null(SdrCacheFormat.TryDeserialize(copy, 2));
        }

        Assert.Null(SdrCacheFormat.TryDeserialize(bytes[..^1], 2));
    }
}
