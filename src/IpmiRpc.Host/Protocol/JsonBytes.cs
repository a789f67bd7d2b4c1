using System.Buffers;
using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// Writes one JSON message straight to its UTF-8 bytes through Newtonsoft's <see cref="JsonTextWriter"/>, into a
/// per-thread character buffer: no intermediate <see cref="JToken"/> tree, string or <see cref="StringWriter"/> per
/// message, only the returned array. The text is exactly what <c>JToken.ToString(Formatting.None)</c> gives.
/// </summary>
internal static class JsonBytes
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Up to this many characters a rented answer is encoded into room for the longest encoding, in one pass.</summary>
    private const int OnePassChars = 16 * 1024;

    [ThreadStatic]
    private static Scratch? t_scratch;

    public static byte[] Write(JToken token) => Write(token, static (writer, t) => t.WriteTo(writer));

    /// <summary>Runs <paramref name="write"/> on a writer at the start of a message; what it wrote, as UTF-8. Nothing is kept if it throws.</summary>
    public static byte[] Write<TState>(TState state, Action<JsonWriter, TState> write) => Write(state, write, rent: false).Array!;

    /// <summary>
    /// As <see cref="Write{TState}(TState, Action{JsonWriter, TState})"/>, into an array rented from
    /// <see cref="ArrayPool{T}.Shared"/>: the caller returns it once the bytes are written.
    /// </summary>
    public static ArraySegment<byte> WriteRented<TState>(TState state, Action<JsonWriter, TState> write) => Write(state, write, rent: true);

    private static ArraySegment<byte> Write<TState>(TState state, Action<JsonWriter, TState> write, bool rent)
    {
        // Taken off the thread while in use: a nested call (a converter that serializes a message) gets its own.
        var scratch = t_scratch ?? new Scratch();
        t_scratch = null;
        var complete = false;
        try
        {
            write(scratch.Writer, state);
            scratch.Writer.Flush();
            var written = scratch.Buffer.Written;
            byte[] bytes;
            int length;
            if (rent && written.Length <= OnePassChars)
            {
                // Room for the longest encoding (3 bytes per UTF-16 unit): one pass instead of counting first.
                bytes = ArrayPool<byte>.Shared.Rent(written.Length * 3);
                length = Utf8.GetBytes(written, bytes);
            }
            else
            {
                length = Utf8.GetByteCount(written);
                bytes = rent ? ArrayPool<byte>.Shared.Rent(length) : new byte[length];
                Utf8.GetBytes(written, bytes);
            }
            // A writer back at the start (one whole value written) writes the next message as a new one would; a
            // writer left anywhere else, or by an exception, is dropped.
            complete = scratch.Writer.WriteState == WriteState.Start;
            return new ArraySegment<byte>(bytes, 0, length);
        }
        finally
        {
            scratch.Buffer.Reset();
            if (complete)
            {
                t_scratch = scratch;
            }
        }
    }

    /// <summary>
    /// A thread's buffer and the writer over it, kept between messages: a new <see cref="JsonTextWriter"/> per message
    /// cost the writer, its position stack and its number buffer every time.
    /// </summary>
    private sealed class Scratch
    {
        public Scratch()
        {
            Buffer = new CharBuffer();
            Writer = new JsonTextWriter(Buffer) { CloseOutput = false, ArrayPool = CharPool.Instance };
        }

        public CharBuffer Buffer { get; }

        public JsonTextWriter Writer { get; }
    }

    /// <summary>A growable character buffer from the shared pool; big ones go back to the pool after use.</summary>
    private sealed class CharBuffer() : TextWriter(CultureInfo.InvariantCulture)
    {
        private const int KeptChars = 16 * 1024;
        private char[] _chars = ArrayPool<char>.Shared.Rent(1024);
        private int _length;

        public override Encoding Encoding => Utf8;

        public ReadOnlySpan<char> Written => _chars.AsSpan(0, _length);

        // Newtonsoft writes most of a message a character or a short string at a time: the room check stays here and
        // only growing is a call.
        public override void Write(char value)
        {
            var chars = _chars;
            var length = _length;
            if ((uint)length >= (uint)chars.Length)
            {
                Ensure(1);
                chars = _chars;
            }

            chars[length] = value;
            _length = length + 1;
        }

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(ReadOnlySpan<char> buffer)
        {
            if (_length + buffer.Length > _chars.Length)
            {
                Ensure(buffer.Length);
            }

            buffer.CopyTo(_chars.AsSpan(_length));
            _length += buffer.Length;
        }

        public void Reset()
        {
            _length = 0;
            if (_chars.Length > KeptChars)
            {
                ArrayPool<char>.Shared.Return(_chars);
                _chars = ArrayPool<char>.Shared.Rent(1024);
            }
        }

        private void Ensure(int more)
        {
            if (_length + more <= _chars.Length)
            {
                return;
            }

            var bigger = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + more));
            _chars.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_chars);
            _chars = bigger;
        }
    }

    /// <summary>Newtonsoft's readers and writers take their scratch buffers from the shared pool through this.</summary>
    internal sealed class CharPool : IArrayPool<char>
    {
        public static readonly CharPool Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }
}
