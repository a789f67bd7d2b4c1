namespace IpmiRpc.Core.Configuration;

/// <summary>Parameter data read from a BMC, by selector; a parameter it refused (non-zero completion code) is absent.</summary>
public sealed class ParameterValues<TSelector>(IReadOnlyDictionary<TSelector, byte[]> data)
    where TSelector : struct, Enum
{
    /// <summary>The raw parameter data, or null when the BMC did not answer it.</summary>
    public byte[]? Raw(TSelector selector) => data.GetValueOrDefault(selector);

    /// <summary>The decoded value, or null when the BMC did not answer it.</summary>
    public T? Get<T>(ConfigParameter<TSelector, T> parameter)
        where T : class =>
        data.TryGetValue(parameter.Selector, out var raw) ? parameter.Decode(raw) : null;

    /// <summary>The decoded value, or null when the BMC did not answer it.</summary>
    public T? GetValue<T>(ConfigParameter<TSelector, T> parameter)
        where T : struct =>
        data.TryGetValue(parameter.Selector, out var raw) ? parameter.Decode(raw) : null;
}
