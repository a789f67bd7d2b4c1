namespace IpmiRpc.Transports.Lan;

/// <summary>
/// Inbound session sequence check (IPMI v2.0 §6.12.13): a packet is accepted when its sequence number is newer than
/// any seen, or within <see cref="Size"/> below the newest and not seen before. Duplicates and older packets are
/// replays. Only authenticated packets are fed here (an unauthenticated sequence number proves nothing).
/// </summary>
/// <remarks>
/// The numbers seen are bits in a ring of 64-bit words indexed by the sequence number itself, as in RFC 6479: moving
/// the newest number forward clears the words it enters instead of shifting the whole bitmap, so a window of a
/// thousand costs no more per packet than one of 64. The ring holds one word more than the window needs, so every
/// number within <see cref="Size"/> of the newest still has its own bit.
/// </remarks>
internal sealed class ReplayWindow
{
    /// <summary>The largest window: 16 words of 64 numbers, 128 bytes per session.</summary>
    public const int MaxSize = 1024;

    private readonly Lock _lock = new();
    private readonly ulong[] _seen;
    private readonly uint _wordMask;
    private uint _highest;

    public ReplayWindow(int size = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        Size = size;
        _seen = new ulong[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)((size + 63) / 64) + 1)];
        _wordMask = (uint)_seen.Length - 1;
        _seen[0] = 1; // sequence 0 is never valid in a session
    }

    public int Size { get; }

    /// <summary>Records <paramref name="sequence"/> and returns true if it is fresh; false for a replay or a stale packet.</summary>
    public bool TryAccept(uint sequence)
    {
        lock (_lock)
        {
            if (sequence > _highest)
            {
                // The words past the newest one's, up to the new number's, held numbers a whole ring older: clear them.
                var words = Math.Min((sequence >> 6) - (_highest >> 6), (uint)_seen.Length);
                for (var i = 1u; i <= words; i++)
                {
                    _seen[((_highest >> 6) + i) & _wordMask] = 0;
                }

                _highest = sequence;
            }
            else if (_highest - sequence >= (uint)Size)
            {
                return false;
            }

            ref var word = ref _seen[(sequence >> 6) & _wordMask];
            var bit = 1UL << (int)(sequence & 63);
            if ((word & bit) != 0)
            {
                return false;
            }

            word |= bit;
            return true;
        }
    }
}
