using IpmiRpc.Core.Sdr;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sensors;

/// <summary>A sensor's health as the tools summarise it.</summary>
public enum SensorStatus
{
    /// <summary>Threshold sensor inside all thresholds, or a discrete sensor that was read.</summary>
    Ok,
    NonCritical,
    Critical,
    NonRecoverable,

    /// <summary>The BMC flagged the reading unavailable, or refused Get Sensor Reading (e.g. CBh: sensor not present).</summary>
    ReadingUnavailable,

    /// <summary>The BMC says scanning is disabled for this sensor (see <see cref="BmcQuirks.IgnoreScanningDisabled"/>).</summary>
    ScanningDisabled,
}

/// <summary>Where the threshold values came from.</summary>
public enum ThresholdSource
{
    /// <summary>Get Sensor Thresholds (as ipmitool and FreeIPMI do).</summary>
    Command,

    /// <summary>The SDR's threshold bytes, masked by its readable mask, because the command failed.</summary>
    Sdr,
}

/// <summary>Threshold values in the sensor's unit; null where a threshold is not readable (or not convertible).</summary>
public sealed record SensorThresholds(
    double? LowerNonRecoverable,
    double? LowerCritical,
    double? LowerNonCritical,
    double? UpperNonCritical,
    double? UpperCritical,
    double? UpperNonRecoverable,
    ThresholdSource Source);

/// <summary>One sensor read and decoded.</summary>
/// <param name="Name">ID string, with the shared-record suffix for shared sensors.</param>
/// <param name="Raw">The reading byte (null when not read).</param>
/// <param name="Value">Converted reading in <paramref name="Units"/>; null for discrete sensors, unavailable readings and
/// non-linear sensors whose factors could not be read.</param>
/// <param name="ValueNote">Why <paramref name="Value"/> is null although a reading came back, if it is.</param>
/// <param name="StateBits">Threshold sensors: bits 5:0 = at or past LNC, LC, LNR, UNC, UC, UNR. Discrete: offsets 14:0.</param>
/// <param name="States">Discrete sensors: the asserted states, named.</param>
/// <param name="CompletionCode">The completion code when Get Sensor Reading failed.</param>
public sealed record SensorReading(
    SensorRecord Record,
    string Name,
    int SensorNumber,
    SensorOwner Owner,
    EntityRef Entity,
    int SensorType,
    string SensorTypeName,
    int EventReadingType,
    SensorStatus Status,
    byte? Raw,
    double? Value,
    string? ValueNote,
    SensorUnits? Units,
    SensorThresholds? Thresholds,
    int StateBits,
    IReadOnlyList<DiscreteState> States,
    int? CompletionCode)
{
    public bool IsThresholdBased => EventReadingType == 0x01;
}
