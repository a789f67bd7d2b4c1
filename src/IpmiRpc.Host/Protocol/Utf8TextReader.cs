using System.Text;
using System.Text.Unicode;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// Reads already validated UTF-8 bytes as text, decoding straight into the reader's buffer: the JSON reader gets its
/// characters without a string of the whole message being made first. Only block reads are supported (all
/// <see cref="Newtonsoft.Json.JsonTextReader"/> uses). Reads <paramref name="bytes"/> from <paramref name="start"/> up to
/// <paramref name="end"/> (the whole array by default).
/// </summary>
internal sealed class Utf8TextReader(byte[] bytes, int start, int end = -1) : TextReader
{
    private readonly int _end = end < 0 ? bytes.Length : end;
    private int _at = start;
    private char? _lowSurrogate;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var written = 0;
        if (_lowSurrogate is { } pending)
        {
            buffer[0] = pending;
            _lowSurrogate = null;
            written = 1;
        }

        if (_at >= _end)
        {
            return written;
        }

        Utf8.ToUtf16(bytes.AsSpan(_at, _end - _at), buffer[written..], out var read, out var decoded, replaceInvalidSequences: false);
        _at += read;
        written += decoded;
        if (written == 0)
        {
            // Room for one char only and the next character is a surrogate pair: hand out its halves one at a time
            // (returning 0 would mean the end of the input).
            Rune.DecodeFromUtf8(bytes.AsSpan(_at, _end - _at), out var rune, out var consumed);
            Span<char> pair = stackalloc char[2];
            rune.EncodeToUtf16(pair);
            _at += consumed;
            buffer[0] = pair[0];
            _lowSurrogate = pair[1];
            written = 1;
        }

        return written;
    }
}
