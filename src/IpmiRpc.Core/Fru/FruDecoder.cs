using System.Buffers.Binary;
using System.Text;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Fru;

/// <summary>Decoding choices.</summary>
/// <param name="Lenient">Decode an area's fields even when its checksum fails (the area still says ChecksumOk false);
/// strict decoding leaves such an area's fields empty and names the failure in its error.</param>
/// <param name="Quirks">The target's quirks: <see cref="BmcQuirks.SkipFruChecks"/> decodes as <paramref name="Lenient"/> does.</param>
public sealed record FruDecodeOptions(bool Lenient = false, BmcQuirks Quirks = BmcQuirks.None)
{
    /// <summary>Whether an area whose checksum fails is still decoded.</summary>
    public bool DecodeBadChecksums => Lenient || (Quirks & BmcQuirks.SkipFruChecks) != 0;
}

/// <summary>
/// Decodes a FRU inventory image. Never throws: every problem is reported on its area and in
/// <see cref="FruInventory.Problems"/>, so one bad area (or a truncated read) never hides the good ones.
/// </summary>
public static class FruDecoder
{
    public const int HeaderLength = 8;
    private const int MaxMultiRecords = 256;
    private static readonly DateTimeOffset MfgEpoch = new(1996, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FruInventory Decode(ReadOnlySpan<byte> image, FruDecodeOptions? options = null)
    {
        options ??= new FruDecodeOptions();
        var raw = image.ToArray();
        var problems = new List<FruProblem>();
        if (image.Length < HeaderLength)
        {
            problems.Add(new FruProblem("header", $"image has {image.Length} bytes, the common header needs {HeaderLength}"));
            return new FruInventory(null, null, null, null, null, null, problems, raw);
        }

        var h = image[..HeaderLength];
        var header = new FruCommonHeader(
            FormatVersion: (byte)(h[0] & 0x0F),
            InternalUseOffset: h[1] * 8,
            ChassisOffset: h[2] * 8,
            BoardOffset: h[3] * 8,
            ProductOffset: h[4] * 8,
            MultiRecordOffset: h[5] * 8,
            ChecksumOk: ZeroChecksum(h),
            Raw: h.ToArray());
        if (!header.ChecksumOk)
            problems.Add(new FruProblem("header", "common header checksum mismatch"));
        if (header.FormatVersion != 1)
            problems.Add(new FruProblem("header", $"format version {header.FormatVersion}, expected 1"));
        if (!header.ChecksumOk && !options.DecodeBadChecksums)
            return new FruInventory(header, null, null, null, null, null, problems, raw);

        int[] starts = [header.InternalUseOffset, header.ChassisOffset, header.BoardOffset, header.ProductOffset, header.MultiRecordOffset];
        var internalUse = header.InternalUseOffset == 0 ? null : DecodeInternalUse(image, header.InternalUseOffset, starts, problems);
        var chassis = header.ChassisOffset == 0 ? null : DecodeChassis(image, header.ChassisOffset, options, problems);
        var board = header.BoardOffset == 0 ? null : DecodeBoard(image, header.BoardOffset, options, problems);
        var product = header.ProductOffset == 0 ? null : DecodeProduct(image, header.ProductOffset, options, problems);
        var multi = header.MultiRecordOffset == 0 ? null : DecodeMultiRecord(image, header.MultiRecordOffset, options, problems);
        return new FruInventory(header, internalUse, chassis, board, product, multi, problems, raw);
    }

    /// <summary>The SMBIOS chassis type name (FRU spec §10 defers to SMBIOS Table 17).</summary>
    public static string? ChassisTypeName(byte type) => type switch
    {
        0x01 => "Other", 0x02 => "Unknown", 0x03 => "Desktop", 0x04 => "Low Profile Desktop", 0x05 => "Pizza Box",
        0x06 => "Mini Tower", 0x07 => "Tower", 0x08 => "Portable", 0x09 => "LapTop", 0x0A => "Notebook",
        0x0B => "Hand Held", 0x0C => "Docking Station", 0x0D => "All in One", 0x0E => "Sub Notebook",
        0x0F => "Space-saving", 0x10 => "Lunch Box", 0x11 => "Main Server Chassis", 0x12 => "Expansion Chassis",
        0x13 => "SubChassis", 0x14 => "Bus Expansion Chassis", 0x15 => "Peripheral Chassis", 0x16 => "RAID Chassis",
        0x17 => "Rack Mount Chassis", 0x18 => "Sealed-case PC", 0x19 => "Multi-system Chassis", 0x1A => "Compact PCI",
        0x1B => "Advanced TCA", 0x1C => "Blade", 0x1D => "Blade Enclosure", 0x1E => "Tablet", 0x1F => "Convertible",
        0x20 => "Detachable", 0x21 => "IoT Gateway", 0x22 => "Embedded PC", 0x23 => "Mini PC", 0x24 => "Stick PC",
        _ => null,
    };

    private static bool ZeroChecksum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes)
            sum += b;
        return (sum & 0xFF) == 0;
    }

    private static FruInternalUseArea DecodeInternalUse(ReadOnlySpan<byte> image, int offset, int[] starts, List<FruProblem> problems)
    {
        if (offset >= image.Length)
        {
            problems.Add(new FruProblem("internalUse", $"offset {offset} lies beyond the {image.Length}-byte image"));
            return new FruInternalUseArea(new FruAreaStatus(offset, 0, true, "beyond the image", []), 0, []);
        }

        // No length field: the area runs to the next area that starts after it, or to the end of the image.
        var end = image.Length;
        foreach (var s in starts)
        {
            if (s > offset && s < end)
                end = s;
        }

        var area = image[offset..end];
        return new FruInternalUseArea(new FruAreaStatus(offset, area.Length, true, null, area.ToArray()), (byte)(area[0] & 0x0F), area[1..].ToArray());
    }

    /// <summary>Checks the area's bounds and checksum; returns the area bytes to decode, or empty when they must not be.</summary>
    private static ReadOnlySpan<byte> OpenInfoArea(ReadOnlySpan<byte> image, int offset, string name, FruDecodeOptions options,
        List<FruProblem> problems, out FruAreaStatus status)
    {
        if (offset + 2 > image.Length)
        {
            problems.Add(new FruProblem(name, $"offset {offset} lies beyond the {image.Length}-byte image"));
            status = new FruAreaStatus(offset, 0, false, "beyond the image", []);
            return [];
        }

        var length = image[offset + 1] * 8;
        string? error = null;
        if (length < 8)
        {
            error = $"area length {length}, at least 8 expected";
            length = Math.Min(8, image.Length - offset);
        }

        var available = Math.Min(length, image.Length - offset);
        var area = image.Slice(offset, available);
        if (available < length)
            error = $"truncated: area needs {length} bytes, image has {available}";
        var checksumOk = error is null && ZeroChecksum(area);
        if (error is null && !checksumOk)
            error = options.DecodeBadChecksums ? null : "checksum mismatch";
        if (!checksumOk)
            problems.Add(new FruProblem(name, error ?? "checksum mismatch"));
        else if (error is not null)
            problems.Add(new FruProblem(name, error));
        status = new FruAreaStatus(offset, area.Length, checksumOk, error, area.ToArray());
        if (!checksumOk && !options.DecodeBadChecksums)
            return [];
        // Fields live between the fixed bytes and the checksum byte (the last byte of a complete area).
        return available == length ? area[..^1] : area;
    }

    private sealed class FieldReader(byte[] area, int position, byte language, string name, List<FruProblem> problems)
    {
        private bool _ended;

        public string? Error { get; private set; }

        /// <summary>The next field, or null after the end marker or a malformed field.</summary>
        public FruField? Next()
        {
            if (_ended)
                return null;
            if (position >= area.Length)
            {
                Fail("end-of-fields marker (C1h) missing");
                return null;
            }

            var typeLength = area[position];
            if (typeLength == FruFieldCodec.EndOfFields)
            {
                _ended = true;
                return null;
            }

            var length = typeLength & 0x3F;
            if (position + 1 + length > area.Length)
            {
                Fail($"field at byte {position} overruns the area ({length} bytes)");
                return null;
            }

            var field = FruFieldCodec.Decode(typeLength, area.AsSpan(position + 1, length), language);
            position += 1 + length;
            return field;
        }

        public List<FruField> Rest()
        {
            var custom = new List<FruField>();
            // Each field consumes at least one byte, so the area length bounds the loop.
            while (Next() is { } field)
                custom.Add(field);
            return custom;
        }

        private void Fail(string message)
        {
            _ended = true;
            Error ??= message;
            problems.Add(new FruProblem(name, message));
        }
    }

    private static FruChassisArea DecodeChassis(ReadOnlySpan<byte> image, int offset, FruDecodeOptions options, List<FruProblem> problems)
    {
        var area = OpenInfoArea(image, offset, "chassis", options, problems, out var status);
        if (area.Length < 3)
            return new FruChassisArea(WithError(status, area.Length == 0 ? null : "area too short for its fixed fields", problems, "chassis"), FormatOf(status), 0, null, null, null, []);
        var reader = new FieldReader(area.ToArray(), 3, 0, "chassis", problems);
        var part = reader.Next();
        var serial = reader.Next();
        var custom = reader.Rest();
        return new FruChassisArea(WithError(status, reader.Error, problems, null), (byte)(area[0] & 0x0F), area[2], ChassisTypeName(area[2]), part, serial, custom);
    }

    private static FruBoardArea DecodeBoard(ReadOnlySpan<byte> image, int offset, FruDecodeOptions options, List<FruProblem> problems)
    {
        var area = OpenInfoArea(image, offset, "board", options, problems, out var status);
        if (area.Length < 6)
            return new FruBoardArea(WithError(status, area.Length == 0 ? null : "area too short for its fixed fields", problems, "board"), FormatOf(status), 0, 0, null, null, null, null, null, null, []);
        var language = area[2];
        var minutes = (uint)(area[3] | (area[4] << 8) | (area[5] << 16));
        var reader = new FieldReader(area.ToArray(), 6, language, "board", problems);
        var manufacturer = reader.Next();
        var product = reader.Next();
        var serial = reader.Next();
        var part = reader.Next();
        var fileId = reader.Next();
        var custom = reader.Rest();
        return new FruBoardArea(WithError(status, reader.Error, problems, null), (byte)(area[0] & 0x0F), language, minutes,
            minutes == 0 ? null : MfgEpoch.AddMinutes(minutes), manufacturer, product, serial, part, fileId, custom);
    }

    private static FruProductArea DecodeProduct(ReadOnlySpan<byte> image, int offset, FruDecodeOptions options, List<FruProblem> problems)
    {
        var area = OpenInfoArea(image, offset, "product", options, problems, out var status);
        if (area.Length < 3)
            return new FruProductArea(WithError(status, area.Length == 0 ? null : "area too short for its fixed fields", problems, "product"), FormatOf(status), 0, null, null, null, null, null, null, null, []);
        var language = area[2];
        var reader = new FieldReader(area.ToArray(), 3, language, "product", problems);
        var manufacturer = reader.Next();
        var name = reader.Next();
        var model = reader.Next();
        var version = reader.Next();
        var serial = reader.Next();
        var asset = reader.Next();
        var fileId = reader.Next();
        var custom = reader.Rest();
        return new FruProductArea(WithError(status, reader.Error, problems, null), (byte)(area[0] & 0x0F), language,
            manufacturer, name, model, version, serial, asset, fileId, custom);
    }

    private static byte FormatOf(FruAreaStatus status) => status.Raw.Length > 0 ? (byte)(status.Raw[0] & 0x0F) : (byte)0;

    private static FruAreaStatus WithError(FruAreaStatus status, string? error, List<FruProblem> problems, string? area)
    {
        if (error is null || status.Error is not null)
            return status;
        if (area is not null)
            problems.Add(new FruProblem(area, error));
        return status with { Error = error };
    }

    private static FruMultiRecordArea DecodeMultiRecord(ReadOnlySpan<byte> image, int offset, FruDecodeOptions options, List<FruProblem> problems)
    {
        var records = new List<FruMultiRecord>();
        string? error = null;
        var position = offset;
        var ended = false;
        while (!ended && records.Count < MaxMultiRecords)
        {
            if (position + 5 > image.Length)
            {
                error = $"truncated: record header at byte {position} runs past the {image.Length}-byte image";
                break;
            }

            var header = image.Slice(position, 5);
            if (header.IndexOfAnyExcept((byte)0) < 0)
            {
                // All-zero padding passes a zero checksum; it is the end of a list that lost its end-of-list flag.
                error = $"zero padding at byte {position} before an end-of-list record";
                break;
            }

            var headerOk = ZeroChecksum(header);
            if (!headerOk)
            {
                // Without a trusted header the record length is unknown: nothing after it can be found.
                error = $"record header checksum mismatch at byte {position}";
                break;
            }

            var typeId = header[0];
            ended = (header[1] & 0b1000_0000) != 0;
            var length = header[2];
            var dataStart = position + 5;
            if (dataStart + length > image.Length)
            {
                error = $"truncated: record type {typeId:X2}h at byte {position} needs {length} data bytes";
                break;
            }

            var data = image.Slice(dataStart, length);
            var sum = header[3];
            foreach (var b in data)
                sum += b;
            var dataOk = sum == 0;
            string? recordError = null;
            FruMultiRecordContent? content = null;
            if (!dataOk)
            {
                recordError = "record checksum mismatch";
                problems.Add(new FruProblem("multiRecord", $"record type {typeId:X2}h at byte {position}: record checksum mismatch"));
            }

            if (dataOk || options.DecodeBadChecksums)
            {
                content = DecodeMultiRecordContent(typeId, data);
                if (content is null && typeId <= 0x05)
                    recordError ??= $"record type {typeId:X2}h too short ({length} bytes)";
            }

            records.Add(new FruMultiRecord(position, typeId, (byte)(header[1] & 0x0F), ended, headerOk, dataOk, data.ToArray(), content, recordError));
            position = dataStart + length;
        }

        if (error is not null)
            problems.Add(new FruProblem("multiRecord", error));
        var rawArea = offset < image.Length ? image[offset..Math.Clamp(position, offset, image.Length)].ToArray() : [];
        return new FruMultiRecordArea(new FruAreaStatus(offset, rawArea.Length, error is null && records.TrueForAll(r => r.RecordChecksumOk), error, rawArea), records);
    }

    private static FruMultiRecordContent? DecodeMultiRecordContent(byte typeId, ReadOnlySpan<byte> d)
    {
        switch (typeId)
        {
            case 0x00 when d.Length >= 24:
                var peak = U16(d, 18);
                var combined = d[20];
                return new FruPowerSupply(
                    CapacityWatts: U16(d, 0) & 0x0FFF,
                    PeakVa: U16(d, 2),
                    InrushCurrentAmps: d[4],
                    InrushIntervalMs: d[5],
                    LowInputVoltage1Millivolts: U16(d, 6) * 10,
                    HighInputVoltage1Millivolts: U16(d, 8) * 10,
                    LowInputVoltage2Millivolts: U16(d, 10) * 10,
                    HighInputVoltage2Millivolts: U16(d, 12) * 10,
                    LowInputFrequencyHz: d[14],
                    HighInputFrequencyHz: d[15],
                    AcDropoutToleranceMs: d[16],
                    PredictiveFailSupport: (d[17] & 0b0000_0001) != 0,
                    PowerFactorCorrection: (d[17] & 0b0000_0010) != 0,
                    Autoswitch: (d[17] & 0b0000_0100) != 0,
                    HotSwap: (d[17] & 0b0000_1000) != 0,
                    TwoPulsesOrActiveHigh: (d[17] & 0b0001_0000) != 0,
                    PeakCapacityWatts: peak & 0x0FFF,
                    HoldUpTimeSeconds: peak >> 12,
                    CombinedVoltage1: Voltage(combined >> 4),
                    CombinedVoltage2: Voltage(combined & 0x0F),
                    TotalCombinedWatts: U16(d, 21),
                    PredictiveFailTachometerRps: d[23]);
            case 0x01 when d.Length >= 13:
                return new FruDcOutput(
                    OutputNumber: d[0] & 0x0F,
                    Standby: (d[0] & 0b1000_0000) != 0,
                    NominalMillivolts: S16(d, 1) * 10,
                    MaxNegativeDeviationMillivolts: S16(d, 3) * 10,
                    MaxPositiveDeviationMillivolts: S16(d, 5) * 10,
                    RippleNoiseMillivolts: U16(d, 7),
                    MinCurrentMilliamps: U16(d, 9),
                    MaxCurrentMilliamps: U16(d, 11));
            case 0x02 when d.Length >= 13:
                return new FruDcLoad(
                    OutputNumber: d[0] & 0x0F,
                    NominalMillivolts: S16(d, 1) * 10,
                    MinVoltageMillivolts: S16(d, 3) * 10,
                    MaxVoltageMillivolts: S16(d, 5) * 10,
                    RippleNoiseMillivolts: U16(d, 7),
                    MinCurrentMilliamps: U16(d, 9),
                    MaxCurrentMilliamps: U16(d, 11));
            case 0x03 when d.Length >= 1:
                var value = d[1..];
                var name = d[0] switch
                {
                    0x01 => "System Management URL",
                    0x02 => "System Name",
                    0x03 => "System Ping Address",
                    0x04 => "Component Management URL",
                    0x05 => "Component Name",
                    0x06 => "Component Ping Address",
                    0x07 => "System Unique ID",
                    _ => null,
                };
                return new FruManagementAccess(d[0], name, d[0] is >= 0x01 and <= 0x06 ? Encoding.Latin1.GetString(value) : null, value.ToArray());
            case 0x04 or 0x05 when d.Length >= 6:
                return new FruCompatibility(typeId == 0x05, (uint)(d[0] | (d[1] << 8) | (d[2] << 16)), d[3], d[4], d[5], d[6..].ToArray());
            default:
                return null;
        }
    }

    private static FruCombinedVoltage Voltage(int code) => code <= 3 ? (FruCombinedVoltage)code : FruCombinedVoltage.Unknown;

    private static int U16(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadUInt16LittleEndian(d[at..]);

    private static int S16(ReadOnlySpan<byte> d, int at) => BinaryPrimitives.ReadInt16LittleEndian(d[at..]);
}
