namespace IpmiRpc.Core.Fru;

/// <summary>
/// A decoded FRU inventory image (Platform Management FRU Information Storage Definition v1.0 rev 1.3). Every area
/// reports its own checksum and error; a bad area never hides the others. <see cref="Raw"/> is the image as read.
/// </summary>
public sealed record FruInventory(
    FruCommonHeader? Header,
    FruInternalUseArea? InternalUse,
    FruChassisArea? Chassis,
    FruBoardArea? Board,
    FruProductArea? Product,
    FruMultiRecordArea? MultiRecord,
    IReadOnlyList<FruProblem> Problems,
    byte[] Raw);

/// <summary>Something wrong in one area (checksum, truncation, bad encoding), in words.</summary>
/// <param name="Area">header, internalUse, chassis, board, product or multiRecord.</param>
public sealed record FruProblem(string Area, string Message);

/// <summary>Common header (§8). Offsets are in bytes (the header stores multiples of 8); 0 means absent.</summary>
public sealed record FruCommonHeader(
    byte FormatVersion,
    int InternalUseOffset,
    int ChassisOffset,
    int BoardOffset,
    int ProductOffset,
    int MultiRecordOffset,
    bool ChecksumOk,
    byte[] Raw);

/// <summary>How a type/length byte encodes a field (§13).</summary>
public enum FruFieldEncoding
{
    Binary,
    BcdPlus,
    SixBitAscii,

    /// <summary>8-bit ASCII + Latin-1 (type 11b, English language code).</summary>
    Latin1,

    /// <summary>16-bit Unicode, least significant byte first (type 11b with a non-English language code).</summary>
    Utf16Le,
}

/// <summary>One type/length field. <see cref="Text"/> is null for binary fields; <see cref="Data"/> holds the bytes.</summary>
public sealed record FruField(FruFieldEncoding Encoding, string? Text, byte[] Data);

/// <summary>What every area carries: where it is, whether its checksum held, what went wrong, and its bytes.</summary>
/// <param name="ChecksumOk">False when the zero checksum failed (lenient decoding still fills the fields).</param>
/// <param name="Error">Why fields are missing (truncated area, overrunning field, bad checksum in strict mode).</param>
public sealed record FruAreaStatus(int Offset, int Length, bool ChecksumOk, string? Error, byte[] Raw);

/// <summary>Internal use area (§9): a format version and opaque data.</summary>
public sealed record FruInternalUseArea(FruAreaStatus Status, byte FormatVersion, byte[] Data);

/// <summary>Chassis info area (§10).</summary>
/// <param name="ChassisTypeName">SMBIOS chassis type name (SMBIOS 3.x Table 17); null for unknown codes.</param>
public sealed record FruChassisArea(
    FruAreaStatus Status,
    byte FormatVersion,
    byte ChassisType,
    string? ChassisTypeName,
    FruField? PartNumber,
    FruField? SerialNumber,
    IReadOnlyList<FruField> Custom);

/// <summary>Board info area (§11).</summary>
/// <param name="ManufacturedMinutes">Minutes since 1996-01-01 00:00 UTC as stored; 0 means unspecified.</param>
public sealed record FruBoardArea(
    FruAreaStatus Status,
    byte FormatVersion,
    byte LanguageCode,
    uint ManufacturedMinutes,
    DateTimeOffset? ManufacturedAt,
    FruField? Manufacturer,
    FruField? ProductName,
    FruField? SerialNumber,
    FruField? PartNumber,
    FruField? FruFileId,
    IReadOnlyList<FruField> Custom);

/// <summary>Product info area (§12).</summary>
public sealed record FruProductArea(
    FruAreaStatus Status,
    byte FormatVersion,
    byte LanguageCode,
    FruField? Manufacturer,
    FruField? ProductName,
    FruField? PartModelNumber,
    FruField? Version,
    FruField? SerialNumber,
    FruField? AssetTag,
    FruField? FruFileId,
    IReadOnlyList<FruField> Custom);

/// <summary>Multi-record area (§16): records until the end-of-list flag.</summary>
public sealed record FruMultiRecordArea(FruAreaStatus Status, IReadOnlyList<FruMultiRecord> Records);

/// <summary>One multi-record: header fields, both checksums, its data and, for the types decoded, their fields.</summary>
/// <param name="Content">Decoded fields for types 00h–05h; null for other types or a short record.</param>
public sealed record FruMultiRecord(
    int Offset,
    byte TypeId,
    byte FormatVersion,
    bool EndOfList,
    bool HeaderChecksumOk,
    bool RecordChecksumOk,
    byte[] Data,
    FruMultiRecordContent? Content,
    string? Error);

/// <summary>Base of the decoded multi-record types.</summary>
public abstract record FruMultiRecordContent;

/// <summary>Power Supply Information, type 00h (§18.1). Voltages in millivolts.</summary>
/// <param name="TwoPulsesOrActiveHigh">Flags bit 4: two tachometer pulses per rotation, or an active-high predictive fail pin.</param>
public sealed record FruPowerSupply(
    int CapacityWatts,
    int PeakVa,
    int InrushCurrentAmps,
    int InrushIntervalMs,
    int LowInputVoltage1Millivolts,
    int HighInputVoltage1Millivolts,
    int LowInputVoltage2Millivolts,
    int HighInputVoltage2Millivolts,
    int LowInputFrequencyHz,
    int HighInputFrequencyHz,
    int AcDropoutToleranceMs,
    bool PredictiveFailSupport,
    bool PowerFactorCorrection,
    bool Autoswitch,
    bool HotSwap,
    bool TwoPulsesOrActiveHigh,
    int PeakCapacityWatts,
    int HoldUpTimeSeconds,
    FruCombinedVoltage CombinedVoltage1,
    FruCombinedVoltage CombinedVoltage2,
    int TotalCombinedWatts,
    int PredictiveFailTachometerRps) : FruMultiRecordContent;

/// <summary>Voltage codes of the power supply's combined wattage byte.</summary>
public enum FruCombinedVoltage
{
    Plus12V = 0,
    Minus12V = 1,
    Plus5V = 2,
    Plus3V3 = 3,
    Unknown = 0xFF,
}

/// <summary>DC Output, type 01h (§18.2). Voltages in millivolts, currents in milliamps.</summary>
public sealed record FruDcOutput(
    int OutputNumber,
    bool Standby,
    int NominalMillivolts,
    int MaxNegativeDeviationMillivolts,
    int MaxPositiveDeviationMillivolts,
    int RippleNoiseMillivolts,
    int MinCurrentMilliamps,
    int MaxCurrentMilliamps) : FruMultiRecordContent;

/// <summary>DC Load, type 02h (§18.3). Voltages in millivolts, currents in milliamps.</summary>
public sealed record FruDcLoad(
    int OutputNumber,
    int NominalMillivolts,
    int MinVoltageMillivolts,
    int MaxVoltageMillivolts,
    int RippleNoiseMillivolts,
    int MinCurrentMilliamps,
    int MaxCurrentMilliamps) : FruMultiRecordContent;

/// <summary>Management Access Record, type 03h (§18.4): a sub-record type and its value.</summary>
/// <param name="Text">The value as text for the text sub-types 01h–06h; null for the system unique id (07h).</param>
public sealed record FruManagementAccess(byte SubRecordType, string? SubRecordName, string? Text, byte[] Value) : FruMultiRecordContent;

/// <summary>Base (04h) or Extended (05h) Compatibility Record (§18.5, §18.6), fields as stored.</summary>
public sealed record FruCompatibility(
    bool Extended,
    uint ManufacturerId,
    byte EntityId,
    byte CompatibilityBase,
    byte CodeStart,
    byte[] CodeRangeMask) : FruMultiRecordContent;
