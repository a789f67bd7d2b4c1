using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The <c>params</c> objects one connection sent, by their exact bytes: a client sends the same params (the same
/// target) with request after request, and reading them again built the same tree every time. The objects are shared
/// by every request that sent those bytes, so nothing may change them: the host only reads params (a fan-out works on
/// its own copy). Bounded: small params only, and the memo starts over when full. Used by the connection's read loop
/// alone, one message at a time.
/// </summary>
internal sealed class ParamsMemo
{
    private const int MaxEntries = 256;
    private const int MaxParamsBytes = 2048;

    private readonly Dictionary<byte[], JObject> _known = new(ByteContent.Instance);
    private readonly Dictionary<byte[], JObject>.AlternateLookup<ReadOnlySpan<byte>> _byContent;

    public ParamsMemo() => _byContent = _known.GetAlternateLookup<ReadOnlySpan<byte>>();

    /// <summary>Entries held (for tests: the memo stays bounded).</summary>
    public int Count => _known.Count;

    /// <summary>
    /// The params object in <paramref name="body"/>[<paramref name="start"/>, +<paramref name="length"/>), already
    /// checked as RFC 8259 JSON. False when Newtonsoft refuses it (a name repeated, nesting too deep): the full reading
    /// then gives the error.
    /// </summary>
    public bool TryGet(byte[] body, int start, int length, out JObject? parameters)
    {
        var bytes = body.AsSpan(start, length);
        if (_byContent.TryGetValue(bytes, out parameters))
        {
            return true;
        }

        try
        {
            parameters = (JObject)GuardedMessageHandler.ParseLenient(new Utf8TextReader(body, start, start + length), KnownNames.Table);
        }
        catch (Exception ex) when (ex is JsonException or GuardedMessageHandler.ParseFailure or InvalidCastException)
        {
            parameters = null;
            return false;
        }

        if (length <= MaxParamsBytes)
        {
            if (_known.Count >= MaxEntries)
            {
                // Many distinct params (a sweep over many BMCs): start over rather than grow.
                _known.Clear();
            }

            _known[bytes.ToArray()] = parameters;
        }

        return true;
    }

    private sealed class ByteContent : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly ByteContent Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
