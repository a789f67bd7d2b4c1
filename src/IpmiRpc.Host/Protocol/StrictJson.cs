using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// RFC 8259 as written, checked with System.Text.Json's reader (Newtonsoft, which builds the request tree, also
/// takes NaN, Infinity, hex numbers, single quotes, unquoted names, trailing commas and comments), and the exact text
/// of each request's <c>id</c>, so it is echoed byte for byte (<c>1e400</c>, <c>1e2</c>, <c>"\ud800"</c> included)
/// instead of as Newtonsoft re-encodes its value.
/// </summary>
internal static partial class StrictJson
{
    private static readonly JsonReaderOptions Rfc8259 = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 128, // above the guard's own limit of 64, which answers -32600 first
    };

    /// <summary>
    /// Null when <paramref name="utf8"/> is strict JSON; then <paramref name="rawIds"/> holds the id text of the
    /// request (one entry) or of each batch element (null where an element has no usable id). Otherwise the reason.
    /// </summary>
    public static string? Check(ReadOnlySpan<byte> utf8, out List<string?> rawIds)
    {
        rawIds = [];
        var reader = new Utf8JsonReader(utf8, Rfc8259);
        var topIsArray = false;
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartArray when depth == 0:
                        topIsArray = true;
                        continue;
                    case JsonTokenType.EndArray or JsonTokenType.EndObject:
                        continue;
                    case JsonTokenType.PropertyName when depth == (topIsArray ? 2 : 1) && reader.ValueTextEquals("id"u8):
                        reader.Read();
                        if (rawIds.Count > 0 && reader.TokenType is JsonTokenType.Number or JsonTokenType.String or JsonTokenType.Null)
                        {
                            rawIds[^1] = RawText(ref reader);
                        }
                        else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            reader.Skip();
                        }

                        continue;
                }

                // A request (or batch element) starts: a value at the top, or directly inside the top array.
                if (depth == (topIsArray ? 1 : 0) && reader.TokenType != JsonTokenType.PropertyName)
                {
                    rawIds.Add(null);
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return ex.BytePositionInLine is { } position
                ? $"invalid JSON (RFC 8259) near byte {(position + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}"
                : "invalid JSON (RFC 8259)";
        }
    }

    /// <summary>
    /// The id of a message that could not be read whole (a cut or run-on body in header framing), when one is plainly
    /// there and is itself valid JSON; null otherwise.
    /// </summary>
    public static string? RecoverId(ReadOnlySpan<byte> fragment)
    {
        var match = IdMember().Match(Encoding.UTF8.GetString(fragment));
        if (!match.Success)
        {
            return null;
        }

        var candidate = Encoding.UTF8.GetBytes(match.Groups["id"].Value);
        return Check(candidate, out _) is null ? match.Groups["id"].Value : null;
    }

    private static string RawText(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String
            ? "\"" + Encoding.UTF8.GetString(reader.ValueSpan) + "\""
            : Encoding.UTF8.GetString(reader.ValueSpan);

    [GeneratedRegex("\"id\"\\s*:\\s*(?<id>-?[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\"(?:[^\"\\\\]|\\\\.)*\"|null)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IdMember();
}
