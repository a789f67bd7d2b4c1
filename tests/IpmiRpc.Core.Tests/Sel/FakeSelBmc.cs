using System.Buffers.Binary;

namespace IpmiRpc.Core.Tests.Sel;

/// <summary>
/// An in-memory SEL with the spec's reservation rules (§31.4: a clear cancels the reservation), for SelReader logic
/// tests. Knobs: refuse whole-record reads, cancel the reservation on the Nth partial read, report erasure in progress
/// for N polls, log a record when the first Clear SEL arrives. Every request is logged.
/// </summary>
internal sealed class FakeSelBmc
{
    public List<byte[]> Records { get; } = [];
    public List<IpmiRequest> Log { get; } = [];
    public uint AdditionTime { get; set; } = 100;
    public uint EraseTime { get; set; } = 50;
    public uint Clock { get; set; } = 1000;
    public byte? WholeReadCompletionCode { get; set; }
    public int CancelReservationOnPartialRead { get; set; } = -1;
    public int ErasureInProgressPolls { get; set; }
    public byte[]? LogOnFirstClear { get; set; }
    public bool ClearCancelledByNewRecord { get; set; }

    private ushort _reservation;
    private ushort _nextId = 1;
    private int _partialReads;
    private int _pollsLeft;
    private bool _cleared;

    public IpmiSend Send => (request, _) =>
    {
        Log.Add(request);
        return Task.FromResult(Handle(request));
    };

    public int Count(byte command) => Log.Count(r => r.NetFn == 0x0A && r.Command == command);

    /// <summary>Adds a record (bytes 2–15 of a SEL record; the id is assigned) and bumps the addition time.</summary>
    public ushort Add(byte type, params byte[] body)
    {
        var record = new byte[16];
        var id = _nextId++;
        BinaryPrimitives.WriteUInt16LittleEndian(record, id);
        record[2] = type;
        body.AsSpan(0, Math.Min(13, body.Length)).CopyTo(record.AsSpan(3));
        Records.Add(record);
        AdditionTime++;
        if (ClearCancelledByNewRecord)
            _reservation = 0;
        return id;
    }

    private IpmiResponse Handle(IpmiRequest r)
    {
        var d = r.Data.Span;
        switch (r.Command)
        {
            case 0x40:
                var info = new byte[14];
                info[0] = 0x51;
                BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(1), (ushort)Records.Count);
                BinaryPrimitives.WriteUInt16LittleEndian(info.AsSpan(3), 1000);
                BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(5), AdditionTime);
                BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(9), EraseTime);
                info[13] = 0x0A;
                return Ok(info);
            case 0x42:
                _reservation = (ushort)(_reservation + 1 == 0 ? 1 : _reservation + 1);
                return Ok(BitConverter.GetBytes(_reservation));
            case 0x43:
                return GetEntry(BinaryPrimitives.ReadUInt16LittleEndian(d), BinaryPrimitives.ReadUInt16LittleEndian(d[2..]), d[4], d[5]);
            case 0x47:
                if (BinaryPrimitives.ReadUInt16LittleEndian(d) != _reservation || _reservation == 0)
                    return new IpmiResponse(0xC5, ReadOnlyMemory<byte>.Empty);
                if (d[5] == 0xAA)
                {
                    if (!_cleared && LogOnFirstClear is { } late)
                    {
                        _cleared = true;
                        Add(late[0], late[1..]);
                        if (ClearCancelledByNewRecord)
                            return new IpmiResponse(0xC5, ReadOnlyMemory<byte>.Empty);
                    }

                    Records.Clear();
                    EraseTime++;
                    _pollsLeft = ErasureInProgressPolls;
                }

                if (_pollsLeft > 0)
                {
                    _pollsLeft--;
                    return Ok([0x00]);
                }

                return Ok([0x01]);
            case 0x48:
                return Ok(BitConverter.GetBytes(Clock));
            default:
                return new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty);
        }
    }

    private IpmiResponse GetEntry(ushort reservation, ushort id, byte offset, byte count)
    {
        var partial = !(offset == 0 && count == 0xFF);
        if (partial && reservation != _reservation)
            return new IpmiResponse(0xC5, ReadOnlyMemory<byte>.Empty);
        if (!partial && WholeReadCompletionCode is { } cc)
            return new IpmiResponse(cc, ReadOnlyMemory<byte>.Empty);
        if (partial && _partialReads++ == CancelReservationOnPartialRead)
        {
            _reservation++;
            return new IpmiResponse(0xC5, ReadOnlyMemory<byte>.Empty);
        }

        var index = id switch
        {
            0x0000 => Records.Count > 0 ? 0 : -1,
            0xFFFF => Records.Count - 1,
            _ => Records.FindIndex(x => BinaryPrimitives.ReadUInt16LittleEndian(x) == id),
        };
        if (index < 0)
            return new IpmiResponse(0xCB, ReadOnlyMemory<byte>.Empty);
        var next = index + 1 < Records.Count ? BinaryPrimitives.ReadUInt16LittleEndian(Records[index + 1]) : (ushort)0xFFFF;
        var bytes = partial ? Records[index].AsSpan(offset, Math.Min(count, 16 - offset)).ToArray() : Records[index];
        return Ok([.. BitConverter.GetBytes(next), .. bytes]);
    }

    private static IpmiResponse Ok(byte[] data) => new(0, data);
}
