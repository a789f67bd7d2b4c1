using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace IpmiRpc.Bench;

/// <summary>
/// The bench client against a responder that answers every request line with a canned response line (the host's
/// own answer, id swapped) without allocating: what the client side of scenario 6 allocates per request, so the
/// host's share can be told apart from the process total.
/// </summary>
public sealed class EchoHost : IAsyncDisposable
{
    private readonly Pipe _requests = new(InMemoryPipes.Options);
    private readonly Pipe _responses = new(InMemoryPipes.Options);
    private readonly Task _responder;

    private EchoHost(string cannedResponse)
    {
        var at = cannedResponse.IndexOf("\"id\":", StringComparison.Ordinal) + 5;
        var end = at;
        while (end < cannedResponse.Length && char.IsAsciiDigit(cannedResponse[end]))
        {
            end++;
        }

        var before = Encoding.UTF8.GetBytes(cannedResponse[..at]);
        var after = Encoding.UTF8.GetBytes(cannedResponse[end..].TrimEnd('\n') + "\n");
        _responder = Task.Run(() => RespondAsync(before, after));
        Client = RpcClient.Over(_requests.Writer.AsStream(), _responses.Reader.AsStream());
    }

    public RpcClient Client { get; }

    public static EchoHost Start(string cannedResponse) => new(cannedResponse);

    private async Task RespondAsync(byte[] before, byte[] after)
    {
        var reader = _requests.Reader;
        var writer = _responses.Writer;
        while (true)
        {
            var read = await reader.ReadAsync();
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } newline)
            {
                var line = buffer.Slice(0, newline);
                var id = IdOf(line.IsSingleSegment ? line.FirstSpan : line.ToArray());
                var span = writer.GetSpan(before.Length + 20 + after.Length);
                before.CopyTo(span);
                Utf8Formatter.TryFormat(id, span[before.Length..], out var digits);
                after.CopyTo(span[(before.Length + digits)..]);
                writer.Advance(before.Length + digits + after.Length);
                await writer.FlushAsync();
                buffer = buffer.Slice(buffer.GetPosition(1, newline));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                await writer.CompleteAsync();
                return;
            }
        }
    }

    private static long IdOf(ReadOnlySpan<byte> line)
    {
        var at = line.IndexOf("\"id\":"u8) + 5;
        Utf8Parser.TryParse(line[at..], out long id, out _);
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        await _requests.Writer.CompleteAsync();
        await _responder.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
