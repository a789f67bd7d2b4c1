namespace IpmiRpc.Transports.Lan;

/// <summary>
/// Inbound session sequence check (IPMI v2.0 §6.12.13): a packet is accepted when its sequence number is newer than
/// any seen, or within <see cref="Size"/> below the newest and not seen before. Duplicates and older packets are
/// replays. Only authenticated packets are fed here (an unauthenticated sequence number proves nothing).
/// </summary>
internal sealed class ReplayWindow
{
    private readonly Lock _lock = new();
    private uint _highest;
    private ulong _seen = 1; // bit i: _highest - i was accepted; sequence 0 is never valid in a session

    public ReplayWindow(int size = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 64);
        Size = size;
    }

    public int Size { get; }

    /// <summary>Records <paramref name="sequence"/> and returns true if it is fresh; false for a replay or a stale packet.</summary>
    public bool TryAccept(uint sequence)
    {
        lock (_lock)
        {
            if (sequence > _highest)
            {
                var shift = sequence - _highest;
                _seen = shift >= 64 ? 1UL : (_seen << (int)shift) | 1UL;
                _highest = sequence;
                return true;
            }

            var behind = _highest - sequence;
            if (behind >= (uint)Size)
            {
                return false;
            }

            var bit = 1UL << (int)behind;
            if ((_seen & bit) != 0)
            {
                return false;
            }

            _seen |= bit;
            return true;
        }
    }
}
