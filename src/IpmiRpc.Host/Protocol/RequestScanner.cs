using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using IpmiRpc.Host.Methods.Declarations;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// One plain request read without building its JSON tree: the envelope (<c>jsonrpc</c>, <c>id</c>, <c>method</c>) is
/// read in place with System.Text.Json's reader, which checks RFC 8259 over the whole message as it goes, and only
/// <c>params</c> becomes a <see cref="JObject"/> — the one a client sent before with the same bytes
/// (<see cref="ParamsMemo"/>), or read from its slice of the message. Anything unusual (a batch, an unknown member,
/// a repeated one, an id that is not a plain integer or an unescaped string, a method the catalog does not know,
/// <c>params</c> that is not an object, any doubt at all) is left to the guard's full reading, which gives every error.
/// </summary>
internal static class RequestScanner
{
    // Below the full reading's limit of 64: what is deeper is left to it, so its error stays the one answered.
    private static readonly JsonReaderOptions Rfc8259 = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 60,
    };

    private const int MaxMethodChars = 128;

    private static readonly Lazy<FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>>> MethodNames = new(() =>
        MethodCatalog.All.Keys.ToFrozenDictionary(n => n, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>());

    /// <summary>
    /// The request in <paramref name="json"/> (valid UTF-8, BOM removed) if it is a plain one; false leaves it to the
    /// full reading. <paramref name="body"/> and <paramref name="offset"/> locate <paramref name="json"/> in its array.
    /// </summary>
    public static bool TryScan(byte[] body, int offset, ParamsMemo memo, out ScannedRequest request)
    {
        request = default;
        var json = body.AsSpan(offset);
        var reader = new Utf8JsonReader(json, Rfc8259);
        string? method = null;
        JToken? id = null;
        JToken? echo = null;
        var hasId = false;
        var hasVersion = false;
        var hasParams = false;
        int paramsStart = 0, paramsEnd = 0;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("jsonrpc"u8))
                {
                    if (hasVersion || !reader.Read() || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals("2.0"u8))
                    {
                        return false;
                    }

                    hasVersion = true;
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    if (hasId || !reader.Read() || !TryReadId(ref reader, out id, out echo))
                    {
                        return false;
                    }

                    hasId = true;
                }
                else if (reader.ValueTextEquals("method"u8))
                {
                    if (method is not null || !reader.Read() || !TryReadMethod(ref reader, out method))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("params"u8))
                {
                    if (hasParams || !reader.Read())
                    {
                        return false;
                    }

                    hasParams = true;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        paramsStart = (int)reader.TokenStartIndex;
                        reader.Skip();
                        paramsEnd = (int)reader.BytesConsumed;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            // The object's end, then nothing but whitespace (the reader throws on a second value).
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || !hasVersion || method is null)
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        JObject? parameters = null;
        if (paramsEnd > paramsStart && !memo.TryGet(body, offset + paramsStart, paramsEnd - paramsStart, out parameters))
        {
            return false;
        }

        request = new ScannedRequest(method, id, echo, parameters, IsNotification: !hasId);
        return true;
    }

    /// <summary>
    /// A plain integer id (the digits as sent are the number's own text) or a string id without escapes; null. Others
    /// (<c>1e2</c>, <c>-0</c>, <c>1.50</c>, escaped text) are echoed byte for byte by the full reading.
    /// </summary>
    private static bool TryReadId(ref Utf8JsonReader reader, out JToken? id, out JToken? echo)
    {
        id = echo = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number when reader.TryGetInt64(out var number) && (number != 0 || reader.ValueSpan.Length == 1):
                id = echo = new JValue(number);
                return true;
            case JsonTokenType.String when !reader.ValueIsEscaped:
                var text = Encoding.UTF8.GetString(reader.ValueSpan);
                id = new JValue(text);
                echo = new JRaw("\"" + text + "\"");
                return true;
            case JsonTokenType.Null:
                id = echo = JValue.CreateNull();
                return true;
            default:
                return false;
        }
    }

    /// <summary>A method name the catalog declares, as the catalog's own string.</summary>
    private static bool TryReadMethod(ref Utf8JsonReader reader, out string? method)
    {
        method = null;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.ValueSpan.Length > MaxMethodChars)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxMethodChars];
        var length = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
        return MethodNames.Value.TryGetValue(chars[..length], out method);
    }
}

/// <summary>A request <see cref="RequestScanner"/> read: its method (a catalog name), id as parsed and as echoed, params.</summary>
internal readonly record struct ScannedRequest(string Method, JToken? Id, JToken? Echo, JObject? Params, bool IsNotification);
