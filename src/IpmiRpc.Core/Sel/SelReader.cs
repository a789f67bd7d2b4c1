using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sel;

/// <summary>What <see cref="SelReader.ListAsync"/> returns.</summary>
/// <param name="Last">Keep only the last N records (after the other filters).</param>
/// <param name="SinceRecordId">Only records after this one in SEL order.</param>
/// <param name="Since">Only records whose time is known and not earlier (unstamped and uncorrected pre-init records drop out).</param>
public sealed record SelQuery(int? Last = null, ushort? SinceRecordId = null, DateTimeOffset? Since = null);

/// <summary>Where a poller stopped: the SEL info timestamps, the entry count and the last record id it saw.</summary>
public sealed record SelCursor(uint MostRecentAddition, uint MostRecentErase, ushort Entries, ushort? LastRecordId);

/// <param name="Restarted">True when the cursor no longer matched (SEL cleared or entries erased) and the whole SEL was read.</param>
/// <param name="EntryReads">Get SEL Entry commands sent (an unchanged SEL costs none).</param>
public sealed record SelListing(
    SelInfo Info,
    IReadOnlyList<SelRecord> Records,
    SelCursor Cursor,
    SelTimeContext Time,
    bool Restarted,
    int EntryReads);

/// <param name="Fetched">Records read before the clear (empty unless fetch-then-clear).</param>
/// <param name="Attempts">Reservations taken; more than one means the SEL changed under us and the tail was re-read.</param>
/// <param name="StatusPolls">Get-erasure-status polls until the BMC reported completion.</param>
public sealed record SelClearResult(IReadOnlyList<SelRecord> Fetched, int Attempts, int StatusPolls);

/// <summary>What a clear would do, without doing it (dry run): nothing is reserved or erased.</summary>
public sealed record SelClearPlan(int Entries, bool FetchFirst, bool ReservationSupported, IReadOnlyList<string> Steps);

/// <summary>The BMC's SEL clock next to the host's.</summary>
/// <param name="Offset">BMC minus host, when the BMC keeps calendar time.</param>
public sealed record SelClock(SelTimestamp Bmc, DateTimeOffset HostNow, TimeSpan? Offset);

public sealed record SelReaderOptions
{
    public SelTimeCorrection TimeCorrection { get; init; } = SelTimeCorrection.PreInitOnly;

    /// <summary>How many Get-erasure-status polls a clear waits at most.</summary>
    public int MaxClearStatusPolls { get; init; } = 100;

    public TimeSpan ClearStatusPollInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Partial-read chunk when a BMC refuses whole-record reads (C7h/C8h/CAh).</summary>
    public byte PartialReadChunk { get; init; } = 8;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The target's quirks, for the record decoder (<see cref="BmcQuirks.AssumeSystemEventRecord"/>).</summary>
    public BmcQuirks Quirks { get; init; }
}

/// <summary>
/// Reads and clears one BMC's SEL (one instance per operation: it keeps the current reservation id, so it is not for
/// concurrent use): whole-SEL listing with filters, an incremental cursor for pollers, fetch-then-clear
/// (pyghmi's order: read, reserve, re-read the tail, clear with that reservation), and SEL time.
/// </summary>
public sealed class SelReader(IpmiSend send, ISensorNames? names = null, SelReaderOptions? options = null)
{
    private const int MaxReservationRetries = 5;
    private const int MaxClearAttempts = 3;
    private readonly SelReaderOptions _options = options ?? new SelReaderOptions();
    private readonly ISensorNames _names = names ?? NoSensorNames.Instance;
    private ushort _reservation;

    public Task<SelInfo> GetInfoAsync(CancellationToken ct) => send.ExecuteAsync(GetSelInfo.Instance, ct);

    /// <summary>Get SEL Allocation Info, or null when the BMC does not implement it.</summary>
    public async Task<SelAllocationInfo?> GetAllocationInfoAsync(CancellationToken ct)
    {
        try
        {
            return await send.ExecuteAsync(GetSelAllocationInfo.Instance, ct).ConfigureAwait(false);
        }
        catch (CompletionCodeException e) when (e.CompletionCode is 0xC1 or 0xC9 or 0xD5)
        {
            return null;
        }
    }

    public async Task<SelClock> GetTimeAsync(CancellationToken ct)
    {
        var raw = await send.ExecuteAsync(GetSelTime.Instance, ct).ConfigureAwait(false);
        var host = _options.TimeProvider.GetUtcNow();
        var bmc = SelTimeContext.Uncorrected.Interpret(raw);
        return new SelClock(bmc, host, bmc.Quality == SelTimeQuality.BmcClock ? bmc.Utc!.Value - host : null);
    }

    public Task SetTimeAsync(DateTimeOffset time, CancellationToken ct) => send.ExecuteAsync(SetSelTime.At(time), ct);

    public async Task<SelListing> ListAsync(SelQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Last is < 0)
            throw new IpmiInvalidArgumentException("last", "must not be negative");
        var info = await GetInfoAsync(ct).ConfigureAwait(false);
        var time = await ReadTimeContextAsync(ct).ConfigureAwait(false);
        var reads = new ReadCounter();
        IReadOnlyList<SelRecord> records;
        if (query.SinceRecordId is { } since)
        {
            records = await ReadAfterAsync(since, time, reads, ct).ConfigureAwait(false)
                      ?? (await ReadFromAsync(GetSelEntry.FirstRecord, time, reads, ct).ConfigureAwait(false))
                          .Where(r => r.RecordId > since).ToList();
        }
        else
        {
            records = await ReadFromAsync(GetSelEntry.FirstRecord, time, reads, ct).ConfigureAwait(false);
        }

        IEnumerable<SelRecord> filtered = records;
        if (query.Since is { } from)
            filtered = filtered.Where(r => TimeOf(r)?.Utc is { } t && t >= from);
        var list = filtered.ToList();
        if (query.Last is { } last && list.Count > last)
            list = list.GetRange(list.Count - last, last);
        return new SelListing(info, list, CursorFor(info, records, query.SinceRecordId), time, Restarted: false, reads.Count);
    }

    /// <summary>
    /// The records added since <paramref name="cursor"/> (all records when null). A changed erase timestamp, fewer
    /// entries than before, or a vanished last record means the SEL was cleared or pruned: the whole SEL is read and
    /// <see cref="SelListing.Restarted"/> is set.
    /// </summary>
    public async Task<SelListing> ReadNewAsync(SelCursor? cursor, CancellationToken ct)
    {
        var info = await GetInfoAsync(ct).ConfigureAwait(false);
        var time = await ReadTimeContextAsync(ct).ConfigureAwait(false);
        var reads = new ReadCounter();
        var erased = cursor is not null
            && (info.MostRecentErase != cursor.MostRecentErase || info.Entries < cursor.Entries);
        if (cursor is not null && !erased
            && info.MostRecentAddition == cursor.MostRecentAddition && info.Entries == cursor.Entries)
            return new SelListing(info, [], cursor, time, Restarted: false, 0);

        if (!erased && cursor?.LastRecordId is { } last)
        {
            var tail = await ReadAfterAsync(last, time, reads, ct).ConfigureAwait(false);
            if (tail is not null)
                return new SelListing(info, tail, CursorFor(info, tail, last), time, Restarted: false, reads.Count);
            erased = true; // the last record we saw is gone
        }

        // No cursor, an empty SEL last time, or an erased one: every record is new.
        var all = await ReadFromAsync(GetSelEntry.FirstRecord, time, reads, ct).ConfigureAwait(false);
        return new SelListing(info, all, CursorFor(info, all, null), time, Restarted: erased, reads.Count);
    }

    /// <summary>What <see cref="ClearAsync"/> would do; reads SEL info only.</summary>
    public async Task<SelClearPlan> PlanClearAsync(bool fetchFirst, CancellationToken ct)
    {
        var info = await GetInfoAsync(ct).ConfigureAwait(false);
        var steps = new List<string>();
        if (fetchFirst)
            steps.Add($"read {info.Entries} records");
        steps.Add("Reserve SEL");
        if (fetchFirst)
            steps.Add("re-read records added since the first read");
        steps.Add("Clear SEL 'CLR' AAh with the reservation, then poll 00h until complete");
        return new SelClearPlan(info.Entries, fetchFirst, info.SupportsReserve, steps);
    }

    /// <summary>
    /// Clears the SEL with a fresh reservation and waits for the erasure to complete. With <paramref name="fetchFirst"/>
    /// every record is read first and the tail re-read under the reservation, so nothing logged before the clear is lost;
    /// a reservation cancelled in between (C5h: the SEL changed) starts the tail re-read again, at most 3 times.
    /// </summary>
    public async Task<SelClearResult> ClearAsync(bool fetchFirst, CancellationToken ct)
    {
        var time = fetchFirst ? await ReadTimeContextAsync(ct).ConfigureAwait(false) : SelTimeContext.Uncorrected;
        var reads = new ReadCounter();
        var fetched = fetchFirst
            ? (await ReadFromAsync(GetSelEntry.FirstRecord, time, reads, ct).ConfigureAwait(false)).ToList()
            : [];
        for (var attempt = 1; ; attempt++)
        {
            var reservation = await ReserveAsync(ct).ConfigureAwait(false);
            if (fetchFirst)
            {
                var tail = fetched.Count == 0
                    ? await ReadFromAsync(GetSelEntry.FirstRecord, time, reads, ct).ConfigureAwait(false)
                    : await ReadAfterAsync(fetched[^1].RecordId, time, reads, ct).ConfigureAwait(false);
                if (tail is null)
                {
                    // The last record we saw is gone: someone else erased entries. Start over from the first.
                    fetched.Clear();
                    tail = await ReadFromAsync(GetSelEntry.FirstRecord, time, reads, ct).ConfigureAwait(false);
                }

                fetched.AddRange(tail);
                reservation = _reservation;
            }

            ClearSelProgress progress;
            try
            {
                progress = await send.ExecuteAsync(new ClearSel(reservation, ClearSelOperation.InitiateErase), ct).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode == 0xC5 && attempt < MaxClearAttempts)
            {
                continue;
            }

            var polls = 0;
            while (progress != ClearSelProgress.Completed)
            {
                if (polls >= _options.MaxClearStatusPolls)
                    throw new IpmiTimeoutException(
                        $"SEL erasure not complete after {polls} status polls",
                        (int)(_options.ClearStatusPollInterval.TotalMilliseconds * polls), polls);
                await Task.Delay(_options.ClearStatusPollInterval, _options.TimeProvider, ct).ConfigureAwait(false);
                polls++;
                progress = await send.ExecuteAsync(new ClearSel(reservation, ClearSelOperation.GetErasureStatus), ct).ConfigureAwait(false);
            }

            return new SelClearResult(fetched, attempt, polls);
        }
    }

    private static SelTimestamp? TimeOf(SelRecord record) => record switch
    {
        SystemEventRecord s => s.Time,
        OemTimestampedRecord o => o.Time,
        _ => null,
    };

    private static SelCursor CursorFor(SelInfo info, IReadOnlyList<SelRecord> read, ushort? previousLast) =>
        new(info.MostRecentAddition, info.MostRecentErase, info.Entries, read.Count > 0 ? read[^1].RecordId : previousLast);

    private async Task<SelTimeContext> ReadTimeContextAsync(CancellationToken ct)
    {
        if (_options.TimeCorrection == SelTimeCorrection.None)
            return SelTimeContext.Uncorrected;
        try
        {
            var bmc = await send.ExecuteAsync(GetSelTime.Instance, ct).ConfigureAwait(false);
            return new SelTimeContext(bmc, _options.TimeProvider.GetUtcNow(), _options.TimeCorrection);
        }
        catch (CompletionCodeException)
        {
            // No SEL clock: the records keep their own stamps.
            return SelTimeContext.Uncorrected;
        }
    }

    private async Task<ushort> ReserveAsync(CancellationToken ct)
    {
        _reservation = await send.ExecuteAsync(ReserveSel.Instance, ct).ConfigureAwait(false);
        return _reservation;
    }

    /// <summary>Records after <paramref name="recordId"/>, or null when that record no longer exists (CBh).</summary>
    private async Task<List<SelRecord>?> ReadAfterAsync(ushort recordId, SelTimeContext time, ReadCounter reads, CancellationToken ct)
    {
        ushort next;
        try
        {
            (next, _) = await ReadEntryAsync(recordId, reads, ct).ConfigureAwait(false);
        }
        catch (CompletionCodeException e) when (e.CompletionCode == 0xCB)
        {
            return null;
        }

        return next == GetSelEntry.LastRecord ? [] : await ReadFromAsync(next, time, reads, ct).ConfigureAwait(false);
    }

    private async Task<List<SelRecord>> ReadFromAsync(ushort first, SelTimeContext time, ReadCounter reads, CancellationToken ct)
    {
        var records = new List<SelRecord>();
        // Ids asked for so far: a BMC whose next-id chain loops back stops the walk instead of spinning.
        var asked = new HashSet<ushort>();
        var id = first;
        while (asked.Add(id) && records.Count < 0xFFFF)
        {
            ushort next;
            byte[] data;
            try
            {
                (next, data) = await ReadEntryAsync(id, reads, ct).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode == 0xCB && id == GetSelEntry.FirstRecord)
            {
                break; // empty SEL
            }

            records.Add(SelRecordDecoder.Decode(data, time, _names, _options.Quirks));
            if (next == GetSelEntry.LastRecord)
                break;
            id = next;
        }

        return records;
    }

    private async Task<(ushort Next, byte[] Data)> ReadEntryAsync(ushort id, ReadCounter reads, CancellationToken ct)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                reads.Count++;
                var whole = await send.ExecuteAsync(new GetSelEntry(_reservation, id), ct).ConfigureAwait(false);
                if (whole.Data.Length >= SelRecordDecoder.RecordLength)
                    return (whole.NextRecordId, whole.Data);
                return await ReadEntryInPartsAsync(id, reads, ct).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode is 0xC7 or 0xC8 or 0xCA or 0xFF)
            {
                return await ReadEntryInPartsAsync(id, reads, ct).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode == 0xC5 && retry < MaxReservationRetries)
            {
                await ReserveAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private async Task<(ushort Next, byte[] Data)> ReadEntryInPartsAsync(ushort id, ReadCounter reads, CancellationToken ct)
    {
        var chunk = Math.Clamp(_options.PartialReadChunk, (byte)1, (byte)SelRecordDecoder.RecordLength);
        for (var retry = 0; ; retry++)
        {
            if (_reservation == 0)
                await ReserveAsync(ct).ConfigureAwait(false);
            try
            {
                var buffer = new byte[SelRecordDecoder.RecordLength];
                ushort next = GetSelEntry.LastRecord;
                for (var offset = 0; offset < buffer.Length;)
                {
                    var count = (byte)Math.Min(chunk, buffer.Length - offset);
                    reads.Count++;
                    var part = await send.ExecuteAsync(new GetSelEntry(_reservation, id, (byte)offset, count), ct).ConfigureAwait(false);
                    if (part.Data.Length == 0)
                        throw new IpmiDecodeException($"Get SEL Entry returned no data at offset {offset} of record {id:X4}h");
                    var n = Math.Min(part.Data.Length, buffer.Length - offset);
                    part.Data.AsSpan(0, n).CopyTo(buffer.AsSpan(offset));
                    offset += n;
                    next = part.NextRecordId;
                }

                return (next, buffer);
            }
            catch (CompletionCodeException e) when (e.CompletionCode == 0xC5 && retry < MaxReservationRetries)
            {
                await ReserveAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private sealed class ReadCounter
    {
        public int Count { get; set; }
    }
}
