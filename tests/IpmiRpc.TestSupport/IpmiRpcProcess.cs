using System.Collections.Concurrent;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.TestSupport;

/// <summary>
/// The built <c>ipmirpc</c> host as a child process: newline-delimited JSON-RPC on its stdin/stdout.
/// Every stdout line is parsed; responses are matched to <see cref="CallAsync"/> by id, everything else
/// (and every response nobody waits for) is queued for <see cref="ReadMessageAsync"/>.
/// </summary>
public sealed class IpmiRpcProcess : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JObject>> _pending = new();
    private readonly System.Threading.Channels.Channel<JObject> _unsolicited =
        System.Threading.Channels.Channel.CreateUnbounded<JObject>();
    private readonly StdioProcess _process;
    private long _nextId;

    private IpmiRpcProcess(string exe, IEnumerable<string> args, IDictionary<string, string>? env) =>
        _process = StdioProcess.Start(exe, args, env, workingDirectory: null, OnStdoutLine, () => _unsolicited.Writer.TryComplete());

    /// <summary>Path of the host executable: IPMIRPC_EXE, else src/IpmiRpc.Host/bin/&lt;config&gt;/net10.0/ipmirpc.</summary>
    public static string ExecutablePath
    {
        get
        {
            var overridden = Environment.GetEnvironmentVariable("IPMIRPC_EXE");
            if (!string.IsNullOrEmpty(overridden))
                return overridden;
            return Path.Combine(RepoPaths.Root, "src", "IpmiRpc.Host", "bin", RepoPaths.Configuration, "net10.0", "ipmirpc");
        }
    }

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the host wrote to stderr so far.</summary>
    public string StdErrText => _process.StdErrText;

    /// <summary>Everything the host wrote to stdout so far, verbatim.</summary>
    public string StdOutText => _process.StdOutText;

    /// <param name="args">Command line, split on whitespace (no quoting needed in tests).</param>
    /// <param name="env">Extra environment variables (e.g. a password for passwordEnv).</param>
    public static Task<IpmiRpcProcess> StartAsync(string? args = null, IDictionary<string, string>? env = null) =>
        StartAsync(args?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], env);

    public static Task<IpmiRpcProcess> StartAsync(IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        StartExecutableAsync(ExecutablePath, args, env);

    /// <summary>Starts any executable speaking newline-delimited JSON-RPC (e.g. a published build).</summary>
    public static Task<IpmiRpcProcess> StartExecutableAsync(string exe, IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        Task.FromResult(new IpmiRpcProcess(exe, args, env));

    /// <summary>Writes one line (a newline is appended) to the host's stdin.</summary>
    public Task SendLineAsync(string raw) => _process.WriteAsync(raw + "\n");

    /// <summary>Writes raw bytes/text exactly as given (for header framing or partial lines).</summary>
    public Task SendRawAsync(string raw) => _process.WriteAsync(raw);

    /// <summary>Sends a request with a fresh id and returns the whole response object (result or error).</summary>
    public async Task<JObject> CallAsync(string method, object? @params = null, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = method,
        };
        if (@params is not null)
            request["params"] = @params as JToken ?? JToken.FromObject(@params);
        var tcs = new TaskCompletionSource<JObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        var key = IdKey(new JValue(id));
        _pending[key] = tcs;
        try
        {
            await SendLineAsync(request.ToString(Formatting.None));
            var limit = timeout ?? TimeSpan.FromSeconds(30);
            var done = await Task.WhenAny(tcs.Task, Task.Delay(limit), _process.StdoutClosed);
            if (done == tcs.Task)
                return await tcs.Task;
            if (done == _process.StdoutClosed && tcs.Task.IsCompleted)
                return await tcs.Task;
            var why = done == _process.StdoutClosed ? "ipmirpc closed its stdout" : $"no response within {limit.TotalSeconds:0.#} s";
            throw new TimeoutException($"{method} (id {id}): {why}\n--- stderr ---\n{StdErrText}");
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    /// <summary>The next stdout message not claimed by <see cref="CallAsync"/>, or null after the timeout / at EOF.</summary>
    public async Task<JObject?> ReadMessageAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await _unsolicited.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Closes stdin (EOF) and waits for the process to exit; returns its exit code. Kills it after the timeout.</summary>
    public Task<int> CloseInputAndWaitAsync(TimeSpan timeout) => _process.CloseInputAndWaitAsync(timeout);

    public void CloseInput() => _process.CloseInput();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static string IdKey(JToken? id) => id is null ? "null" : id.Type + ":" + id.ToString(Formatting.None);

    private void OnStdoutLine(string line)
    {
        if (line.Trim().Length == 0)
            return;
        JObject? message;
        try
        {
            message = JToken.Parse(line) as JObject;
        }
        catch (JsonReaderException)
        {
            message = new JObject { ["$unparsed"] = line };
        }

        if (message is null)
        {
            // A batch answer (array) or other value: hand it over wrapped.
            message = new JObject { ["$value"] = JToken.Parse(line) };
        }

        if (message["id"] is { } id && (message.ContainsKey("result") || message.ContainsKey("error"))
            && _pending.TryRemove(IdKey(id), out var tcs))
        {
            tcs.TrySetResult(message);
            return;
        }

        _unsolicited.Writer.TryWrite(message);
    }
}
