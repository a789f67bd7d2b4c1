using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.SystemInfo;

/// <summary>Get/Set System Info Parameters 1–7 as strings. IPMI v2.0 §22.14a/b.</summary>
public static class SystemInfoService
{
    /// <summary>Reads the given string parameters (all seven when <paramref name="parameters"/> is null), each once, in
    /// the order given; a parameter the BMC does not support (any non-zero completion code on its first block, e.g. 80h
    /// or C1h) is null.</summary>
    /// <exception cref="IpmiInvalidArgumentException">Set In Progress is not a string parameter.</exception>
    public static async Task<IReadOnlyDictionary<SystemInfoParameter, string?>> GetAsync(
        IpmiSend send, IReadOnlyCollection<SystemInfoParameter>? parameters, CancellationToken ct)
    {
        var result = new Dictionary<SystemInfoParameter, string?>();
        foreach (var parameter in parameters ?? SystemInfoFamily.Strings)
        {
            RequireString(parameter);
            if (!result.ContainsKey(parameter))
            {
                result[parameter] = await ReadStringAsync(send, parameter, ct).ConfigureAwait(false);
            }
        }

        return result;
    }

    /// <summary>Writes the values that differ from what the BMC holds, inside the set-in-progress protocol.</summary>
    /// <exception cref="IpmiInvalidArgumentException">Not a string parameter, or a value longer than 255 bytes once
    /// encoded; its field is the parameter's name.</exception>
    public static async Task<SystemInfoSetResult> SetAsync(
        IpmiSend send, IReadOnlyDictionary<SystemInfoParameter, string> values, bool dryRun, CancellationToken ct)
    {
        // Validate and encode everything before the first write.
        var planned = new List<(SystemInfoParameter Parameter, string Value, byte[][] Blocks)>();
        foreach (var (parameter, value) in values)
        {
            RequireString(parameter);
            planned.Add((parameter, value, SystemInfoStringCodec.Encode(value, parameter.ToString())));
        }

        var previous = new Dictionary<SystemInfoParameter, string?>();
        foreach (var p in planned)
        {
            previous[p.Parameter] = await ReadStringAsync(send, p.Parameter, ct).ConfigureAwait(false);
        }

        var changes = planned.Where(p => !string.Equals(previous[p.Parameter], p.Value, StringComparison.Ordinal)).ToList();
        var changedParameters = changes.Select(c => c.Parameter).ToArray();
        if (changes.Count == 0 || dryRun)
        {
            var wouldBe = new Dictionary<SystemInfoParameter, string?>(previous);
            foreach (var c in changes)
            {
                wouldBe[c.Parameter] = c.Value;
            }

            return new SystemInfoSetResult(changes.Count > 0, dryRun, changedParameters, previous, wouldBe);
        }

        // One write per block: set selector, then the 16 block bytes.
        var writes = changes
            .SelectMany(c => c.Blocks.Select((block, setSelector) => new ParameterWrite<SystemInfoParameter>(c.Parameter, [(byte)setSelector, .. block])))
            .ToList();
        await SystemInfoFamily.Family.WriteAsync(send, writes, ct).ConfigureAwait(false);

        var current = new Dictionary<SystemInfoParameter, string?>();
        foreach (var p in planned)
        {
            current[p.Parameter] = changes.Contains(p)
                ? await ReadStringAsync(send, p.Parameter, ct).ConfigureAwait(false)
                : previous[p.Parameter];
        }

        return new SystemInfoSetResult(true, false, changedParameters, previous, current);
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
        var data = await SystemInfoFamily.Family.ReadAsync(send, parameter, setSelector, ct).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        IpmiDecodeException.ThrowIfShorter(data, 1, $"System info parameter {(int)parameter} set selector {setSelector}");
        return data[1..];
    }

    private static void RequireString(SystemInfoParameter parameter)
    {
        if (!SystemInfoFamily.Strings.Contains(parameter))
        {
            throw new IpmiInvalidArgumentException(parameter.ToString(), "not a string parameter (1–7)");
        }
    }
}
