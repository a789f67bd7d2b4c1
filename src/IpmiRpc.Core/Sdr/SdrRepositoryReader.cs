using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sdr;

/// <summary>Limits for <see cref="SdrRepositoryReader"/>. Every loop it runs is bounded by these.</summary>
public sealed record SdrReaderOptions
{
    /// <summary>Stop after this many records whatever the BMC says (a repository holds at most a few hundred).</summary>
    public int MaxRecords { get; init; } = 1024;

    /// <summary>The first partial-read chunk after a whole-record read failed; halved on 0xCA/0xFF down to <see cref="MinChunk"/>.</summary>
    public int InitialChunk { get; init; } = 32;

    public int MinChunk { get; init; } = 4;

    /// <summary>How often one record may lose its reservation (0xC5) before the read gives up.</summary>
    public int MaxReservationRetries { get; init; } = 8;

    public BmcQuirks Quirks { get; init; }
}

/// <summary>Why a repository read ended early or skipped something, for the caller to show.</summary>
public enum SdrReadWarningKind
{
    /// <summary>The BMC answered 0xC3 (timeout) for the last record (Dell FC830, FreeIPMI SDR bug #9): the read ends there.</summary>
    TimeoutOnLastRecord,

    /// <summary>A next-record ID pointed back to a record already read: the read stops instead of looping.</summary>
    DuplicateRecordId,

    /// <summary><see cref="SdrReaderOptions.MaxRecords"/> or, with the quirk, the announced record count was reached.</summary>
    RecordLimitReached,

    /// <summary>A whole-record read returned fewer bytes than the record header says; the record was re-read in chunks.</summary>
    LengthMismatch,
}

public sealed record SdrReadWarning(SdrReadWarningKind Kind, int RecordId, string Message);

/// <summary>One record as read: its ID and its bytes (header included).</summary>
public sealed record SdrRawRecord(int RecordId, byte[] Bytes);

/// <summary>What <see cref="SdrRepositoryReader.ReadAsync"/> returns.</summary>
/// <param name="GetSdrRequests">Get SDR requests sent (for tests and the cache's accounting).</param>
public sealed record SdrReadResult(SdrRepositoryInfo Info, IReadOnlyList<SdrRawRecord> Records, IReadOnlyList<SdrReadWarning> Warnings, int GetSdrRequests);

/// <summary>
/// Reads the whole SDR repository the way FreeIPMI and pyghmi do: reserve, ask for each whole record (FFh); when the
/// BMC cannot return that many bytes (0xCA, 0xFF, 0xC7, 0xC8) read the 5-byte header and then chunks, halving the chunk
/// on the same errors and keeping the size that worked for later records; re-reserve on 0xC5. Ends at next-record ID
/// FFFFh, on a repeated record ID, or at <see cref="SdrReaderOptions.MaxRecords"/>.
/// </summary>
public sealed class SdrRepositoryReader(IpmiSend send, SdrReaderOptions? options = null)
{
    private const byte ReservationCancelled = 0xC5;
    private const byte Timeout = 0xC3;
    private const byte RecordNotPresent = 0xCB;

    private readonly SdrReaderOptions _options = options ?? new SdrReaderOptions();
    private int _chunk;
    private int _requests;

    /// <summary>Get SDR requests sent by this reader so far.</summary>
    public int GetSdrRequests => _requests;

    public Task<SdrRepositoryInfo> GetInfoAsync(CancellationToken cancellationToken) =>
        send.ExecuteAsync(GetSdrRepositoryInfo.Instance, cancellationToken);

    /// <summary>Reads Get SDR Repository Info and then every record.</summary>
    public async Task<SdrReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        var info = await GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await ReadRecordsAsync(info, maxRecords: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads records from the first on; at most <paramref name="maxRecords"/> when given (the cache's probe of the
    /// first records).
    /// </summary>
    public async Task<SdrReadResult> ReadRecordsAsync(SdrRepositoryInfo info, int? maxRecords, CancellationToken cancellationToken)
    {
        var requestsBefore = _requests;
        var records = new List<SdrRawRecord>();
        var warnings = new List<SdrReadWarning>();
        var seen = new HashSet<int>();
        var limit = Math.Min(maxRecords ?? int.MaxValue, _options.MaxRecords);
        if ((_options.Quirks & BmcQuirks.AssumeMaxSdrRecordCount) != 0)
        {
            limit = Math.Min(limit, info.RecordCount);
        }

        ushort reservation = info.ReserveSupported ? await ReserveAsync(cancellationToken).ConfigureAwait(false) : (ushort)0;
        ushort recordId = 0x0000;
        _chunk = _chunk == 0 ? _options.InitialChunk : _chunk;
        while (true)
        {
            if (records.Count >= limit)
            {
                if (maxRecords is null)
                {
                    warnings.Add(new SdrReadWarning(SdrReadWarningKind.RecordLimitReached, recordId, $"stopped after {records.Count} records"));
                }

                break;
            }

            if (!seen.Add(recordId))
            {
                warnings.Add(new SdrReadWarning(SdrReadWarningKind.DuplicateRecordId, recordId, $"record 0x{recordId:X4} was already read; the BMC's record chain loops"));
                break;
            }

            (ushort Next, byte[] Bytes) read;
            try
            {
                read = await ReadRecordAsync(recordId, () => reservation, async () => reservation = await ReserveAsync(cancellationToken).ConfigureAwait(false), warnings, cancellationToken).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode == RecordNotPresent && records.Count == 0)
            {
                // An empty repository has no first record to read.
                break;
            }
            catch (CompletionCodeException e) when (e.CompletionCode == Timeout && records.Count > 0 && records.Count >= info.RecordCount - 1)
            {
                warnings.Add(new SdrReadWarning(SdrReadWarningKind.TimeoutOnLastRecord, recordId, "the BMC timed out (0xC3) on the last record; reading ends there"));
                break;
            }

            var actualId = read.Bytes.Length >= 2 ? read.Bytes[0] | (read.Bytes[1] << 8) : recordId;
            records.Add(new SdrRawRecord(actualId, read.Bytes));

            // The first request asks for ID 0000h; the record's own ID must count as read too, or a chain pointing
            // back to it would read it twice before the loop is noticed.
            seen.Add(actualId);
            if (read.Next == GetSdr.EndOfRepository)
            {
                break;
            }

            recordId = read.Next;
        }

        return new SdrReadResult(info, records, warnings, _requests - requestsBefore);
    }

    private async Task<ushort> ReserveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await send.ExecuteAsync(ReserveSdrRepository.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch (CompletionCodeException e) when (e.CompletionCode == 0xC1)
        {
            // Reserve not implemented after all: whole-record reads at offset 0 work without one.
            return 0;
        }
    }

    private async Task<(ushort Next, byte[] Bytes)> ReadRecordAsync(
        ushort recordId, Func<ushort> reservation, Func<Task> reserveAgain, List<SdrReadWarning> warnings, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ReadRecordOnceAsync(recordId, reservation(), warnings, cancellationToken).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode == ReservationCancelled && attempt < _options.MaxReservationRetries)
            {
                await reserveAgain().ConfigureAwait(false);
            }
        }
    }

    private async Task<(ushort Next, byte[] Bytes)> ReadRecordOnceAsync(ushort recordId, ushort reservation, List<SdrReadWarning> warnings, CancellationToken cancellationToken)
    {
        try
        {
            var whole = await GetAsync(reservation, recordId, 0, GetSdr.WholeRecord, cancellationToken).ConfigureAwait(false);
            if (whole.Data.Length >= SdrHeader.Size && whole.Data.Length >= whole.Data[4] + SdrHeader.Size)
            {
                // Bytes past the header's length are padding (ipmi_sim sends a few for short records): drop them.
                return (whole.NextRecordId, whole.Data[..(whole.Data[4] + SdrHeader.Size)]);
            }

            // Short whole-record reads happen (FreeIPMI SDR bugs #1–#5): fall back to the header and chunks.
            warnings.Add(new SdrReadWarning(SdrReadWarningKind.LengthMismatch, recordId,
                $"whole-record read returned {whole.Data.Length} bytes, fewer than the header says"));
        }
        catch (CompletionCodeException e) when (IsTooManyBytes(e.CompletionCode))
        {
        }

        var header = await GetChunkAsync(reservation, recordId, 0, SdrHeader.Size, cancellationToken).ConfigureAwait(false);
        IpmiDecodeException.ThrowIfShorter(header.Data, SdrHeader.Size, "SDR header");
        var total = SdrHeader.Size + header.Data[4];
        var bytes = new byte[total];
        header.Data.AsSpan(0, SdrHeader.Size).CopyTo(bytes);
        var offset = SdrHeader.Size;
        while (offset < total)
        {
            var want = Math.Min(_chunk, total - offset);
            var part = await GetChunkAsync(reservation, recordId, offset, want, cancellationToken).ConfigureAwait(false);
            if (part.Data.Length == 0)
            {
                throw new IpmiDecodeException($"Get SDR returned no bytes for record 0x{recordId:X4} at offset {offset}");
            }

            var take = Math.Min(part.Data.Length, total - offset);
            part.Data.AsSpan(0, take).CopyTo(bytes.AsSpan(offset));
            offset += take;
        }

        return (header.NextRecordId, bytes);
    }

    // A chunk read that halves the chunk size on "cannot return that many bytes" until MinChunk.
    private async Task<GetSdrResponse> GetChunkAsync(ushort reservation, ushort recordId, int offset, int want, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return await GetAsync(reservation, recordId, (byte)offset, (byte)want, cancellationToken).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (IsTooManyBytes(e.CompletionCode) && want > _options.MinChunk)
            {
                want = Math.Max(_options.MinChunk, want / 2);
                _chunk = Math.Min(_chunk, want);
            }
        }
    }

    private Task<GetSdrResponse> GetAsync(ushort reservation, ushort recordId, byte offset, byte count, CancellationToken cancellationToken)
    {
        _requests++;
        return send.ExecuteAsync(new GetSdr(reservation, recordId, offset, count), cancellationToken);
    }

    private static bool IsTooManyBytes(byte code) => code is 0xCA or 0xFF or 0xC7 or 0xC8;
}
