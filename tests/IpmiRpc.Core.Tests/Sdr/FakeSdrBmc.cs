using System.Buffers.Binary;

namespace IpmiRpc.Core.Tests.Sdr;

/// <summary>
/// An in-memory BMC with an SDR repository and the misbehaviours the reader must survive: a response size limit
/// (0xCA), cancelled reservations (0xC5), a timeout on the last record (0xC3), a looping record chain. Counts requests.
/// </summary>
internal sealed class FakeSdrBmc
{
    public List<byte[]> Records { get; } = [];

    public uint Addition { get; set; } = 0x1000;

    public uint Erase { get; set; } = 0x0800;

    public byte[] DeviceId { get; set; } = [0x20, 0x81, 0x01, 0x23, 0x02, 0xBF, 0x57, 0x01, 0x00, 0x34, 0x12];

    /// <summary>Largest Get SDR data answered; above it: 0xCA.</summary>
    public int MaxRead { get; set; } = 255;

    /// <summary>Cancel the reservation before these Get SDR request numbers (1-based).</summary>
    public HashSet<int> CancelReservationAt { get; } = [];

    /// <summary>Get SDR for the record at this index answers 0xC3 (timeout).</summary>
    public int? TimeoutAtIndex { get; set; }

    /// <summary>The last record's next-record ID points back to the first.</summary>
    public bool Loop { get; set; }

    public bool ReserveSupported { get; set; } = true;

    public int GetSdrCount { get; private set; }

    public int ReserveCount { get; private set; }

    private ushort _reservation;

    public IpmiSend Send => (request, _) => Task.FromResult(Handle(request));

    public void Add(byte type, params byte[] body)
    {
        var record = new byte[5 + body.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(record, (ushort)(Records.Count + 1));
        record[2] = 0x51;
        record[3] = type;
        record[4] = (byte)body.Length;
        body.CopyTo(record, 5);
        Records.Add(record);
    }

    private IpmiResponse Handle(IpmiRequest r)
    {
        var d = r.Data.Span;
        switch ((r.NetFn, r.Command))
        {
            case (0x06, 0x01):
                return new IpmiResponse(0, DeviceId);
            case (0x0A, 0x20):
                var info = new byte[14];
                info[0] = 0x51;
                BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(1), (ushort)Records.Count);
                BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(5), Addition);
                BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(9), Erase);
                info[13] = (byte)(ReserveSupported ? 0x02 : 0x00);
                return new IpmiResponse(0, info);
            case (0x0A, 0x22):
                ReserveCount++;
                _reservation++;
                return new IpmiResponse(0, BitConverter.GetBytes(_reservation));
            case (0x0A, 0x23):
                GetSdrCount++;
                if (CancelReservationAt.Remove(GetSdrCount))
                    _reservation++;
                var reservation = BinaryPrimitives.ReadUInt16LittleEndian(d);
                var id = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
                int offset = d[4], count = d[5];
                if ((offset != 0 || ReserveSupported) && reservation != _reservation)
                    return new IpmiResponse(0xC5, ReadOnlyMemory<byte>.Empty);
                var index = id == 0 ? (Records.Count > 0 ? 0 : -1) : Records.FindIndex(x => BinaryPrimitives.ReadUInt16LittleEndian(x) == id);
                if (index < 0)
                    return new IpmiResponse(0xCB, ReadOnlyMemory<byte>.Empty);
                if (index == TimeoutAtIndex)
                    return new IpmiResponse(0xC3, ReadOnlyMemory<byte>.Empty);
                var record = Records[index];
                if (count == 0xFF)
                    count = record.Length - offset;
                if (count > MaxRead)
                    return new IpmiResponse(0xCA, ReadOnlyMemory<byte>.Empty);
                var next = index + 1 < Records.Count ? BinaryPrimitives.ReadUInt16LittleEndian(Records[index + 1]) : Loop ? BinaryPrimitives.ReadUInt16LittleEndian(Records[0]) : (ushort)0xFFFF;
                var answer = new byte[2 + Math.Min(count, record.Length - offset)];
                BinaryPrimitives.WriteUInt16LittleEndian(answer, next);
                record.AsSpan(offset, answer.Length - 2).CopyTo(answer.AsSpan(2));
                return new IpmiResponse(0, answer);
            default:
                return new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty);
        }
    }
}
