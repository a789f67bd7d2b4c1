using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using IpmiRpc.Core;
using IpmiRpc.Host.Protocol;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Methods.Declarations;

/// <summary>
/// Turns the <c>params</c> object of a request into a method's params record, by the record's declaration: names
/// (camelCase), types, <c>[Required]</c>, <c>[Range]</c>, <c>[MaxLength]</c>/<c>[MinLength]</c>, enums by their wire
/// names, nested objects with field paths (<c>values.systemName</c>). Every refusal is one <see cref="RpcParamException"/>
/// naming the field and the reason; absent and JSON null mean "not given"; numbers must be JSON integers.
/// </summary>
public sealed class ParamBinder
{
    // Lazy: a thread that asks while another builds the same binder waits for it instead of building it again (a cold
    // `ipmirpc call` asks from its warm-up thread and from the request at once).
    private static readonly ConcurrentDictionary<Type, Lazy<ParamBinder>> Cache = new();

    private readonly Type _type;

    private ParamBinder(Type type)
    {
        _type = type;
        Members = ParamMember.Of(type);
    }

    public IReadOnlyList<ParamMember> Members { get; }

    public static ParamBinder For(Type paramsType) => Cache.GetOrAdd(paramsType, static t => new Lazy<ParamBinder>(() => new ParamBinder(t))).Value;

    /// <summary>
    /// Binds <paramref name="values"/>. Names in <paramref name="common"/> (target, timeoutMs, dryRun: read by the host)
    /// are skipped; any other name the record does not declare is refused.
    /// </summary>
    public object Bind(JObject values, string prefix, IReadOnlySet<string> common)
    {
        var instance = Activator.CreateInstance(_type)
            ?? throw new InvalidOperationException($"{_type.Name} has no parameterless constructor");
        foreach (var property in values.Properties())
        {
            if (!common.Contains(property.Name) && !Members.Any(m => m.Name == property.Name))
            {
                throw new RpcParamException(Path(prefix, property.Name), "unknown parameter");
            }
        }

        foreach (var member in Members)
        {
            var field = Path(prefix, member.Name);
            var token = values.TryGetValue(member.Name, StringComparison.Ordinal, out var t) && t.Type != JTokenType.Null ? t : null;
            if (token is null)
            {
                if (member.IsRequired)
                {
                    throw new RpcParamException(field, "required");
                }

                if (member.Default is { } fallback)
                {
                    member.Property.SetValue(instance, fallback);
                }

                continue;
            }

            member.Property.SetValue(instance, Read(member, member.ValueType, token, field));
        }

        return instance;
    }

    private static string Path(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    private static string Index(string field, int i) => field + "[" + i.ToString(CultureInfo.InvariantCulture) + "]";

    private static object Read(ParamMember member, Type type, JToken token, string field)
    {
        if (type == typeof(bool))
        {
            return token.Type == JTokenType.Boolean ? (bool)token : throw new RpcParamException(field, "must be true or false");
        }

        if (IntegerRange(type) is { } typeRange)
        {
            var (min, max) = member.Range is { } r
                ? (Convert.ToInt64(r.Minimum, CultureInfo.InvariantCulture), Convert.ToInt64(r.Maximum, CultureInfo.InvariantCulture))
                : typeRange;
            return Convert.ChangeType(ReadInteger(token, field, min, max), type, CultureInfo.InvariantCulture);
        }

        if (type == typeof(string))
        {
            if (token.Type != JTokenType.String)
            {
                throw new RpcParamException(field, "must be a string");
            }

            var text = (string)token!;
            var maxLength = member.MaxLength ?? 4096;
            if (text.Length > maxLength)
            {
                throw new RpcParamException(field, $"must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters");
            }

            if (member.MinLength is { } minLength && text.Length < minLength)
            {
                throw new RpcParamException(field, $"must be at least {minLength.ToString(CultureInfo.InvariantCulture)} characters");
            }

            if (member.MaxBytes is { } maxBytes && System.Text.Encoding.UTF8.GetByteCount(text) > maxBytes)
            {
                throw new RpcParamException(field, $"must be at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes (UTF-8)");
            }

            return text;
        }

        if (type.IsEnum)
        {
            var names = EnumNames.Of(type);
            if (token.Type == JTokenType.String)
            {
                var text = (string)token!;
                foreach (var (name, value) in names)
                {
                    if (string.Equals(name, text, StringComparison.Ordinal))
                    {
                        return value;
                    }
                }
            }

            throw new RpcParamException(field, "must be one of: " + string.Join(", ", names.Select(n => n.Name)));
        }

        if (type == typeof(DateTimeOffset))
        {
            return token.Type == JTokenType.String
                   && DateTimeOffset.TryParse((string)token!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? time
                : throw new RpcParamException(field, "must be an ISO 8601 date and time, e.g. 2026-12-05T07:30:00Z");
        }

        if (type == typeof(ByteString))
        {
            return new ByteString(ReadBytes(token, field, member.MaxLength ?? IpmiRequest.MaxDataLength));
        }

        if (type == typeof(CommandSelector))
        {
            return ReadCommand(token, field);
        }

        if (type == typeof(JToken))
        {
            return token;
        }

        if (ElementType(type) is { } element)
        {
            if (token is not JArray array)
            {
                throw new RpcParamException(field, "must be an array");
            }

            var maxItems = member.MaxLength ?? 256;
            if (array.Count > maxItems)
            {
                throw new RpcParamException(field, $"must have at most {maxItems.ToString(CultureInfo.InvariantCulture)} items");
            }

            var items = Array.CreateInstance(element, array.Count);
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i].Type == JTokenType.Null)
                {
                    throw new RpcParamException(Index(field, i), "must not be null");
                }

                items.SetValue(Read(member, element, array[i], Index(field, i)), i);
            }

            return items;
        }

        if (type.IsClass)
        {
            if (token is not JObject nested)
            {
                throw new RpcParamException(field, "must be an object");
            }

            if (member.MinProperties is { } min && nested.Count < min)
            {
                throw new RpcParamException(field, $"must name at least {min.ToString(CultureInfo.InvariantCulture)} member(s)");
            }

            return For(type).Bind(nested, field, EmptySet);
        }

        throw new InvalidOperationException($"Param type {type.Name} of {field} has no binding rule");
    }

    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    /// <summary>The element type of an array or read-only list param, else null.</summary>
    internal static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>The value range of an integer CLR type, else null.</summary>
    internal static (long Min, long Max)? IntegerRange(Type type) =>
        type == typeof(byte) ? (byte.MinValue, byte.MaxValue)
        : type == typeof(ushort) ? (ushort.MinValue, ushort.MaxValue)
        : type == typeof(short) ? (short.MinValue, short.MaxValue)
        : type == typeof(int) ? (int.MinValue, int.MaxValue)
        : type == typeof(uint) ? (uint.MinValue, uint.MaxValue)
        : type == typeof(long) ? (long.MinValue, long.MaxValue)
        : null;

    internal static long ReadInteger(JToken token, string field, long min, long max)
    {
        string Reason() => $"must be an integer from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}";
        if (token.Type != JTokenType.Integer || ((JValue)token).Value is BigInteger)
        {
            throw new RpcParamException(field, Reason());
        }

        var n = Convert.ToInt64(((JValue)token).Value, CultureInfo.InvariantCulture);
        return n < min || n > max ? throw new RpcParamException(field, Reason()) : n;
    }

    private static byte[] ReadBytes(JToken token, string field, int maxLength)
    {
        string TooLong() => $"at most {maxLength.ToString(CultureInfo.InvariantCulture)} bytes";
        if (token is JArray array)
        {
            if (array.Count > maxLength)
            {
                throw new RpcParamException(field, TooLong());
            }

            var bytes = new byte[array.Count];
            for (var i = 0; i < array.Count; i++)
            {
                bytes[i] = (byte)ReadInteger(array[i], Index(field, i), 0, 255);
            }

            return bytes;
        }

        if (token.Type != JTokenType.String)
        {
            throw new RpcParamException(field, "must be a hex string or an array of integers 0-255");
        }

        var parsed = HexBytes.Parse((string)token!)
            ?? throw new RpcParamException(field, "not a hex string (examples: \"0102\", \"01 02\", \"0x01 0x02\")");
        return parsed.Length > maxLength ? throw new RpcParamException(field, TooLong()) : parsed;
    }

    private static CommandSelector ReadCommand(JToken token, string field)
    {
        if (token.Type == JTokenType.String)
        {
            var name = (string)token!;
            return CommandCatalogue.TryGet(name, out var info)
                ? new CommandSelector(null, info)
                : throw new RpcParamException(field, $"'{(name.Length <= 64 ? name : name[..64] + "…")}' is not a command name in the catalogue; give a number and netFn instead");
        }

        return new CommandSelector((byte)ReadInteger(token, field, 0, 255), null);
    }
}
