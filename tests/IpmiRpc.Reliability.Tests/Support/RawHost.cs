using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Reliability.Tests.Support;

/// <summary>
/// The built ipmirpc as a child process with byte-level access to its stdin (invalid UTF-8, partial lines, huge
/// lines), its own working directory and environment, and every stdout line kept verbatim.
/// </summary>
public sealed class RawHost : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JObject>> _waiting = new();
    private readonly StdioProcess _process;
    private long _nextId = 1000;

    private RawHost(IEnumerable<string> args, IDictionary<string, string>? env, string? workingDirectory) =>
        _process = StdioProcess.Start(IpmiRpcProcess.ExecutablePath, args, env, workingDirectory, OnStdoutLine, () => _lines.Writer.TryComplete());

    public int Pid => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    public string StdErr => _process.StdErrText;

    public string StdOut => _process.StdOutText;

    public static RawHost Start(IEnumerable<string>? args = null, IDictionary<string, string>? env = null, string? workingDirectory = null) =>
        new(args ?? [], env, workingDirectory);

    public Task WriteAsync(byte[] bytes) => _process.WriteAsync(bytes);

    public Task WriteLineAsync(string line) => WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));

    /// <summary>The next stdout line not claimed by <see cref="CallAsync"/>; null on timeout or EOF.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async Task<JToken?> ReadJsonAsync(TimeSpan timeout) =>
        await ReadLineAsync(timeout) is { } line ? JToken.Parse(line) : null;

    /// <summary>Sends a request with a fresh numeric id; returns its response (claimed by id), or throws on timeout.</summary>
    public async Task<JObject> CallAsync(string method, JToken? @params, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (@params is not null)
            request["params"] = @params;
        return await CallRawAsync(request.ToString(Formatting.None), id, timeout);
    }

    /// <summary>Sends a raw line and waits for the response carrying <paramref name="id"/>.</summary>
    public async Task<JObject> CallRawAsync(string line, long id, TimeSpan timeout)
    {
        var tcs = new TaskCompletionSource<JObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _waiting[key] = tcs;
        try
        {
            await WriteLineAsync(line);
            var done = await Task.WhenAny(tcs.Task, Task.Delay(timeout), _process.StdoutClosed);
            if (done != tcs.Task && !tcs.Task.IsCompleted)
            {
                var why = done == _process.StdoutClosed ? "ipmirpc closed its stdout" : $"no answer within {timeout.TotalSeconds:0.#} s";
                throw new TimeoutException($"id {id}: {why}\n{Tail(StdErr)}");
            }

            return await tcs.Task;
        }
        finally
        {
            _waiting.TryRemove(key, out _);
        }
    }

    public ProcStats Stats() => ProcStats.Of(Pid);

    /// <summary>Closes stdin and returns the exit code; kills the process and throws <see cref="TimeoutException"/> after the timeout.</summary>
    public Task<int> CloseAndWaitAsync(TimeSpan timeout) => _process.CloseInputAndWaitAsync(timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    public static string Tail(string s, int n = 3000) => s.Length <= n ? s : s[^n..];

    private void OnStdoutLine(string line)
    {
        if (line.Length > 0 && line[0] == '{')
        {
            try
            {
                if (JToken.Parse(line) is JObject o && o["id"] is JValue { Type: JTokenType.Integer } id
                    && _waiting.TryRemove(id.ToString(Formatting.None), out var tcs))
                {
                    tcs.TrySetResult(o);
                    return;
                }
            }
            catch (JsonException)
            {
            }
        }

        _lines.Writer.TryWrite(line);
    }
}
