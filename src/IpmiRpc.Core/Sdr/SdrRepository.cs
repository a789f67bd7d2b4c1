using System.Buffers.Binary;
using System.IO.Hashing;
using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Sdr;

/// <summary>
/// What identifies a BMC model and firmware for SDR sharing (pyghmi's cache key, less the timestamps): Get Device ID's
/// device ID and revision, firmware major/minor and auxiliary revision, manufacturer and product.
/// </summary>
public sealed record BmcIdentity(int DeviceId, int DeviceRevision, int FirmwareMajor, int FirmwareMinor, uint AuxiliaryFirmware, int ManufacturerId, int ProductId)
{
    /// <summary>Reads the identity fields of a Get Device ID response (IPMI v2.0 §20.1).</summary>
    public static BmcIdentity FromDeviceId(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 11, "Get Device ID response");
        return new BmcIdentity(
            data[0],
            data[1] & 0x0F,
            data[2] & 0x7F,
            data[3],
            data.Length >= 15 ? BinaryPrimitives.ReadUInt32LittleEndian(data[11..15]) : 0,
            (data[6] | (data[7] << 8) | (data[8] << 16)) & 0x0F_FFFF,
            BinaryPrimitives.ReadUInt16LittleEndian(data[9..11]));
    }

    /// <summary>A stable text form, used in shared-cache keys and file names.</summary>
    public string Key => $"{ManufacturerId:X5}-{ProductId:X4}-{DeviceId:X2}.{DeviceRevision:X1}-fw{FirmwareMajor:X2}.{FirmwareMinor:X2}.{AuxiliaryFirmware:X8}";
}

/// <summary>One BMC's SDR repository, read and decoded; immutable and shared between BMCs of one model and firmware.</summary>
/// <param name="ContentHash">SHA-256 over every record's bytes, in order.</param>
/// <param name="ProbeHash">SHA-256 over the first <see cref="SdrCacheOptions.ProbeRecords"/> records: what a BMC is matched on before a full read.</param>
public sealed record SdrRepository(
    BmcIdentity Identity,
    SdrRepositoryInfo Info,
    IReadOnlyList<SdrRawRecord> RawRecords,
    IReadOnlyList<SdrRecord> Records,
    IReadOnlyList<SdrReadWarning> Warnings,
    byte[] ContentHash,
    byte[] ProbeHash)
{
    public static SdrRepository Create(BmcIdentity identity, SdrRepositoryInfo info, IReadOnlyList<SdrRawRecord> raw, IReadOnlyList<SdrReadWarning> warnings, int probeRecords) =>
        new(identity, info, raw, raw.Select(r => SdrRecordDecoder.DecodeLenient(r.Bytes)).ToArray(), warnings, Hash(raw, raw.Count), Hash(raw, probeRecords));

    /// <summary>
    /// XXH128 over the first <paramref name="count"/> records' bytes. It tells repositories apart; it is no defence
    /// against a BMC that lies (the probe covers only the first records, whatever the hash), and a non-cryptographic hash
    /// needs no OpenSSL: an in-band host without libssl must still read its SDRs.
    /// </summary>
    public static byte[] Hash(IReadOnlyList<SdrRawRecord> records, int count)
    {
        var hash = new XxHash128();
        Span<byte> length = stackalloc byte[2];
        foreach (var record in records.Take(count))
        {
            // Length-prefixed so record boundaries are part of what is hashed.
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)record.Bytes.Length);
            hash.Append(length);
            hash.Append(record.Bytes);
        }

        return hash.GetHashAndReset();
    }
}
