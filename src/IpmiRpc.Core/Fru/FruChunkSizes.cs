using System.Collections.Concurrent;

namespace IpmiRpc.Core.Fru;

/// <summary>
/// The Read FRU Data chunk size that last worked, per BMC, so the next read starts there instead of failing again
/// (pyghmi's fixed 224 bytes fails on ipmi_sim with C8h). Bounded: past <see cref="Capacity"/> BMCs it forgets all
/// and relearns, which costs one back-off per BMC.
/// </summary>
public sealed class FruChunkSizes(int capacity = 10_000)
{
    /// <summary>The first size tried: what fits a 255-byte IPMB payload with room to spare (ipmitool starts lower).</summary>
    public const int Initial = 224;

    public const int Minimum = 8;

    private readonly ConcurrentDictionary<string, int> _sizes = new(StringComparer.Ordinal);

    public int Capacity { get; } = capacity;

    public int Count => _sizes.Count;

    /// <summary>The size to try first for this BMC.</summary>
    public int Get(string bmcKey) => _sizes.TryGetValue(bmcKey, out var size) ? size : Initial;

    public void Remember(string bmcKey, int size)
    {
        if (_sizes.Count >= Capacity && !_sizes.ContainsKey(bmcKey))
            _sizes.Clear();
        _sizes[bmcKey] = Math.Clamp(size, Minimum, Initial);
    }
}
