using IpmiRpc.Core.Commands;

namespace IpmiRpc.Core.Configuration;

/// <summary>
/// A family of configuration parameters read with one Get command and written with one Set command, whose parameter 0
/// is "set in progress" (LAN §23, system info §22.14, boot options §28.12, SOL §26, PEF §30): reads parameters by
/// selector and writes a list of them inside the set-in-progress protocol.
/// </summary>
/// <param name="get">The Get command for a selector and set selector, answering the parameter data.</param>
/// <param name="set">The Set command for a selector and its data.</param>
/// <param name="setInProgress">The family's parameter 0.</param>
public sealed class ConfigurationFamily<TSelector>(
    Func<TSelector, byte, IIpmiCommand<byte[]>> get,
    Func<TSelector, byte[], IIpmiCommand<EmptyResponse>> set,
    TSelector setInProgress)
    where TSelector : struct, Enum
{
    /// <summary>One parameter's data, or null when the BMC answers a non-zero completion code (80h: not supported).</summary>
    public async Task<byte[]?> ReadAsync(IpmiSend send, TSelector selector, byte setSelector, CancellationToken ct)
    {
        var command = get(selector, setSelector);
        var response = await send(command.ToRequest(), ct).ConfigureAwait(false);
        return response.IsSuccess ? command.Decode(response.Data.Span) : null;
    }

    /// <summary>Reads <paramref name="parameters"/> (set selector 0) one after the other, in order.</summary>
    public async Task<ParameterValues<TSelector>> ReadAllAsync(IpmiSend send, IEnumerable<IConfigParameter> parameters, CancellationToken ct)
    {
        var data = new Dictionary<TSelector, byte[]>();
        foreach (var parameter in parameters)
        {
            var selector = (TSelector)parameter.Selector;
            if (!data.ContainsKey(selector) && await ReadAsync(send, selector, 0, ct).ConfigureAwait(false) is { } raw)
            {
                data[selector] = raw;
            }
        }

        return new ParameterValues<TSelector>(data);
    }

    /// <summary>Writes <paramref name="writes"/> in order inside the set-in-progress protocol; a non-zero completion
    /// code on a write throws <see cref="CompletionCodeException"/> after the protocol rolled back.</summary>
    public Task WriteAsync(IpmiSend send, IReadOnlyList<ParameterWrite<TSelector>> writes, CancellationToken ct)
    {
        var info = set(setInProgress, []).Info;
        return SetInProgressProtocol.RunAsync(
            (state, token) => send(set(setInProgress, [state]).ToRequest(), token),
            info.NetFn,
            info.Command,
            async token =>
            {
                foreach (var write in writes)
                {
                    await send.ExecuteAsync(set(write.Selector, write.Data), token).ConfigureAwait(false);
                }
            },
            ct);
    }
}
