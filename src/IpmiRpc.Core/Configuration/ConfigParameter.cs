namespace IpmiRpc.Core.Configuration;

/// <summary>Decodes one configuration parameter's data (after the revision byte); throws <see cref="IpmiDecodeException"/> when short.</summary>
public delegate T ParameterDecoder<out T>(ReadOnlySpan<byte> data);

/// <summary>A parameter of some family, whatever its value type: what generic code (reads, property tests) needs.</summary>
public interface IConfigParameter
{
    /// <summary>The parameter selector.</summary>
    Enum Selector { get; }

    /// <summary>Decodes the parameter data to its value, boxed.</summary>
    object? DecodeValue(ReadOnlySpan<byte> data);
}

/// <summary>
/// One parameter of a configuration family (LAN, system info, boot options, …): its selector, how its data decodes,
/// and, when it is writable, how a value encodes.
/// </summary>
/// <param name="Selector">The parameter selector in the family's Get/Set commands.</param>
/// <param name="Decode">Parameter data → value.</param>
/// <param name="Encode">Value → parameter data, for writable parameters; throws <see cref="FormatException"/> (with a
/// reason a caller can read) for a value it cannot encode.</param>
public sealed record ConfigParameter<TSelector, T>(TSelector Selector, ParameterDecoder<T> Decode, Func<T, byte[]>? Encode = null)
    : IConfigParameter
    where TSelector : struct, Enum
{
    Enum IConfigParameter.Selector => Selector;

    object? IConfigParameter.DecodeValue(ReadOnlySpan<byte> data) => Decode(data);

    /// <summary>The write of <paramref name="value"/> to this parameter.</summary>
    /// <exception cref="InvalidOperationException">The parameter is read-only.</exception>
    public ParameterWrite<TSelector> Write(T value) =>
        new(Selector, (Encode ?? throw new InvalidOperationException($"{Selector} is read-only"))(value));
}

/// <summary>One Set … Parameters write: the selector and the data after it (set selector first where the parameter has one).</summary>
public sealed record ParameterWrite<TSelector>(TSelector Selector, byte[] Data)
    where TSelector : struct, Enum;
