using System.Buffers.Binary;
using IpmiRpc.Core.Sensors;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Sel;

/// <summary>
/// Decodes 16-byte SEL records (IPMI v2.0 §32). Only a short record throws (<see cref="IpmiDecodeException"/>).
/// With <see cref="BmcQuirks.AssumeSystemEventRecord"/> a record of an undefined type (not 02h, not C0h–FFh) is read
/// as a system event record; its record type stays the one the BMC gave.
/// </summary>
public static class SelRecordDecoder
{
    public const int RecordLength = 16;

    public static SelRecord Decode(ReadOnlySpan<byte> record, SelTimeContext time, ISensorNames? names = null, BmcQuirks quirks = BmcQuirks.None)
    {
        IpmiDecodeException.ThrowIfShorter(record, RecordLength, "SEL record");
        record = record[..RecordLength];
        var raw = record.ToArray();
        var id = BinaryPrimitives.ReadUInt16LittleEndian(record);
        var type = record[2];
        return type switch
        {
            0x02 => DecodeSystemEvent(id, raw, time, names ?? NoSensorNames.Instance),
            < 0xC0 when (quirks & BmcQuirks.AssumeSystemEventRecord) != 0 => DecodeSystemEvent(id, raw, time, names ?? NoSensorNames.Instance),
            >= 0xC0 and <= 0xDF => new OemTimestampedRecord(
                id, type, raw,
                time.Interpret(BinaryPrimitives.ReadUInt32LittleEndian(record[3..7])),
                (uint)(record[7] | (record[8] << 8) | (record[9] << 16)),
                record[10..16].ToArray()),
            >= 0xE0 => new OemNonTimestampedRecord(id, type, raw, record[3..16].ToArray()),
            _ => new UnknownSelRecord(id, type, raw),
        };
    }

    private static SystemEventRecord DecodeSystemEvent(ushort id, byte[] raw, SelTimeContext time, ISensorNames names)
    {
        var r = raw.AsSpan();
        var generatorRaw = BinaryPrimitives.ReadUInt16LittleEndian(r[7..9]);
        var generator = new SelGenerator(
            Raw: generatorRaw,
            IsSoftware: (r[7] & 0b0000_0001) != 0,
            Address: r[7],
            Channel: (byte)(r[8] >> 4),
            Lun: (byte)(r[8] & 0b0000_0011));
        var sensorType = r[10];
        var sensorNumber = r[11];
        var eventType = (byte)(r[12] & 0b0111_1111);
        var eventClass = eventType switch
        {
            0x01 => SelEventClass.Threshold,
            >= 0x02 and <= 0x0C => SelEventClass.GenericDiscrete,
            0x6F => SelEventClass.SensorSpecific,
            >= 0x70 and <= 0x7F => SelEventClass.Oem,
            _ => SelEventClass.Unspecified,
        };
        var offset = (byte)(r[13] & 0x0F);
        return new SystemEventRecord(
            RecordId: id,
            RecordType: raw[2],
            Raw: raw,
            Time: time.Interpret(BinaryPrimitives.ReadUInt32LittleEndian(r[3..7])),
            Generator: generator,
            EvMRevision: r[9],
            SensorType: sensorType,
            SensorTypeName: SensorTypeTable.KnownTypeName(sensorType),
            SensorNumber: sensorNumber,
            SensorName: names.Find(r[7], generator.Lun, sensorNumber),
            Direction: (r[12] & 0b1000_0000) != 0 ? SelEventDirection.Deassertion : SelEventDirection.Assertion,
            EventType: eventType,
            EventClass: eventClass,
            Offset: offset,
            Description: DiscreteStates.KnownName(eventType, sensorType, offset),
            EventData: DecodeEventData(eventClass, r[13], r[14], r[15]));
    }

    // IPMI v2.0 Table 29-6: bits 7:6 of data 1 say what data 2 holds, bits 5:4 what data 3 holds.
    internal static SelEventData DecodeEventData(SelEventClass eventClass, byte data1, byte data2, byte data3)
    {
        var usage2 = (data1 >> 6) & 0b11;
        var usage3 = (data1 >> 4) & 0b11;
        var threshold = eventClass == SelEventClass.Threshold;
        var u2 = usage2 switch
        {
            0b00 => SelEventDataUsage.Unspecified,
            0b01 => threshold ? SelEventDataUsage.TriggerReading : SelEventDataUsage.PreviousStateAndSeverity,
            0b10 => SelEventDataUsage.Oem,
            _ => SelEventDataUsage.SensorSpecificExtension,
        };
        var u3 = usage3 switch
        {
            0b00 => SelEventDataUsage.Unspecified,
            0b01 => threshold ? SelEventDataUsage.TriggerThreshold : SelEventDataUsage.Reserved,
            0b10 => SelEventDataUsage.Oem,
            _ => SelEventDataUsage.SensorSpecificExtension,
        };
        byte? previous = null, severity = null;
        if (u2 == SelEventDataUsage.PreviousStateAndSeverity)
        {
            if ((data2 & 0x0F) != 0x0F)
                previous = (byte)(data2 & 0x0F);
            if ((data2 >> 4) != 0x0F)
                severity = (byte)(data2 >> 4);
        }

        return new SelEventData(
            data1, data2, data3, u2, u3,
            TriggerReading: u2 == SelEventDataUsage.TriggerReading ? data2 : null,
            TriggerThreshold: u3 == SelEventDataUsage.TriggerThreshold ? data3 : null,
            PreviousStateOffset: previous,
            SeverityOffset: severity);
    }
}
