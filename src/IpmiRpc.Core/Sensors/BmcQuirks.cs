namespace IpmiRpc.Core.Sensors;

/// <summary>
/// Known ways BMCs break the specification, named after FreeIPMI's workaround flags (man ipmi-sensors, ipmi-sel,
/// ipmi-fru: WORKAROUNDS; freeipmi-bugs-issues-and-workarounds.txt) and set per target. This enum is their one home:
/// the decoders and readers take it and apply each flag in one place, documented here.
/// </summary>
[Flags]
public enum BmcQuirks
{
    None = 0,

    /// <summary>
    /// FreeIPMI <c>discretereading</c>: also convert the analog reading of a full-SDR sensor whose event/reading type
    /// is discrete (HP ProLiant DL380 G7, ML310 G5 list RPM/degree sensors as discrete). Applied in
    /// <see cref="SensorReader"/>.
    /// </summary>
    DiscreteReading = 1 << 0,

    /// <summary>
    /// FreeIPMI <c>ignorescanningdisabled</c>: use the reading even when Get Sensor Reading says scanning is disabled
    /// (Dell PowerEdge 2900/2950/R410/R610 clear the bit on working sensors). Applied in <see cref="SensorReader"/>.
    /// </summary>
    IgnoreScanningDisabled = 1 << 1,

    /// <summary>
    /// FreeIPMI <c>assumebmcowner</c>: read every sensor from the BMC (LUN from the SDR) whatever owner the SDR
    /// names (Fujitsu boards report bogus owners, so bridging to them fails). Applied in <see cref="SensorReader"/>.
    /// </summary>
    AssumeBmcOwner = 1 << 2,

    /// <summary>
    /// FreeIPMI <c>assumesystemevent</c> (ipmi-sel): decode SEL records with a non-standard record type as system event
    /// records (Inventec 5441, Supermicro X8DTH). Reserved for the SEL decoder.
    /// </summary>
    AssumeSystemEventRecord = 1 << 3,

    /// <summary>
    /// FreeIPMI <c>assumemaxsdrrecordcount</c>: stop reading the SDR repository after the record count Get SDR
    /// Repository Info announced, even if the next record ID is not FFFFh (Inspur boards loop). Applied in
    /// <see cref="Sdr.SdrRepositoryReader"/>.
    /// </summary>
    AssumeMaxSdrRecordCount = 1 << 4,

    /// <summary>
    /// The BMC never updates the repository's addition/erase timestamps: the SDR cache always confirms a cached copy
    /// by re-reading and hashing the first records (it does so anyway when both timestamps are 0 or FFFFFFFFh).
    /// Applied in <see cref="Sdr.SdrCache"/>.
    /// </summary>
    SdrTimestampsUnreliable = 1 << 5,
}
