using IpmiRpc.Core.Commands.SensorEvent;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sensors;

/// <summary>Which sensors <see cref="SensorReader"/> reads and how.</summary>
public sealed record SensorReaderOptions
{
    public BmcQuirks Quirks { get; init; }

    /// <summary>Read each sensor of a shared compact/event-only record (FreeIPMI --shared-sensors); false reads only the first, as ipmitool does.</summary>
    public bool ExpandSharedRecords { get; init; } = true;

    /// <summary>Also list event-only sensors (they have no reading; status Ok, no value).</summary>
    public bool IncludeEventOnly { get; init; }

    /// <summary>The BMC's own slave address: sensors owned by it are read directly, others bridged.</summary>
    public int BmcAddress { get; init; } = IpmiRequest.BmcAddress;

    /// <summary>
    /// Sensors read at once by <see cref="SensorReader.ReadManyAsync"/>. The transport still decides how many requests
    /// are on the wire (lanplus: the session's adaptive window, 1–4 by default; in-band: the driver's queue; CIM: one at
    /// a time): this only keeps enough queued that the window never waits for the next sensor's turn. 1 reads one
    /// sensor after the other.
    /// </summary>
    public int MaxSensorsInFlight { get; init; } = 4;
}

/// <summary>
/// Reads sensors described by SDRs: Get Sensor Reading (and Get Sensor Thresholds for threshold sensors, Get Sensor
/// Reading Factors for non-linear ones), converts values (§36.3), names discrete states (Tables 42-2/42-3), and applies
/// <see cref="BmcQuirks"/>. Requests go to the sensor's owner: LUN from the SDR, bridged when the owner is not the BMC.
/// </summary>
public sealed class SensorReader(IpmiSend send, SensorReaderOptions? options = null)
{
    private readonly SensorReaderOptions _options = options ?? new SensorReaderOptions();

    /// <summary>Reads every sensor the records describe, in record order.</summary>
    public Task<IReadOnlyList<SensorReading>> ReadAllAsync(IEnumerable<SdrRecord> records, CancellationToken cancellationToken) =>
        ReadManyAsync(Sensors(records).ToArray(), cancellationToken);

    /// <summary>
    /// The sensors <paramref name="records"/> describe, as (record, instance) pairs: event-only records only with
    /// <see cref="SensorReaderOptions.IncludeEventOnly"/>, each instance of a shared record with
    /// <see cref="SensorReaderOptions.ExpandSharedRecords"/>.
    /// </summary>
    public IEnumerable<(SensorRecord Record, int ShareIndex)> Sensors(IEnumerable<SdrRecord> records)
    {
        foreach (var record in records)
        {
            if (record is not SensorRecord sensor || (sensor is EventOnlySensorRecord && !_options.IncludeEventOnly))
            {
                continue;
            }

            var count = _options.ExpandSharedRecords ? sensor.Sharing?.Count ?? 1 : 1;
            for (var i = 0; i < count; i++)
            {
                yield return (sensor, i);
            }
        }
    }

    /// <summary>
    /// Reads <paramref name="sensors"/> with up to <see cref="SensorReaderOptions.MaxSensorsInFlight"/> at once
    /// (one round trip per sensor left the wall time of a warm sensors.list bound by the BMC's round trip times the
    /// sensor count); the readings come back in the order given. A failure other than a completion code (a timeout,
    /// a dead session) stops the others and is thrown.
    /// </summary>
    public async Task<IReadOnlyList<SensorReading>> ReadManyAsync(IReadOnlyList<(SensorRecord Record, int ShareIndex)> sensors, CancellationToken cancellationToken)
    {
        var readings = new SensorReading[sensors.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxSensorsInFlight), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, sensors.Count), parallel, async (i, ct) =>
            readings[i] = await ReadAsync(sensors[i].Record, sensors[i].ShareIndex, ct).ConfigureAwait(false)).ConfigureAwait(false);
        return readings;
    }

    /// <summary>Reads instance <paramref name="shareIndex"/> (0 for unshared records) of one sensor record.</summary>
    public async Task<SensorReading> ReadAsync(SensorRecord record, int shareIndex, CancellationToken cancellationToken)
    {
        var sharing = record.Sharing;
        var shared = _options.ExpandSharedRecords && sharing is { Count: > 1 };
        var number = (record.SensorNumber + shareIndex) & 0xFF;
        var name = shared ? record.Name.Text + sharing!.Suffix(shareIndex) : record.Name.Text;
        var entity = shared && sharing!.EntityInstanceIncrements ? record.Entity with { Instance = (record.Entity.Instance + shareIndex) & 0x7F } : record.Entity;
        var units = record switch
        {
            FullSensorRecord f => f.Units,
            CompactSensorRecord c => c.Units,
            _ => null,
        };
        var result = new SensorReading(record, name, number, record.Owner, entity, record.SensorType, SensorTypeTable.TypeName(record.SensorType),
            record.EventReadingType, SensorStatus.Ok, null, null, null, units, null, 0, [], null);
        if (record is EventOnlySensorRecord)
        {
            return result with { ValueNote = "event-only sensor" };
        }

        // Thresholds and reading are independent requests: both go out at once, so a threshold sensor costs one round
        // trip where the window has room.
        var thresholdsTask = record.IsThresholdBased ? ReadThresholdsAsync(record, number, cancellationToken) : Task.FromResult<SensorThresholds?>(null);
        var readingTask = ReadReadingAsync(record.Owner, number, cancellationToken);
        await Task.WhenAll(thresholdsTask, readingTask).ConfigureAwait(false);
        result = result with { Thresholds = await thresholdsTask.ConfigureAwait(false) };
        var (reading, refused) = await readingTask.ConfigureAwait(false);
        if (reading is null)
        {
            return result with { Status = SensorStatus.ReadingUnavailable, CompletionCode = refused };
        }

        result = result with { Raw = reading.Raw, StateBits = reading.States };
        if (reading.ReadingUnavailable)
        {
            return result with { Status = SensorStatus.ReadingUnavailable, Raw = null };
        }

        if (!reading.ScanningEnabled && (_options.Quirks & BmcQuirks.IgnoreScanningDisabled) == 0)
        {
            return result with { Status = SensorStatus.ScanningDisabled, Raw = null };
        }

        if (record.IsThresholdBased)
        {
            var (value, note) = await ConvertAsync(record, number, reading.Raw, cancellationToken).ConfigureAwait(false);
            return result with { Value = value, ValueNote = note, Status = ThresholdStatus(reading.States) };
        }

        result = result with { States = DiscreteStates.Decode(record.EventReadingType, record.SensorType, reading.States) };
        if ((_options.Quirks & BmcQuirks.DiscreteReading) != 0 && record is FullSensorRecord { AnalogFormat: not AnalogDataFormat.NoAnalogReading })
        {
            var (value, note) = await ConvertAsync(record, number, reading.Raw, cancellationToken).ConfigureAwait(false);
            result = result with { Value = value, ValueNote = note };
        }

        return result;
    }

    /// <summary>Get Sensor Reading, or the completion code the owner refused it with.</summary>
    private async Task<(SensorReadingResponse? Reading, int? CompletionCode)> ReadReadingAsync(SensorOwner owner, int number, CancellationToken cancellationToken)
    {
        try
        {
            return (await ExecuteAtOwnerAsync(owner, new GetSensorReading((byte)number), cancellationToken).ConfigureAwait(false), null);
        }
        catch (CompletionCodeException e)
        {
            return (null, e.CompletionCode);
        }
    }

    /// <summary>Bits 2/5 non-recoverable, 1/4 critical, 0/3 non-critical (Get Sensor Reading byte 3, §35.14).</summary>
    public static SensorStatus ThresholdStatus(int stateBits) =>
        (stateBits & 0b10_0100) != 0 ? SensorStatus.NonRecoverable
        : (stateBits & 0b01_0010) != 0 ? SensorStatus.Critical
        : (stateBits & 0b00_1001) != 0 ? SensorStatus.NonCritical
        : SensorStatus.Ok;

    private async Task<(double? Value, string? Note)> ConvertAsync(SensorRecord record, int number, byte raw, CancellationToken cancellationToken)
    {
        if (record is not FullSensorRecord full)
        {
            return (null, "compact records carry no conversion factors");
        }

        if (!SensorReadingConverter.IsNonLinear(full.Linearization))
        {
            var value = SensorReadingConverter.Convert(raw, full.AnalogFormat, full.Linearization, full.Factors);
            return (value, value is null ? "the conversion has no finite result" : null);
        }

        try
        {
            var factors = await ExecuteAtOwnerAsync(record.Owner, new GetSensorReadingFactors((byte)number, raw), cancellationToken).ConfigureAwait(false);
            var value = SensorReadingConverter.Convert(raw, full.AnalogFormat, (int)Linearization.Linear, factors.Factors);
            return (value, value is null ? "the conversion has no finite result" : null);
        }
        catch (CompletionCodeException e)
        {
            return (null, $"non-linear sensor and Get Sensor Reading Factors failed (0x{e.CompletionCode:X2})");
        }
    }

    private async Task<SensorThresholds?> ReadThresholdsAsync(SensorRecord record, int number, CancellationToken cancellationToken)
    {
        if (record is not FullSensorRecord full)
        {
            return null;
        }

        if (full.Capabilities.ThresholdAccess is ThresholdAccess.None or ThresholdAccess.FixedUnreadable && full.Masks.ReadableThresholds == ThresholdMask.None)
        {
            return null;
        }

        double? Convert(byte? raw) => raw is { } r ? full.Convert(r) : null;
        try
        {
            var response = await ExecuteAtOwnerAsync(record.Owner, new GetSensorThreshold((byte)number), cancellationToken).ConfigureAwait(false);
            var t = response.Thresholds;
            return new SensorThresholds(Convert(t.LowerNonRecoverable), Convert(t.LowerCritical), Convert(t.LowerNonCritical),
                Convert(t.UpperNonCritical), Convert(t.UpperCritical), Convert(t.UpperNonRecoverable), ThresholdSource.Command);
        }
        catch (CompletionCodeException)
        {
            var readable = full.Masks.ReadableThresholds;
            var t = full.Thresholds;
            byte? Masked(ThresholdMask bit, byte? value) => (readable & bit) != 0 ? value : null;
            return new SensorThresholds(
                Convert(Masked(ThresholdMask.LowerNonRecoverable, t.LowerNonRecoverable)),
                Convert(Masked(ThresholdMask.LowerCritical, t.LowerCritical)),
                Convert(Masked(ThresholdMask.LowerNonCritical, t.LowerNonCritical)),
                Convert(Masked(ThresholdMask.UpperNonCritical, t.UpperNonCritical)),
                Convert(Masked(ThresholdMask.UpperCritical, t.UpperCritical)),
                Convert(Masked(ThresholdMask.UpperNonRecoverable, t.UpperNonRecoverable)),
                ThresholdSource.Sdr);
        }
    }

    /// <summary>Sends to the sensor's owner: the BMC (owner's LUN) unless another controller owns it and no quirk says otherwise.</summary>
    private async Task<T> ExecuteAtOwnerAsync<T>(SensorOwner owner, IIpmiCommand<T> command, CancellationToken cancellationToken)
    {
        var info = command.Info;
        var viaBmc = owner.IsSoftwareId || owner.Address == _options.BmcAddress || (_options.Quirks & BmcQuirks.AssumeBmcOwner) != 0;
        var request = viaBmc
            ? new IpmiRequest(info.NetFn, info.Command, command.RequestData, Lun: (byte)owner.Lun)
            : new IpmiRequest(info.NetFn, info.Command, command.RequestData, Lun: (byte)owner.Lun, ResponderAddress: (byte)owner.Address, Channel: (byte)owner.Channel);
        var response = await send(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccess(info.NetFn, info.Command);
        return command.Decode(response.Data.Span);
    }
}
