using System.Globalization;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Protocol;

/// <summary>
/// The one writer of protocol bytes: every response goes through here, serialized, in the framing the input used,
/// so concurrent responses never interleave.
/// </summary>
internal sealed class MessageWriter(Stream output) : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _broken;

    public Framing Framing { get; set; } = Framing.Ndjson;

    public async Task WriteAsync(JToken message, CancellationToken cancellationToken = default)
    {
        var json = message.ToString(Formatting.None);
        var body = Utf8.GetBytes(json);
        byte[]? header = Framing == Framing.Headers
            ? Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n\r\n"))
            : null;

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_broken)
            {
                return;
            }

            if (header is not null)
            {
                await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await output.WriteAsync(body, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(Newline, cancellationToken).ConfigureAwait(false);
            }

            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The reader went away (closed pipe). Nothing more can be delivered; keep serving so in-flight work
            // still finishes and sessions close cleanly.
            _broken = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
