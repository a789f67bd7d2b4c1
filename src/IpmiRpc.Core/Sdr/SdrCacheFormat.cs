using System.Buffers.Binary;
using System.IO.Hashing;
using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Sdr;

/// <summary>
/// The persisted form of an <see cref="SdrRepository"/>: magic, version, identity, the raw Get SDR Repository Info
/// fields, the raw records, and an XXH128 over all of it (a check against torn or truncated files, not tampering: the cache
/// directory is the user's own, mode 0700). A file that fails any check reads as null, and the caller
/// reads the repository from the BMC again.
/// </summary>
public static class SdrCacheFormat
{
    private static ReadOnlySpan<byte> Magic => "IPMIRPC-SDR"u8;

    // 2: XXH128 replaced SHA-256 (no OpenSSL needed); a version-1 file reads as stale and is rewritten.
    private const byte Version = 2;

    public static byte[] Serialize(SdrRepository repository)
    {
        using var body = new MemoryStream();
        var buffer = new byte[8];
        void U8(int v) => body.WriteByte((byte)v);
        void U16(int v)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)v);
            body.Write(buffer, 0, 2);
        }

        void U32(uint v)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, v);
            body.Write(buffer, 0, 4);
        }

        body.Write(Magic);
        U8(Version);
        var id = repository.Identity;
        U8(id.DeviceId);
        U8(id.DeviceRevision);
        U8(id.FirmwareMajor);
        U8(id.FirmwareMinor);
        U32(id.AuxiliaryFirmware);
        U32((uint)id.ManufacturerId);
        U16(id.ProductId);
        var info = repository.Info;
        U8(info.SdrVersion);
        U16(info.RecordCount);
        U16(info.FreeSpaceBytes);
        U32(info.MostRecentAddition);
        U32(info.MostRecentErase);
        U8(OperationSupport(info));
        U16(repository.RawRecords.Count);
        foreach (var record in repository.RawRecords)
        {
            U16(record.RecordId);
            U16(record.Bytes.Length);
            body.Write(record.Bytes);
        }

        var hash = XxHash128.Hash(body.ToArray());
        body.Write(hash);
        return body.ToArray();
    }

    /// <summary>The repository stored in <paramref name="bytes"/>, or null when the bytes are not a valid, intact cache file.</summary>
    public static SdrRepository? TryDeserialize(ReadOnlySpan<byte> bytes, int probeRecords)
    {
        const int hashLength = 16;
        if (bytes.Length < Magic.Length + 1 + hashLength || !bytes.StartsWith(Magic) || bytes[Magic.Length] != Version)
        {
            return null;
        }

        var body = bytes[..^hashLength];
        if (!XxHash128.Hash(body).AsSpan().SequenceEqual(bytes[^hashLength..]))
        {
            return null;
        }

        try
        {
            var at = Magic.Length + 1;
            int U8(ReadOnlySpan<byte> b) => b[at++];
            int U16(ReadOnlySpan<byte> b)
            {
                var v = BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
                at += 2;
                return v;
            }

            uint U32(ReadOnlySpan<byte> b)
            {
                var v = BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
                at += 4;
                return v;
            }

            var identity = new BmcIdentity(U8(body), U8(body), U8(body), U8(body), U32(body), (int)U32(body), U16(body));
            int version = U8(body), count = U16(body), free = U16(body);
            uint addition = U32(body), erase = U32(body);
            var info = new GetSdrRepositoryInfo().Decode([
                (byte)version, (byte)count, (byte)(count >> 8), (byte)free, (byte)(free >> 8),
                (byte)addition, (byte)(addition >> 8), (byte)(addition >> 16), (byte)(addition >> 24),
                (byte)erase, (byte)(erase >> 8), (byte)(erase >> 16), (byte)(erase >> 24), (byte)U8(body)]);
            var records = new SdrRawRecord[U16(body)];
            for (var i = 0; i < records.Length; i++)
            {
                var recordId = U16(body);
                var length = U16(body);
                records[i] = new SdrRawRecord(recordId, body.Slice(at, length).ToArray());
                at += length;
            }

            return at == body.Length ? SdrRepository.Create(identity, info, records, [], probeRecords) : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
        catch (IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static int OperationSupport(SdrRepositoryInfo info) =>
        (info.Overflow ? 0x80 : 0) | ((int)info.UpdateMode << 5) | (info.DeleteSupported ? 0x08 : 0) | (info.PartialAddSupported ? 0x04 : 0)
        | (info.ReserveSupported ? 0x02 : 0) | (info.AllocationInfoSupported ? 0x01 : 0);
}
