using System.Runtime.Serialization;

namespace IpmiRpc.Core.Targets;

/// <summary>
/// Known ways BMCs break the specification, named after FreeIPMI's workaround flags (man ipmi-sensors, ipmi-sel,
/// ipmi-fru: WORKAROUNDS; freeipmi-bugs-issues-and-workarounds.txt) and set per target (<see cref="TargetDeclaration.Quirks"/>,
/// also per call on sdr.list/sensors.list). This enum is their one home: the decoders and readers take it and apply
/// each flag in one place, documented here and, for the schema, in <see cref="BmcQuirksText.Summary"/>.
/// Deviations every BMC may show (0xC3 on the last SDR, a looping record chain, short whole-record reads) are handled
/// without a quirk and reported as warnings.
/// </summary>
[Flags]
public enum BmcQuirks
{
    /// <summary>No quirk: the empty set, never named on the wire.</summary>
    [IgnoreDataMember]
    None = 0,

    /// <summary>
    /// FreeIPMI <c>discretereading</c>: also convert the analog reading of a full-SDR sensor whose event/reading type
    /// is discrete (HP ProLiant DL380 G7, ML310 G5 list RPM/degree sensors as discrete). Applied in
    /// <see cref="Sensors.SensorReader"/>.
    /// </summary>
    DiscreteReading = 1 << 0,

    /// <summary>
    /// FreeIPMI <c>ignorescanningdisabled</c>: use the reading even when Get Sensor Reading says scanning is disabled
    /// (Dell PowerEdge 2900/2950/R410/R610 clear the bit on working sensors). Applied in <see cref="Sensors.SensorReader"/>.
    /// </summary>
    IgnoreScanningDisabled = 1 << 1,

    /// <summary>
    /// FreeIPMI <c>assumebmcowner</c>: read every sensor from the BMC (LUN from the SDR) whatever owner the SDR
    /// names (Fujitsu boards report bogus owners, so bridging to them fails). Applied in <see cref="Sensors.SensorReader"/>.
    /// </summary>
    AssumeBmcOwner = 1 << 2,

    /// <summary>
    /// FreeIPMI <c>assumesystemevent</c> (ipmi-sel): decode SEL records whose record type is neither 02h nor OEM
    /// (C0h–FFh) as system event records (HP DL380 G5, Inventec 5441, Supermicro X8DTH format them correctly but give
    /// an invalid type). Applied in <see cref="Sel.SelRecordDecoder"/>.
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

    /// <summary>
    /// FreeIPMI <c>skipchecks</c> (ipmi-fru): decode FRU areas whose checksum fails as if it passed (Dell PowerEdge
    /// R610/R710, Inventec 5441 write correct data with wrong checksums); each area still reports
    /// <c>checksumOk: false</c>. Applied in <see cref="Fru.FruDecoder"/>.
    /// </summary>
    SkipFruChecks = 1 << 6,
}

/// <summary>The quirks described for a schema or a help text: one sentence each, kept next to the enum.</summary>
public static class BmcQuirksText
{
    public const string Summary =
        "Named BMC quirks (FreeIPMI's workaround flags) the decoders apply for this BMC: "
        + "discreteReading converts the analog reading of discrete full-SDR sensors; "
        + "ignoreScanningDisabled uses readings the BMC flags as not scanned; "
        + "assumeBmcOwner reads every sensor from the BMC whatever owner the SDR names; "
        + "assumeSystemEventRecord decodes SEL records with an invalid record type as system events; "
        + "assumeMaxSdrRecordCount stops the SDR read at the announced record count; "
        + "sdrTimestampsUnreliable makes the SDR cache confirm a cached repository by re-reading its first records; "
        + "skipFruChecks decodes FRU areas whose checksum fails (they still report checksumOk false).";

    /// <summary>The flags of <paramref name="named"/> combined.</summary>
    public static BmcQuirks Combine(IEnumerable<BmcQuirks>? named) =>
        (named ?? []).Aggregate(BmcQuirks.None, (all, q) => all | q);

    /// <summary>The set flags by name (a flag set has no JSON enum form).</summary>
    public static BmcQuirks[] Named(BmcQuirks quirks) =>
        Enum.GetValues<BmcQuirks>().Where(q => q != BmcQuirks.None && (quirks & q) == q).ToArray();
}
