using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Sel;

/// <summary>One 16-byte SEL record (IPMI v2.0 §32): its id, type and raw bytes, decoded by its subtype.</summary>
public abstract record SelRecord(ushort RecordId, byte RecordType, byte[] Raw);

/// <summary>Record type 02h (IPMI v2.0 §32.1).</summary>
/// <param name="SensorName">The sensor's ID string from the SDR, when one was found.</param>
/// <param name="SensorTypeName">The spec's name of <paramref name="SensorType"/>; null for unassigned codes.</param>
/// <param name="EventType">Event/reading type code, bits 6:0 of byte 13.</param>
/// <param name="Offset">Event offset, bits 3:0 of event data 1.</param>
/// <param name="Description">The offset's name from the spec tables; null when not known.</param>
public sealed record SystemEventRecord(
    ushort RecordId,
    byte RecordType,
    byte[] Raw,
    SelTimestamp Time,
    SelGenerator Generator,
    byte EvMRevision,
    byte SensorType,
    string? SensorTypeName,
    byte SensorNumber,
    string? SensorName,
    SelEventDirection Direction,
    byte EventType,
    SelEventClass EventClass,
    byte Offset,
    string? Description,
    SelEventData EventData) : SelRecord(RecordId, RecordType, Raw);

/// <summary>Record types C0h–DFh (IPMI v2.0 §32.2): timestamp, manufacturer id, six OEM bytes.</summary>
public sealed record OemTimestampedRecord(
    ushort RecordId,
    byte RecordType,
    byte[] Raw,
    SelTimestamp Time,
    uint ManufacturerId,
    byte[] OemData) : SelRecord(RecordId, RecordType, Raw);

/// <summary>Record types E0h–FFh (IPMI v2.0 §32.3): thirteen OEM bytes, no timestamp.</summary>
public sealed record OemNonTimestampedRecord(ushort RecordId, byte RecordType, byte[] Raw, byte[] OemData)
    : SelRecord(RecordId, RecordType, Raw);

/// <summary>A record type the spec does not define (some BMCs log them): raw bytes only.</summary>
public sealed record UnknownSelRecord(ushort RecordId, byte RecordType, byte[] Raw) : SelRecord(RecordId, RecordType, Raw);

/// <summary>Generator ID (bytes 8–9): who logged the event.</summary>
/// <param name="Raw">The two bytes as a little-endian word, as ipmitool prints "Generator ID".</param>
/// <param name="IsSoftware">Bit 0 of the first byte: a system software id rather than an IPMB slave address.</param>
/// <param name="Address">The first byte: the 8-bit slave address (bit 0 clear) or the software id byte (bit 0 set).</param>
/// <param name="Channel">Bits 7:4 of the second byte (IPMB messages only; 0 is the primary IPMB).</param>
/// <param name="Lun">Bits 1:0 of the second byte: the requester's LUN.</param>
public sealed record SelGenerator(ushort Raw, bool IsSoftware, byte Address, byte Channel, byte Lun)
{
    /// <summary>The 7-bit software id (bits 7:1), when <see cref="IsSoftware"/>.</summary>
    public byte? SoftwareId => IsSoftware ? (byte)(Address >> 1) : null;
}

public enum SelEventDirection
{
    Assertion,
    Deassertion,
}

/// <summary>The event/reading type code's family (IPMI v2.0 Table 42-1).</summary>
public enum SelEventClass
{
    Unspecified,
    Threshold,
    GenericDiscrete,
    SensorSpecific,
    Oem,
}

/// <summary>What event data 2 or 3 holds (the usage bits of event data 1, IPMI v2.0 Table 29-6).</summary>
public enum SelEventDataUsage
{
    Unspecified,
    TriggerReading,
    TriggerThreshold,
    PreviousStateAndSeverity,
    Oem,
    SensorSpecificExtension,
    Reserved,
}

/// <summary>Event data 1–3 with the fields the spec defines for them.</summary>
/// <param name="TriggerReading">Threshold events, data 2 usage 01b: the reading that triggered the event (raw).</param>
/// <param name="TriggerThreshold">Threshold events, data 3 usage 01b: the threshold crossed (raw).</param>
/// <param name="PreviousStateOffset">Discrete events, data 2 usage 01b: bits 3:0, unless Fh (unspecified).</param>
/// <param name="SeverityOffset">Discrete events, data 2 usage 01b: bits 7:4 (a generic 07h severity offset), unless Fh.</param>
public sealed record SelEventData(
    byte Data1,
    byte Data2,
    byte Data3,
    SelEventDataUsage Data2Usage,
    SelEventDataUsage Data3Usage,
    byte? TriggerReading,
    byte? TriggerThreshold,
    byte? PreviousStateOffset,
    byte? SeverityOffset)
{
    /// <summary>The generic severity text for <see cref="SeverityOffset"/> (event type 07h table).</summary>
    public string? SeverityText => SeverityOffset is { } s ? GenericEventTable.Name(0x07, s) : null;
}
