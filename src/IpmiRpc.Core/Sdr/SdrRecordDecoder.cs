using System.Buffers.Binary;
using IpmiRpc.Core.Commands.SensorEvent;
using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Sdr;

/// <summary>
/// Decodes one SDR (header included) into its record type. Byte numbers in comments are the spec's 1-based ones
/// (IPMI v2.0 §43); the code indexes from 0.
/// </summary>
public static class SdrRecordDecoder
{
    /// <summary>Bytes up to and including the OEM byte of each type (the ID string may be cut short or absent).</summary>
    private const int FullMinimum = 47;
    private const int CompactMinimum = 31;
    private const int EventOnlyMinimum = 16;
    private const int LocatorMinimum = 15;
    private const int OemMinimum = 8;

    /// <summary>Decodes the header alone.</summary>
    public static SdrHeader DecodeHeader(ReadOnlySpan<byte> record)
    {
        IpmiDecodeException.ThrowIfShorter(record, SdrHeader.Size, "SDR header");
        return new SdrHeader(BinaryPrimitives.ReadUInt16LittleEndian(record), record[2], record[3], record[4]);
    }

    /// <summary>Decodes a record; throws <see cref="IpmiDecodeException"/> when it is shorter than its type needs.</summary>
    public static SdrRecord Decode(ReadOnlySpan<byte> record)
    {
        var header = DecodeHeader(record);
        var raw = record.ToArray();
        return (SdrRecordType)header.RecordType switch
        {
            SdrRecordType.FullSensor => DecodeFull(header, raw),
            SdrRecordType.CompactSensor => DecodeCompact(header, raw),
            SdrRecordType.EventOnlySensor => DecodeEventOnly(header, raw),
            SdrRecordType.GenericDeviceLocator => DecodeGenericLocator(header, raw),
            SdrRecordType.FruDeviceLocator => DecodeFruLocator(header, raw),
            SdrRecordType.ManagementControllerLocator => DecodeControllerLocator(header, raw),
            SdrRecordType.Oem => DecodeOem(header, raw),
            _ => new UnknownRecord(header, raw),
        };
    }

    /// <summary>Decodes a record, turning a malformed one into <see cref="MalformedRecord"/> so one bad record never hides the rest.</summary>
    public static SdrRecord DecodeLenient(ReadOnlySpan<byte> record)
    {
        try
        {
            return Decode(record);
        }
        catch (IpmiDecodeException e)
        {
            var header = record.Length >= SdrHeader.Size ? DecodeHeader(record) : new SdrHeader(-1, 0, -1, 0);
            return new MalformedRecord(header, record.ToArray(), e.Message);
        }
    }

    private static FullSensorRecord DecodeFull(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, FullMinimum, "Full sensor record");
        var analog = r[30];
        return new FullSensorRecord(
            header,
            r,
            SensorOwner.Decode(r[5], r[6]),
            SensorNumber: r[7],
            EntityRef.Decode(r[8], r[9]),
            SensorType: r[12],
            EventReadingType: r[13],
            Name: IdAt(r, 47),
            SensorCapabilities.Decode(r[10], r[11]),
            Masks(r),
            AnalogFormat: (AnalogDataFormat)(r[20] >> 6),
            SensorUnits.Decode(r[20], r[21], r[22]),
            Linearization: r[23] & 0x7F,
            ConversionFactors.Decode(r.AsSpan(24, 6)),
            Direction: r[28] & 0b11,
            // Byte 31 says which of nominal (bit 0), normal max (bit 1), normal min (bit 2) are given.
            NominalReading: (analog & 0b001) != 0 ? r[31] : null,
            NormalMaximum: (analog & 0b010) != 0 ? r[32] : null,
            NormalMinimum: (analog & 0b100) != 0 ? r[33] : null,
            SensorMaximum: r[34],
            SensorMinimum: r[35],
            new RawThresholds(
                LowerNonCritical: r[41],
                LowerCritical: r[40],
                LowerNonRecoverable: r[39],
                UpperNonCritical: r[38],
                UpperCritical: r[37],
                UpperNonRecoverable: r[36]),
            PositiveHysteresis: r[42],
            NegativeHysteresis: r[43],
            Oem: r[46]);
    }

    private static CompactSensorRecord DecodeCompact(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, CompactMinimum, "Compact sensor record");
        return new CompactSensorRecord(
            header,
            r,
            SensorOwner.Decode(r[5], r[6]),
            SensorNumber: r[7],
            EntityRef.Decode(r[8], r[9]),
            SensorType: r[12],
            EventReadingType: r[13],
            Name: IdAt(r, 31),
            SensorCapabilities.Decode(r[10], r[11]),
            Masks(r),
            SensorUnits.Decode(r[20], r[21], r[22]),
            Direction: r[23] >> 6,
            SensorSharing.Decode(r[23], r[24]),
            PositiveHysteresis: r[25],
            NegativeHysteresis: r[26],
            Oem: r[30]);
    }

    private static EventOnlySensorRecord DecodeEventOnly(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, EventOnlyMinimum, "Event-only sensor record");
        return new EventOnlySensorRecord(
            header,
            r,
            SensorOwner.Decode(r[5], r[6]),
            SensorNumber: r[7],
            EntityRef.Decode(r[8], r[9]),
            SensorType: r[10],
            EventReadingType: r[11],
            Name: IdAt(r, 16),
            Direction: r[12] >> 6,
            SensorSharing.Decode(r[12], r[13]),
            Oem: r[15]);
    }

    private static GenericDeviceLocatorRecord DecodeGenericLocator(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, LocatorMinimum, "Generic device locator record");
        return new GenericDeviceLocatorRecord(
            header,
            r,
            AccessAddress: r[5] & 0xFE,
            SlaveAddress: r[6] & 0xFE,
            // Byte 8: channel bits 7:5, access LUN 4:3, private bus 2:0.
            Channel: r[7] >> 5,
            AccessLun: (r[7] >> 3) & 0b11,
            PrivateBusId: r[7] & 0b111,
            AddressSpan: r[8] & 0b111,
            DeviceType: r[10],
            DeviceTypeModifier: r[11],
            EntityRef.Decode(r[12], r[13]),
            Oem: r[14],
            Name: IdAt(r, 15));
    }

    private static FruDeviceLocatorRecord DecodeFruLocator(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, LocatorMinimum, "FRU device locator record");
        var logical = (r[7] & 0x80) != 0;
        return new FruDeviceLocatorRecord(
            header,
            r,
            AccessAddress: r[5] & 0xFE,
            FruDeviceId: logical ? r[6] : r[6] & 0xFE,
            Logical: logical,
            AccessLun: (r[7] >> 3) & 0b11,
            PrivateBusId: r[7] & 0b111,
            Channel: r[8] >> 4,
            DeviceType: r[10],
            DeviceTypeModifier: r[11],
            EntityRef.Decode(r[12], r[13]),
            Oem: r[14],
            Name: IdAt(r, 15));
    }

    private static ManagementControllerLocatorRecord DecodeControllerLocator(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, LocatorMinimum, "Management controller locator record");
        var power = r[7];
        return new ManagementControllerLocatorRecord(
            header,
            r,
            SlaveAddress: r[5] & 0xFE,
            Channel: r[6] & 0x0F,
            AcpiSystemPowerStateNotification: (power & 0x80) != 0,
            AcpiDevicePowerStateNotification: (power & 0x40) != 0,
            StaticController: (power & 0x20) != 0,
            LogInitializationErrors: (power & 0x08) != 0,
            LogAccessErrors: (power & 0x04) != 0,
            GlobalInitialization: power & 0b11,
            ControllerCapabilities.Decode(r[8]),
            EntityRef.Decode(r[12], r[13]),
            Oem: r[14],
            Name: IdAt(r, 15));
    }

    private static OemRecord DecodeOem(SdrHeader header, byte[] r)
    {
        IpmiDecodeException.ThrowIfShorter(r, OemMinimum, "OEM record");
        return new OemRecord(header, r, r[5] | (r[6] << 8) | (r[7] << 16), r[8..]);
    }

    private static SensorMasks Masks(byte[] r) => new(
        Assertion: BinaryPrimitives.ReadUInt16LittleEndian(r.AsSpan(14)),
        Deassertion: BinaryPrimitives.ReadUInt16LittleEndian(r.AsSpan(16)),
        ReadableThresholds: (ThresholdMask)(r[18] & 0b11_1111),
        SettableThresholds: (ThresholdMask)(r[19] & 0b11_1111),
        DiscreteReadingMask: BinaryPrimitives.ReadUInt16LittleEndian(r.AsSpan(18)) & 0x7FFF);

    private static IdString IdAt(byte[] record, int index) =>
        index < record.Length ? IdString.Decode(record.AsSpan(index)) : IdString.Empty;
}

/// <summary>A record too short for its type: kept raw with the reason, so listing the rest goes on.</summary>
public sealed record MalformedRecord(SdrHeader Header, byte[] Raw, string Error) : SdrRecord(Header, Raw);
