using System.Collections.Concurrent;
using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sdr;

/// <summary>Somewhere to keep repositories between processes (e.g. a directory); Core itself does no I/O.</summary>
public interface ISdrCachePersistence
{
    /// <summary>The bytes stored under <paramref name="name"/>, or null when there are none.</summary>
    Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="data"/> under <paramref name="name"/>, replacing any previous bytes atomically.</summary>
    Task SaveAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
}

public sealed record SdrCacheOptions
{
    /// <summary>Records read to match a BMC to a repository already known for its model and firmware.</summary>
    public int ProbeRecords { get; init; } = 2;

    /// <summary>BMCs remembered (oldest dropped beyond this).</summary>
    public int MaxBmcs { get; init; } = 100_000;

    /// <summary>Distinct repositories kept for sharing (oldest dropped beyond this).</summary>
    public int MaxRepositories { get; init; } = 256;

    public SdrReaderOptions Reader { get; init; } = new();

    /// <summary>Optional store that survives the process (<c>--sdr-cache DIR</c>).</summary>
    public ISdrCachePersistence? Persistence { get; init; }
}

/// <summary>How <see cref="SdrCache.GetAsync"/> found the repository.</summary>
public enum SdrCacheOutcome
{
    /// <summary>This BMC's repository was cached and its timestamps (and count) are unchanged: no Get SDR sent.</summary>
    Hit,

    /// <summary>Timestamps are unusable, so the first records were re-read and matched the cached copy.</summary>
    ProbeHit,

    /// <summary>Another BMC of the same model and firmware had the same repository (matched on the first records).</summary>
    SharedHit,

    /// <summary>Loaded from the persistent store after matching the first records.</summary>
    PersistedHit,

    /// <summary>Read in full.</summary>
    Read,
}

public sealed record SdrCacheResult(SdrRepository Repository, SdrCacheOutcome Outcome, int GetSdrRequests);

/// <summary>
/// SDR repositories cached per BMC and shared across BMCs. A BMC's copy stays valid while Get SDR Repository Info's
/// addition/erase timestamps and record count and the BMC's identity (Get Device ID) are unchanged (FreeIPMI's check).
/// When the timestamps are 0/FFFFFFFFh or <see cref="BmcQuirks.SdrTimestampsUnreliable"/> is set, the first records
/// are re-read and hashed as well. A BMC seen for the first time is matched on identity, record count and the hash of
/// its first records against repositories already read (pyghmi's process-wide sharing): a fleet of identical servers
/// reads the repository once, and concurrent first reads of one model wait for the same read.
/// </summary>
public sealed class SdrCache(SdrCacheOptions? options = null)
{
    private readonly SdrCacheOptions _options = options ?? new SdrCacheOptions();
    private readonly ConcurrentDictionary<string, BmcEntry> _bmcs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SharedEntry> _shared = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<SdrRepository>>> _inFlight = new(StringComparer.Ordinal);
    private long _clock;

    public int BmcCount => _bmcs.Count;

    public int RepositoryCount => _shared.Count;

    /// <summary>Forgets one BMC (e.g. <c>--sdr-cache-recreate</c>).</summary>
    public bool Forget(string bmcKey) => _bmcs.TryRemove(bmcKey, out _);

    /// <summary>
    /// The repository of the BMC reached through <paramref name="send"/>, known as <paramref name="bmcKey"/> (the
    /// target's identity: transport, address, port).
    /// </summary>
    public async Task<SdrCacheResult> GetAsync(string bmcKey, IpmiSend send, BmcQuirks quirks, CancellationToken cancellationToken)
    {
        // The two questions every call asks are independent: sent together they cost one round trip, not two.
        var reader = new SdrRepositoryReader(send, _options.Reader with { Quirks = _options.Reader.Quirks | quirks });
        var deviceIdTask = send.SendCheckedAsync(new IpmiRequest(NetFns.App, 0x01, ReadOnlyMemory<byte>.Empty), cancellationToken);
        var infoTask = reader.GetInfoAsync(cancellationToken);
        await Task.WhenAll(deviceIdTask, infoTask).ConfigureAwait(false);
        var identity = BmcIdentity.FromDeviceId((await deviceIdTask.ConfigureAwait(false)).Span);
        var info = await infoTask.ConfigureAwait(false);
        var timestampsUsable = !info.TimestampsUnusable && (quirks & BmcQuirks.SdrTimestampsUnreliable) == 0;

        if (_bmcs.TryGetValue(bmcKey, out var known))
        {
            // A BMC seen before whose stamps, count or identity changed is read again in full: its first records may
            // well be unchanged, so matching on them (as for a new BMC) could return the old repository.
            if (!known.Matches(identity, info))
            {
                var changed = await ReadFullAsync(reader, identity, info, cancellationToken).ConfigureAwait(false);
                Remember(bmcKey, identity, info, changed);
                return new SdrCacheResult(changed, SdrCacheOutcome.Read, reader.GetSdrRequests);
            }

            if (timestampsUsable)
            {
                Touch(known);
                return new SdrCacheResult(known.Repository, SdrCacheOutcome.Hit, 0);
            }

            var probe = await reader.ReadRecordsAsync(info, _options.ProbeRecords, cancellationToken).ConfigureAwait(false);
            if (SdrRepository.Hash(probe.Records, probe.Records.Count).AsSpan().SequenceEqual(known.Repository.ProbeHash))
            {
                Touch(known);
                return new SdrCacheResult(known.Repository, SdrCacheOutcome.ProbeHit, reader.GetSdrRequests);
            }
        }
        else
        {
            var probe = await reader.ReadRecordsAsync(info, _options.ProbeRecords, cancellationToken).ConfigureAwait(false);
            var sharedKey = SharedKey(identity, info, SdrRepository.Hash(probe.Records, probe.Records.Count));
            if (_shared.TryGetValue(sharedKey, out var shared))
            {
                Remember(bmcKey, identity, info, shared.Repository);
                return new SdrCacheResult(shared.Repository, SdrCacheOutcome.SharedHit, reader.GetSdrRequests);
            }

            if (await LoadPersistedAsync(sharedKey, identity, info, cancellationToken).ConfigureAwait(false) is { } persisted)
            {
                Share(sharedKey, persisted);
                Remember(bmcKey, identity, info, persisted);
                return new SdrCacheResult(persisted, SdrCacheOutcome.PersistedHit, reader.GetSdrRequests);
            }

            // Identical BMCs asking at once share one full read; if another BMC's read fails, this one reads its own.
            var mine = new Lazy<Task<SdrRepository>>(() => ReadFullAsync(reader, identity, info, cancellationToken));
            var flight = _inFlight.GetOrAdd(sharedKey, mine);
            var own = ReferenceEquals(flight, mine);
            try
            {
                var repository = await flight.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
                Remember(bmcKey, identity, info, repository);
                return new SdrCacheResult(repository, own ? SdrCacheOutcome.Read : SdrCacheOutcome.SharedHit, reader.GetSdrRequests);
            }
            catch (Exception) when (!own && !cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                if (own)
                {
                    _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<SdrRepository>>>(sharedKey, flight));
                }
            }
        }

        var read = await ReadFullAsync(reader, identity, info, cancellationToken).ConfigureAwait(false);
        Remember(bmcKey, identity, info, read);
        return new SdrCacheResult(read, SdrCacheOutcome.Read, reader.GetSdrRequests);
    }

    private async Task<SdrRepository> ReadFullAsync(SdrRepositoryReader reader, BmcIdentity identity, SdrRepositoryInfo info, CancellationToken cancellationToken)
    {
        var result = await reader.ReadRecordsAsync(info, maxRecords: null, cancellationToken).ConfigureAwait(false);
        var repository = SdrRepository.Create(identity, info, result.Records, result.Warnings, _options.ProbeRecords);
        var sharedKey = SharedKey(identity, info, repository.ProbeHash);
        Share(sharedKey, repository);
        if (_options.Persistence is { } persistence)
        {
            await persistence.SaveAsync(FileName(sharedKey), SdrCacheFormat.Serialize(repository), cancellationToken).ConfigureAwait(false);
        }

        return repository;
    }

    private async Task<SdrRepository?> LoadPersistedAsync(string sharedKey, BmcIdentity identity, SdrRepositoryInfo info, CancellationToken cancellationToken)
    {
        if (_options.Persistence is not { } persistence)
        {
            return null;
        }

        var bytes = await persistence.LoadAsync(FileName(sharedKey), cancellationToken).ConfigureAwait(false);
        if (bytes is null || SdrCacheFormat.TryDeserialize(bytes, _options.ProbeRecords) is not { } repository)
        {
            return null;
        }

        // A file for another model or repository (a hash collision of names, or a hand-copied file) is not used.
        return repository.Identity == identity && repository.Info.RecordCount == info.RecordCount ? repository with { Info = info } : null;
    }

    private static string SharedKey(BmcIdentity identity, SdrRepositoryInfo info, byte[] probeHash) =>
        $"{identity.Key}-n{info.RecordCount}-{Convert.ToHexString(probeHash)}";

    /// <summary>A file name for a shared key: fixed length, only [0-9A-F].</summary>
    public static string FileName(string sharedKey) =>
        Convert.ToHexString(System.IO.Hashing.XxHash128.Hash(System.Text.Encoding.UTF8.GetBytes(sharedKey))) + ".sdr";

    private void Share(string sharedKey, SdrRepository repository)
    {
        _shared[sharedKey] = new SharedEntry(repository, Interlocked.Increment(ref _clock));
        Trim(_shared, _options.MaxRepositories, e => e.LastUsed);
    }

    private void Remember(string bmcKey, BmcIdentity identity, SdrRepositoryInfo info, SdrRepository repository)
    {
        _bmcs[bmcKey] = new BmcEntry(identity, info.MostRecentAddition, info.MostRecentErase, info.RecordCount, repository) { LastUsed = Interlocked.Increment(ref _clock) };
        Trim(_bmcs, _options.MaxBmcs, e => e.LastUsed);
    }

    private void Touch(BmcEntry entry) => entry.LastUsed = Interlocked.Increment(ref _clock);

    // Drops the least recently used tenth once a dictionary grows past its bound (rare: a scan per overflow).
    private static void Trim<T>(ConcurrentDictionary<string, T> map, int max, Func<T, long> lastUsed)
    {
        if (map.Count <= max)
        {
            return;
        }

        foreach (var key in map.OrderBy(kv => lastUsed(kv.Value)).Take(Math.Max(1, map.Count - max + (max / 10))).Select(kv => kv.Key).ToArray())
        {
            map.TryRemove(key, out _);
        }
    }

    private sealed record SharedEntry(SdrRepository Repository, long LastUsed);

    private sealed record BmcEntry(BmcIdentity Identity, uint Addition, uint Erase, int RecordCount, SdrRepository Repository)
    {
        public long LastUsed { get; set; }

        public bool Matches(BmcIdentity identity, SdrRepositoryInfo info) =>
            Identity == identity && Addition == info.MostRecentAddition && Erase == info.MostRecentErase && RecordCount == info.RecordCount;
    }
}
