using System.Globalization;
using System.Numerics;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods;

/// <summary>
/// Typed access to named params with JSON-RPC -32602 errors that name the field (<c>data[3]</c>, <c>target.port</c>)
/// and say what is wrong. Numbers must be JSON integers (no strings, no fractions); absent and null mean "not given".
/// </summary>
public sealed class ParamReader
{
    private readonly string _prefix;

    public ParamReader(JObject values, string prefix = "")
    {
        Values = values;
        _prefix = prefix;
    }

    public JObject Values { get; }

    /// <summary>The full field path for error data (<c>target.port</c> when reading a nested object).</summary>
    public string FieldName(string name) => _prefix.Length == 0 ? name : _prefix + "." + name;

    public bool Has(string name) => Get(name) is not null;

    /// <summary>The raw token, or null when absent or JSON null.</summary>
    public JToken? Get(string name) =>
        Values.TryGetValue(name, StringComparison.Ordinal, out var token) && token.Type != JTokenType.Null ? token : null;

    public RpcParamException Error(string name, string reason) => new(FieldName(name), reason);

    public long? OptionalInteger(string name, long min, long max)
    {
        var token = Get(name);
        if (token is null)
        {
            return null;
        }

        return ToInteger(token, FieldName(name), min, max);
    }

    public int? OptionalInt(string name, int min, int max) => (int?)OptionalInteger(name, min, max);

    public int RequiredInt(string name, int min, int max) =>
        OptionalInt(name, min, max) ?? throw Error(name, "required");

    public byte? OptionalByte(string name, byte min = 0, byte max = 255) => (byte?)OptionalInteger(name, min, max);

    public string? OptionalString(string name, int maxLength = 4096)
    {
        var token = Get(name);
        if (token is null)
        {
            return null;
        }

        if (token.Type != JTokenType.String)
        {
            throw Error(name, "must be a string");
        }

        var value = (string)token!;
        if (value.Length > maxLength)
        {
            throw Error(name, $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters");
        }

        return value;
    }

    public string RequiredString(string name, int maxLength = 4096) =>
        OptionalString(name, maxLength) ?? throw Error(name, "required");

    public bool? OptionalBool(string name)
    {
        var token = Get(name);
        if (token is null)
        {
            return null;
        }

        return token.Type == JTokenType.Boolean ? (bool)token : throw Error(name, "must be true or false");
    }

    /// <summary>A string that must be one of <paramref name="allowed"/> (compared ordinally, case-insensitive).</summary>
    public string? OptionalChoice(string name, params string[] allowed)
    {
        var value = OptionalString(name, 256);
        if (value is null)
        {
            return null;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, value, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        throw Error(name, "must be one of: " + string.Join(", ", allowed));
    }

    public IReadOnlyList<string>? OptionalStringArray(string name, int maxItems = 256)
    {
        var token = Get(name);
        if (token is null)
        {
            return null;
        }

        if (token is not JArray array)
        {
            throw Error(name, "must be an array of strings");
        }

        if (array.Count > maxItems)
        {
            throw Error(name, $"must have at most {maxItems.ToString(CultureInfo.InvariantCulture)} items");
        }

        var result = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i].Type != JTokenType.String)
            {
                throw new RpcParamException(FieldName(name) + Index(i), "must be a string");
            }

            result.Add((string)array[i]!);
        }

        return result;
    }

    /// <summary>An object whose values are all strings, e.g. <c>values</c> of <c>systemInfo.set</c>.</summary>
    public IReadOnlyDictionary<string, string>? OptionalStringMap(string name)
    {
        var token = Get(name);
        if (token is null)
        {
            return null;
        }

        if (token is not JObject obj)
        {
            throw Error(name, "must be an object of strings");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in obj.Properties())
        {
            if (property.Value.Type != JTokenType.String)
            {
                throw new RpcParamException(FieldName(name) + "." + property.Name, "must be a string");
            }

            result[property.Name] = (string)property.Value!;
        }

        return result;
    }

    /// <summary>A nested object, read with the same rules and field paths (<c>change.vlan.id</c>).</summary>
    public ParamReader? OptionalObject(string name)
    {
        var token = Get(name);
        if (token is null)
        {
            return null;
        }

        return token is JObject obj ? new ParamReader(obj, FieldName(name)) : throw Error(name, "must be an object");
    }

    /// <summary>
    /// Bytes given as a hex string (<c>"0102"</c>, <c>"01 02"</c>, <c>"0x01 0x02"</c>, <c>"01,02"</c>) or an int array of
    /// 0–255. Absent → empty.
    /// </summary>
    public byte[] Bytes(string name, int maxLength)
    {
        var token = Get(name);
        if (token is null)
        {
            return [];
        }

        var field = FieldName(name);
        byte[] bytes;
        if (token is JArray array)
        {
            if (array.Count > maxLength)
            {
                throw new RpcParamException(field, $"at most {maxLength.ToString(CultureInfo.InvariantCulture)} bytes");
            }

            bytes = new byte[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                bytes[i] = (byte)ToInteger(array[i], field + Index(i), 0, 255);
            }

            return bytes;
        }

        if (token.Type != JTokenType.String)
        {
            throw new RpcParamException(field, "must be a hex string or an array of integers 0-255");
        }

        bytes = HexBytes.Parse((string)token!) ?? throw new RpcParamException(field, "not a hex string (examples: \"0102\", \"01 02\", \"0x01 0x02\")");
        if (bytes.Length > maxLength)
        {
            throw new RpcParamException(field, $"at most {maxLength.ToString(CultureInfo.InvariantCulture)} bytes");
        }

        return bytes;
    }

    private static string Index(int i) => "[" + i.ToString(CultureInfo.InvariantCulture) + "]";

    private static long ToInteger(JToken token, string field, long min, long max)
    {
        string Range() => $"must be an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
        switch (token.Type)
        {
            case JTokenType.Integer:
                var value = ((JValue)token).Value;
                if (value is BigInteger)
                {
                    throw new RpcParamException(field, Range());
                }

                var n = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return n < min || n > max ? throw new RpcParamException(field, Range()) : n;
            default:
                throw new RpcParamException(field, Range());
        }
    }
}

/// <summary>Hex text ↔ bytes in the forms ipmitool users type.</summary>
public static class HexBytes
{
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Null when the text is not hex.</summary>
    public static byte[]? Parse(string text)
    {
        var tokens = text.Split([' ', '\t', ',', ':', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0)
        {
            return [];
        }

        if (tokens.Length == 1)
        {
            var digits = StripPrefix(tokens[0]);
            if (digits.Length == 0 || digits.Length % 2 != 0)
            {
                // "0x1" or "1" as a lone byte.
                return digits.Length == 1 && IsHex(digits) ? [Convert.ToByte(digits, 16)] : null;
            }

            return IsHex(digits) ? Convert.FromHexString(digits) : null;
        }

        var result = new byte[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            var digits = StripPrefix(tokens[i]);
            if (digits.Length is < 1 or > 2 || !IsHex(digits))
            {
                return null;
            }

            result[i] = Convert.ToByte(digits, 16);
        }

        return result;
    }

    private static string StripPrefix(string token) =>
        token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? token[2..] : token;

    private static bool IsHex(string s) => s.All(char.IsAsciiHexDigit);
}
