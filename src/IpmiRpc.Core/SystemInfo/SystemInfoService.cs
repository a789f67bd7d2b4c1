using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.SystemInfo;

/// <summary>Outcome of <c>systemInfo.set</c>.</summary>
/// <param name="Changed">True when at least one value differed (and, unless <see cref="DryRun"/>, was written).</param>
/// <param name="ChangedParameters">Names of the parameters that differed.</param>
/// <param name="Previous">What the BMC held before, per requested name (null: unsupported).</param>
/// <param name="Current">What it holds now (read back), or for a dry run what it would hold.</param>
public sealed record SystemInfoSetResult(
    bool Changed,
    bool DryRun,
    IReadOnlyList<string> ChangedParameters,
    IReadOnlyDictionary<string, string?> Previous,
    IReadOnlyDictionary<string, string?> Current);

/// <summary>Get/Set System Info Parameters 1–7 as strings. IPMI v2.0 §22.14a/b.</summary>
public static class SystemInfoService
{
    /// <summary>Reads the named parameters (all seven when <paramref name="names"/> is null); a parameter the BMC does
    /// not support (any non-zero completion code on its first block, e.g. 80h or C1h) is null.</summary>
    public static async Task<IReadOnlyDictionary<string, string?>> GetAsync(IpmiSend send, IReadOnlyCollection<string>? names, CancellationToken ct)
    {
        var parameters = Resolve(names ?? SystemInfoParameters.Names, "parameters");
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            result[SystemInfoParameters.NameOf(parameter)] = await ReadStringAsync(send, parameter, ct).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Writes the values that differ from what the BMC holds, inside the set-in-progress protocol.</summary>
    /// <exception cref="IpmiInvalidArgumentException">Unknown name, null value, or a value longer than 255 bytes.</exception>
    public static async Task<SystemInfoSetResult> SetAsync(IpmiSend send, IReadOnlyDictionary<string, string> values, bool dryRun, CancellationToken ct)
    {
        // Validate and encode everything before the first write.
        var planned = new List<(SystemInfoParameter Parameter, string Name, string Value, byte[][] Blocks)>();
        foreach (var (name, value) in values)
        {
            if (!SystemInfoParameters.TryGet(name, out var parameter))
            {
                throw new IpmiInvalidArgumentException($"values.{name}", $"unknown parameter; expected one of {string.Join(", ", SystemInfoParameters.Names)}");
            }

            if (value is null)
            {
                throw new IpmiInvalidArgumentException($"values.{name}", "must be a string");
            }

            var canonical = SystemInfoParameters.NameOf(parameter);
            if (planned.Any(p => p.Parameter == parameter))
            {
                throw new IpmiInvalidArgumentException($"values.{name}", "given more than once");
            }

            planned.Add((parameter, canonical, value, SystemInfoStringCodec.Encode(value, $"values.{name}")));
        }

        var previous = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in planned)
        {
            previous[p.Name] = await ReadStringAsync(send, p.Parameter, ct).ConfigureAwait(false);
        }

        var changes = planned.Where(p => !string.Equals(previous[p.Name], p.Value, StringComparison.Ordinal)).ToList();
        var changedNames = changes.Select(c => c.Name).ToArray();
        if (changes.Count == 0 || dryRun)
        {
            var wouldBe = new Dictionary<string, string?>(previous, StringComparer.Ordinal);
            foreach (var c in changes)
            {
                wouldBe[c.Name] = c.Value;
            }

            return new SystemInfoSetResult(changes.Count > 0, dryRun, changedNames, previous, wouldBe);
        }

        await SetInProgressProtocol.RunAsync(
            (state, token) => send(SetSystemInfoParameters.CreateRequest((byte)SystemInfoParameter.SetInProgress, [state]), token),
            SetSystemInfoParameters.NetFn,
            SetSystemInfoParameters.Command,
            async token =>
            {
                foreach (var change in changes)
                {
                    for (var setSelector = 0; setSelector < change.Blocks.Length; setSelector++)
                    {
                        var data = new byte[1 + SystemInfoStringCodec.BlockSize];
                        data[0] = (byte)setSelector;
                        change.Blocks[setSelector].CopyTo(data, 1);
                        await send.SendCheckedAsync(SetSystemInfoParameters.CreateRequest((byte)change.Parameter, data), token).ConfigureAwait(false);
                    }
                }
            },
            ct).ConfigureAwait(false);

        var current = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var p in planned)
        {
            current[p.Name] = changes.Contains(p)
                ? await ReadStringAsync(send, p.Parameter, ct).ConfigureAwait(false)
                : previous[p.Name];
        }

        return new SystemInfoSetResult(true, false, changedNames, previous, current);
    }

    /// <summary>Reads one string parameter: set selector 0, then as many more as its declared length needs.</summary>
    public static async Task<string?> ReadStringAsync(IpmiSend send, SystemInfoParameter parameter, CancellationToken ct)
    {
        var first = await ReadBlockAsync(send, parameter, 0, ct).ConfigureAwait(false);
        if (first is null)
        {
            return null;
        }

        var blocks = new List<byte[]> { first };
        var (_, length) = SystemInfoStringCodec.DecodeHeader(first);
        var count = SystemInfoStringCodec.BlockCount(length);
        for (var setSelector = 1; setSelector < count; setSelector++)
        {
            var block = await ReadBlockAsync(send, parameter, (byte)setSelector, ct).ConfigureAwait(false);
            if (block is null)
            {
                // A declared length longer than what the BMC stored (ipmitool's length bug): keep what there is.
                break;
            }

            blocks.Add(block);
        }

        return SystemInfoStringCodec.Decode(blocks);
    }

    // The block data after the set selector byte, or null on a non-zero completion code.
    private static async Task<byte[]?> ReadBlockAsync(IpmiSend send, SystemInfoParameter parameter, byte setSelector, CancellationToken ct)
    {
        var response = await send(GetSystemInfoParameters.CreateRequest((byte)parameter, setSelector), ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return null;
        }

        var decoded = GetSystemInfoParameters.Decode(response.Data.Span);
        IpmiDecodeException.ThrowIfShorter(decoded.Data, 1, $"System info parameter {(int)parameter} set selector {setSelector}");
        return decoded.Data[1..];
    }

    private static List<SystemInfoParameter> Resolve(IEnumerable<string> names, string field)
    {
        var list = new List<SystemInfoParameter>();
        foreach (var name in names)
        {
            if (!SystemInfoParameters.TryGet(name, out var parameter))
            {
                throw new IpmiInvalidArgumentException(field, $"unknown parameter '{name}'; expected one of {string.Join(", ", SystemInfoParameters.Names)}");
            }

            if (!list.Contains(parameter))
            {
                list.Add(parameter);
            }
        }

        return list;
    }
}
