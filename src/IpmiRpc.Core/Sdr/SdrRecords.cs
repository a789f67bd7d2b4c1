using IpmiRpc.Core.Commands.SensorEvent;
using IpmiRpc.Core.Sensors;

namespace IpmiRpc.Core.Sdr;

/// <summary>SDR record type codes (IPMI v2.0 §43, Table 43-1 and following).</summary>
public enum SdrRecordType
{
    FullSensor = 0x01,
    CompactSensor = 0x02,
    EventOnlySensor = 0x03,
    EntityAssociation = 0x08,
    DeviceRelativeEntityAssociation = 0x09,
    GenericDeviceLocator = 0x10,
    FruDeviceLocator = 0x11,
    ManagementControllerLocator = 0x12,
    ManagementControllerConfirmation = 0x13,
    BmcMessageChannelInfo = 0x14,
    Oem = 0xC0,
}

/// <summary>The five-byte header every SDR starts with (§43.1).</summary>
/// <param name="Length">Bytes after the header, as the header says.</param>
public sealed record SdrHeader(int RecordId, int SdrVersion, int RecordType, int Length)
{
    public const int Size = 5;
}

/// <summary>A sensor's owner: who answers Get Sensor Reading for it (§43.1 bytes 6–7).</summary>
/// <param name="Address">8-bit IPMB slave address (bit 0 clear) or, with <paramref name="IsSoftwareId"/>, the software ID byte.</param>
/// <param name="Channel">Channel the owner sits on (0 = primary IPMB).</param>
public sealed record SensorOwner(int Address, bool IsSoftwareId, int Lun, int Channel)
{
    public static SensorOwner Decode(byte ownerId, byte ownerLun) =>
        new(ownerId & 0xFE, (ownerId & 1) != 0, ownerLun & 0b11, ownerLun >> 4);
}

/// <summary>Entity ID and instance (§39); a logical instance is a container, a physical one a part.</summary>
public sealed record EntityRef(int Id, int Instance, bool Logical)
{
    public static EntityRef Decode(byte id, byte instance) => new(id, instance & 0x7F, (instance & 0x80) != 0);
}

/// <summary>Threshold access support (full/compact byte 12 bits 3:2).</summary>
public enum ThresholdAccess
{
    None = 0,
    Readable = 1,
    ReadableAndSettable = 2,
    FixedUnreadable = 3,
}

/// <summary>Record sharing of compact and event-only records (bytes 24–25 / 13–14): one record, several sensors.</summary>
/// <param name="Count">How many sensors share the record (1 = not shared).</param>
/// <param name="AlphaModifier">True: instances are named A, B, …; false: numbers.</param>
/// <param name="ModifierOffset">First instance suffix (0 → "0" or "A").</param>
/// <param name="EntityInstanceIncrements">Each shared sensor's entity instance is the record's plus its index.</param>
public sealed record SensorSharing(int Count, bool AlphaModifier, int ModifierOffset, bool EntityInstanceIncrements)
{
    public static SensorSharing Decode(byte sharing, byte instance) =>
        new(Math.Max(1, sharing & 0x0F), ((sharing >> 4) & 0b11) == 1, instance & 0x7F, (instance & 0x80) != 0);

    /// <summary>The name suffix of shared instance <paramref name="index"/> (0-based), as FreeIPMI --shared-sensors forms it.</summary>
    public string Suffix(int index)
    {
        var n = ModifierOffset + index;
        if (!AlphaModifier)
        {
            return n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // A..Z, then AA..ZZ (§43.2 byte 25: "base 26").
        return n < 26 ? ((char)('A' + n)).ToString() : $"{(char)('A' + (n / 26) - 1)}{(char)('A' + (n % 26))}";
    }
}

/// <summary>Any SDR: the header and the record's bytes (header included).</summary>
public abstract record SdrRecord(SdrHeader Header, byte[] Raw);

/// <summary>A sensor record (full, compact or event-only).</summary>
public abstract record SensorRecord(
    SdrHeader Header,
    byte[] Raw,
    SensorOwner Owner,
    int SensorNumber,
    EntityRef Entity,
    int SensorType,
    int EventReadingType,
    IdString Name) : SdrRecord(Header, Raw)
{
    /// <summary>Event/reading type 01h: thresholds and an analog reading.</summary>
    public bool IsThresholdBased => EventReadingType == 0x01;

    /// <summary>Record sharing (null for full records, which never share).</summary>
    public virtual SensorSharing? Sharing => null;
}

/// <summary>Sensor initialisation and capabilities bytes (full/compact bytes 11–12).</summary>
public sealed record SensorCapabilities(
    int InitializationFlags,
    bool IgnoreIfEntityAbsent,
    bool AutoRearm,
    int HysteresisSupport,
    ThresholdAccess ThresholdAccess,
    int EventMessageControl)
{
    public static SensorCapabilities Decode(byte initialization, byte capabilities) => new(
        initialization,
        (capabilities & 0b1000_0000) != 0,
        (capabilities & 0b0100_0000) != 0,
        (capabilities >> 4) & 0b11,
        (ThresholdAccess)((capabilities >> 2) & 0b11),
        capabilities & 0b11);

    /// <summary>Initialisation byte bit 6 (init scanning) — not the live state, which Get Sensor Reading reports.</summary>
    public bool InitScanning => (InitializationFlags & 0b0100_0000) != 0;
}

/// <summary>Event masks (bytes 15–20 of full/compact records).</summary>
/// <param name="ReadableThresholds">Threshold sensors: thresholds the SDR says are readable (byte 19).</param>
/// <param name="SettableThresholds">Threshold sensors: thresholds that may be set (byte 20).</param>
/// <param name="DiscreteReadingMask">Discrete sensors: the states the sensor can report (bits 14:0 of bytes 19–20).</param>
public sealed record SensorMasks(int Assertion, int Deassertion, ThresholdMask ReadableThresholds, ThresholdMask SettableThresholds, int DiscreteReadingMask);

/// <summary>Full sensor record, type 01h (§43.1).</summary>
/// <param name="Linearization">Byte 24 bits 6:0; 70h–7Fh are non-linear (<see cref="SensorReadingConverter.IsNonLinear"/>).</param>
/// <param name="Thresholds">The threshold bytes the SDR carries (bytes 37–42), whether or not readable.</param>
public sealed record FullSensorRecord(
    SdrHeader Header,
    byte[] Raw,
    SensorOwner Owner,
    int SensorNumber,
    EntityRef Entity,
    int SensorType,
    int EventReadingType,
    IdString Name,
    SensorCapabilities Capabilities,
    SensorMasks Masks,
    AnalogDataFormat AnalogFormat,
    SensorUnits Units,
    int Linearization,
    ConversionFactors Factors,
    int Direction,
    byte? NominalReading,
    byte? NormalMaximum,
    byte? NormalMinimum,
    byte SensorMaximum,
    byte SensorMinimum,
    RawThresholds Thresholds,
    int PositiveHysteresis,
    int NegativeHysteresis,
    int Oem) : SensorRecord(Header, Raw, Owner, SensorNumber, Entity, SensorType, EventReadingType, Name)
{
    /// <summary>Converts a raw byte with this record's format, linearization and factors (null if non-linear).</summary>
    public double? Convert(byte raw) =>
        SensorReadingConverter.IsNonLinear(Linearization) ? null : SensorReadingConverter.Convert(raw, AnalogFormat, Linearization, Factors);
}

/// <summary>Compact sensor record, type 02h (§43.2): no conversion factors, may be shared.</summary>
public sealed record CompactSensorRecord(
    SdrHeader Header,
    byte[] Raw,
    SensorOwner Owner,
    int SensorNumber,
    EntityRef Entity,
    int SensorType,
    int EventReadingType,
    IdString Name,
    SensorCapabilities Capabilities,
    SensorMasks Masks,
    SensorUnits Units,
    int Direction,
    SensorSharing Share,
    int PositiveHysteresis,
    int NegativeHysteresis,
    int Oem) : SensorRecord(Header, Raw, Owner, SensorNumber, Entity, SensorType, EventReadingType, Name)
{
    public override SensorSharing? Sharing => Share;
}

/// <summary>Event-only sensor record, type 03h (§43.3): a sensor that only sends events, never read.</summary>
public sealed record EventOnlySensorRecord(
    SdrHeader Header,
    byte[] Raw,
    SensorOwner Owner,
    int SensorNumber,
    EntityRef Entity,
    int SensorType,
    int EventReadingType,
    IdString Name,
    int Direction,
    SensorSharing Share,
    int Oem) : SensorRecord(Header, Raw, Owner, SensorNumber, Entity, SensorType, EventReadingType, Name)
{
    public override SensorSharing? Sharing => Share;
}

/// <summary>Generic device locator, type 10h (§43.7): a non-IPMI device behind a controller (e.g. an I2C sensor chip).</summary>
/// <param name="AccessAddress">Controller that gives access, 8-bit slave address.</param>
/// <param name="SlaveAddress">The device's own 8-bit slave address.</param>
public sealed record GenericDeviceLocatorRecord(
    SdrHeader Header,
    byte[] Raw,
    int AccessAddress,
    int SlaveAddress,
    int Channel,
    int AccessLun,
    int PrivateBusId,
    int AddressSpan,
    int DeviceType,
    int DeviceTypeModifier,
    EntityRef Entity,
    int Oem,
    IdString Name) : SdrRecord(Header, Raw);

/// <summary>FRU device locator, type 11h (§43.8): where a FRU inventory lives.</summary>
/// <param name="AccessAddress">Controller giving access (8-bit slave address).</param>
/// <param name="FruDeviceId">Logical FRU device ID (for <paramref name="Logical"/>) or the device's 8-bit slave address.</param>
/// <param name="Logical">True: a FRU device read with Read FRU Data through the controller.</param>
public sealed record FruDeviceLocatorRecord(
    SdrHeader Header,
    byte[] Raw,
    int AccessAddress,
    int FruDeviceId,
    bool Logical,
    int AccessLun,
    int PrivateBusId,
    int Channel,
    int DeviceType,
    int DeviceTypeModifier,
    EntityRef Entity,
    int Oem,
    IdString Name) : SdrRecord(Header, Raw);

/// <summary>Management controller capabilities (MC locator byte 9, same bits as Get Device ID's).</summary>
public sealed record ControllerCapabilities(bool Chassis, bool Bridge, bool IpmbEventGenerator, bool IpmbEventReceiver, bool FruInventory, bool Sel, bool SdrRepository, bool Sensor)
{
    public static ControllerCapabilities Decode(byte b) => new(
        (b & 0x80) != 0, (b & 0x40) != 0, (b & 0x20) != 0, (b & 0x10) != 0, (b & 0x08) != 0, (b & 0x04) != 0, (b & 0x02) != 0, (b & 0x01) != 0);
}

/// <summary>Management controller device locator, type 12h (§43.9).</summary>
/// <param name="StaticController">Byte 8 bit 5: the controller is always present (ipmitool prints "Static MC" vs "Dynamic MC").</param>
/// <param name="GlobalInitialization">Byte 8 bits 1:0: 0 enable event generation, 1 disable, 2 do not initialise, 3 reserved.</param>
public sealed record ManagementControllerLocatorRecord(
    SdrHeader Header,
    byte[] Raw,
    int SlaveAddress,
    int Channel,
    bool AcpiSystemPowerStateNotification,
    bool AcpiDevicePowerStateNotification,
    bool StaticController,
    bool LogInitializationErrors,
    bool LogAccessErrors,
    int GlobalInitialization,
    ControllerCapabilities Capabilities,
    EntityRef Entity,
    int Oem,
    IdString Name) : SdrRecord(Header, Raw);

/// <summary>OEM record, type C0h (§43.12): the manufacturer's IANA number and its bytes, raw.</summary>
public sealed record OemRecord(SdrHeader Header, byte[] Raw, int ManufacturerId, byte[] Data) : SdrRecord(Header, Raw);

/// <summary>Any other type (entity associations, confirmations, reserved types): header and bytes, undecoded.</summary>
public sealed record UnknownRecord(SdrHeader Header, byte[] Raw) : SdrRecord(Header, Raw);
