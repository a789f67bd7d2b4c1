using System.ComponentModel;
using IpmiRpc.Core.Commands.SensorEvent;
using IpmiRpc.Core.Commands.Storage;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Host.Methods;

// The wire shapes of sdr.list and sensors.list. Core's records carry flag enums and back-references (a reading's
// record) that read badly as JSON; these are flat, every kind of record in one shape with the parts that apply.

/// <param name="GetSdrRequests">Get SDR requests this call sent: 0 when the cached repository was still valid.</param>
public sealed record SdrCacheReport(
    [property: Description("hit: cached and unchanged, no SDR read; probeHit: first records re-read and matched; sharedHit: another BMC of the same model and firmware had it; persistedHit: loaded from --sdr-cache; read: read in full.")]
    SdrCacheOutcome Outcome,
    int GetSdrRequests);

public sealed record SdrListing(
    SdrRepositoryInfo Repository,
    [property: Description("Get Device ID's identity fields: what the cache and sharing are keyed on.")]
    BmcIdentity Bmc,
    SdrCacheReport Cache,
    [property: Description("The quirks applied.")]
    IReadOnlyList<BmcQuirks> Quirks,
    IReadOnlyList<SdrReadWarning> Warnings,
    IReadOnlyList<SdrEntry> Records);

public enum SdrRecordKind
{
    FullSensor,
    CompactSensor,
    EventOnlySensor,
    GenericDeviceLocator,
    FruDeviceLocator,
    ManagementControllerLocator,
    Oem,

    /// <summary>Entity associations, confirmations, reserved types: header and bytes only.</summary>
    Other,

    /// <summary>Too short for its type, or otherwise undecodable: see <c>error</c>.</summary>
    Malformed,
}

/// <summary>One SDR record; <c>sensor</c>, <c>locator</c> and <c>oem</c> are set for the kinds they apply to.</summary>
public sealed record SdrEntry(
    int RecordId,
    int RecordType,
    SdrRecordKind Kind,
    int SdrVersion,
    [property: Description("ID string (sensors and locators).")]
    string? Name,
    EntityRef? Entity,
    SdrSensorInfo? Sensor,
    SdrLocatorInfo? Locator,
    SdrOemInfo? Oem,
    string? Error,
    [property: Description("The record's bytes, header included.")]
    byte[] Raw)
{
    public static SdrEntry From(SdrRecord record)
    {
        var h = record.Header;
        SdrEntry Entry(SdrRecordKind kind, string? name = null, EntityRef? entity = null) =>
            new(h.RecordId, h.RecordType, kind, h.SdrVersion, name, entity, null, null, null, null, record.Raw);
        return record switch
        {
            FullSensorRecord s => Entry(SdrRecordKind.FullSensor, s.Name.Text, s.Entity) with { Sensor = SdrSensorInfo.From(s) },
            CompactSensorRecord s => Entry(SdrRecordKind.CompactSensor, s.Name.Text, s.Entity) with { Sensor = SdrSensorInfo.From(s) },
            EventOnlySensorRecord s => Entry(SdrRecordKind.EventOnlySensor, s.Name.Text, s.Entity) with { Sensor = SdrSensorInfo.From(s) },
            GenericDeviceLocatorRecord g => Entry(SdrRecordKind.GenericDeviceLocator, g.Name.Text, g.Entity) with
            {
                Locator = new SdrLocatorInfo(g.AccessAddress, g.SlaveAddress, g.Channel, g.AccessLun, g.PrivateBusId, null, null, g.DeviceType, g.DeviceTypeModifier, null, null, g.Oem),
            },
            FruDeviceLocatorRecord f => Entry(SdrRecordKind.FruDeviceLocator, f.Name.Text, f.Entity) with
            {
                Locator = new SdrLocatorInfo(f.AccessAddress, null, f.Channel, f.AccessLun, f.PrivateBusId, f.FruDeviceId, f.Logical, f.DeviceType, f.DeviceTypeModifier, null, null, f.Oem),
            },
            ManagementControllerLocatorRecord m => Entry(SdrRecordKind.ManagementControllerLocator, m.Name.Text, m.Entity) with
            {
                Locator = new SdrLocatorInfo(null, m.SlaveAddress, m.Channel, null, null, null, null, null, null, m.StaticController, m.Capabilities, m.Oem),
            },
            OemRecord o => Entry(SdrRecordKind.Oem) with { Oem = new SdrOemInfo(o.ManufacturerId, o.Data) },
            MalformedRecord bad => Entry(SdrRecordKind.Malformed) with { Error = bad.Error },
            _ => Entry(SdrRecordKind.Other),
        };
    }
}

/// <summary>What a sensor record says about its sensor (values converted with the record's factors).</summary>
/// <param name="Owner">Who answers Get Sensor Reading: 8-bit slave address (or software ID), LUN, channel.</param>
/// <param name="Units">Unit as ipmitool prints it; null for event-only records.</param>
/// <param name="UnitsAbbreviation">Unit as FreeIPMI prints it.</param>
/// <param name="Linearization">Full records: linearization code (70h–7Fh non-linear).</param>
/// <param name="Factors">Full records: M, B, exponents, accuracy, tolerance (§36.3).</param>
/// <param name="Range">Full records: nominal, normal and sensor min/max, converted (null where not given or non-linear).</param>
/// <param name="Thresholds">Full threshold records: the SDR's threshold bytes, converted, for the thresholds it says are readable.</param>
/// <param name="ReadableThresholds">Threshold sensors: which thresholds the SDR says are readable.</param>
/// <param name="SharedCount">Compact/event-only records: how many sensors share the record.</param>
public sealed record SdrSensorInfo(
    int SensorNumber,
    SensorOwner Owner,
    int SensorType,
    string SensorTypeName,
    int EventReadingType,
    bool ThresholdBased,
    string? Units,
    string? UnitsAbbreviation,
    AnalogDataFormat? AnalogFormat,
    int? Linearization,
    ConversionFactors? Factors,
    SdrSensorRange? Range,
    SdrThresholds? Thresholds,
    IReadOnlyList<ThresholdName> ReadableThresholds,
    ThresholdAccess? ThresholdAccess,
    int? SharedCount)
{
    public static SdrSensorInfo From(SensorRecord record)
    {
        var info = new SdrSensorInfo(record.SensorNumber, record.Owner, record.SensorType, SensorTypeTable.TypeName(record.SensorType), record.EventReadingType,
            record.IsThresholdBased, null, null, null, null, null, null, null, [], null, record.Sharing?.Count);
        return record switch
        {
            FullSensorRecord f => info with
            {
                Units = f.Units.Text,
                UnitsAbbreviation = f.Units.Abbreviation,
                AnalogFormat = f.AnalogFormat,
                Linearization = f.Linearization,
                Factors = f.Factors,
                Range = new SdrSensorRange(Convert(f, f.NominalReading), Convert(f, f.NormalMinimum), Convert(f, f.NormalMaximum), Convert(f, f.SensorMinimum), Convert(f, f.SensorMaximum)),
                Thresholds = f.IsThresholdBased ? SdrThresholds.From(f) : null,
                ReadableThresholds = f.IsThresholdBased ? ThresholdNames.Of(f.Masks.ReadableThresholds) : [],
                ThresholdAccess = f.Capabilities.ThresholdAccess,
            },
            CompactSensorRecord c => info with
            {
                Units = c.Units.Text,
                UnitsAbbreviation = c.Units.Abbreviation,
                ReadableThresholds = c.IsThresholdBased ? ThresholdNames.Of(c.Masks.ReadableThresholds) : [],
                ThresholdAccess = c.Capabilities.ThresholdAccess,
            },
            _ => info,
        };
    }

    private static double? Convert(FullSensorRecord record, byte? raw) => raw is { } r ? record.Convert(r) : null;
}

public sealed record SdrSensorRange(double? Nominal, double? NormalMinimum, double? NormalMaximum, double? SensorMinimum, double? SensorMaximum);

public sealed record SdrThresholds(double? LowerNonRecoverable, double? LowerCritical, double? LowerNonCritical, double? UpperNonCritical, double? UpperCritical, double? UpperNonRecoverable)
{
    public static SdrThresholds From(FullSensorRecord f)
    {
        var readable = f.Masks.ReadableThresholds;
        var t = f.Thresholds;
        double? Value(ThresholdMask bit, byte? raw) => (readable & bit) != 0 && raw is { } r ? f.Convert(r) : null;
        return new SdrThresholds(
            Value(ThresholdMask.LowerNonRecoverable, t.LowerNonRecoverable),
            Value(ThresholdMask.LowerCritical, t.LowerCritical),
            Value(ThresholdMask.LowerNonCritical, t.LowerNonCritical),
            Value(ThresholdMask.UpperNonCritical, t.UpperNonCritical),
            Value(ThresholdMask.UpperCritical, t.UpperCritical),
            Value(ThresholdMask.UpperNonRecoverable, t.UpperNonRecoverable));
    }
}

public enum ThresholdName
{
    LowerNonCritical,
    LowerCritical,
    LowerNonRecoverable,
    UpperNonCritical,
    UpperCritical,
    UpperNonRecoverable,
}

internal static class ThresholdNames
{
    /// <summary>The set bits of a threshold mask as names (ThresholdMask is a flag set, which JSON has no enum for).</summary>
    public static IReadOnlyList<ThresholdName> Of(ThresholdMask mask) =>
        Enum.GetValues<ThresholdName>().Where(n => ((int)mask & (1 << (int)n)) != 0).ToArray();
}

/// <param name="AccessAddress">Controller giving access (8-bit slave address): generic and FRU locators.</param>
/// <param name="SlaveAddress">The device's or controller's 8-bit slave address: generic and MC locators.</param>
/// <param name="FruDeviceId">FRU locators: logical FRU device ID, or the device's slave address when not logical.</param>
/// <param name="Logical">FRU locators: a logical FRU device (read with Read FRU Data through the controller).</param>
/// <param name="StaticController">MC locators: always present ("Static MC").</param>
/// <param name="Capabilities">MC locators: the controller's device support bits.</param>
public sealed record SdrLocatorInfo(
    int? AccessAddress,
    int? SlaveAddress,
    int Channel,
    int? AccessLun,
    int? PrivateBusId,
    int? FruDeviceId,
    bool? Logical,
    int? DeviceType,
    int? DeviceTypeModifier,
    bool? StaticController,
    ControllerCapabilities? Capabilities,
    int Oem);

public sealed record SdrOemInfo(int ManufacturerId, byte[] Data);

public sealed record SensorList(
    IReadOnlyList<SensorEntry> Sensors,
    SdrCacheReport Cache,
    [property: Description("The quirks applied.")]
    IReadOnlyList<BmcQuirks> Quirks);

/// <summary>One sensor read and decoded.</summary>
/// <param name="Name">ID string; a shared sensor's carries its instance suffix.</param>
/// <param name="Reading">The value in <paramref name="Units"/>; null for discrete sensors (unless discreteReading), unavailable readings and
/// non-linear sensors whose factors could not be read (see <paramref name="Note"/>).</param>
/// <param name="Raw">The reading byte (null when not read).</param>
/// <param name="StateBits">Threshold sensors: bits 5:0 = at or past LNC, LC, LNR, UNC, UC, UNR. Discrete: offsets 14:0.</param>
/// <param name="States">Discrete sensors: the asserted states, named (sensor type table for 6Fh, generic table for 01h–0Ch).</param>
/// <param name="CompletionCode">The completion code when Get Sensor Reading failed.</param>
public sealed record SensorEntry(
    string Name,
    int RecordId,
    int SensorNumber,
    SensorOwner Owner,
    EntityRef Entity,
    int SensorType,
    string SensorTypeName,
    int EventReadingType,
    bool ThresholdBased,
    SensorStatus Status,
    double? Reading,
    string? Units,
    string? UnitsAbbreviation,
    SensorThresholds? Thresholds,
    byte? Raw,
    int StateBits,
    IReadOnlyList<DiscreteState> States,
    string? Note,
    int? CompletionCode)
{
    public static SensorEntry From(SensorReading r) => new(
        r.Name, r.Record.Header.RecordId, r.SensorNumber, r.Owner, r.Entity, r.SensorType, r.SensorTypeName, r.EventReadingType,
        r.IsThresholdBased, r.Status, r.Value, r.Units?.Text, r.Units?.Abbreviation, r.Thresholds, r.Raw, r.StateBits, r.States, r.ValueNote,
        r.CompletionCode);
}
