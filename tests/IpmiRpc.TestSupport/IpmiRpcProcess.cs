using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
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
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdoutRaw = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JObject>> _pending = new();
    private readonly System.Threading.Channels.Channel<JObject> _unsolicited =
        System.Threading.Channels.Channel.CreateUnbounded<JObject>();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private bool _inputClosed;

    private IpmiRpcProcess(Process process)
    {
        _process = process;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

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

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the host wrote to stderr so far.</summary>
    public string StdErrText
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Everything the host wrote to stdout so far, verbatim.</summary>
    public string StdOutText
    {
        get
        {
            lock (_stdoutRaw)
                return _stdoutRaw.ToString();
        }
    }

    /// <param name="args">Command line, split on whitespace (no quoting needed in tests).</param>
    /// <param name="env">Extra environment variables (e.g. a password for passwordEnv).</param>
    public static Task<IpmiRpcProcess> StartAsync(string? args = null, IDictionary<string, string>? env = null) =>
        StartAsync(args?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [], env);

    public static Task<IpmiRpcProcess> StartAsync(IEnumerable<string> args, IDictionary<string, string>? env = null) =>
        StartExecutableAsync(ExecutablePath, args, env);

    /// <summary>Starts any executable speaking newline-delimited JSON-RPC (e.g. a published build).</summary>
    public static Task<IpmiRpcProcess> StartExecutableAsync(string exe, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        if (!File.Exists(exe))
            throw new FileNotFoundException($"ipmirpc not built at {exe} (build the solution, or set IPMIRPC_EXE)", exe);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (env is not null)
        {
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        p.StandardInput.AutoFlush = true;
        p.StandardInput.NewLine = "\n";
        return Task.FromResult(new IpmiRpcProcess(p));
    }

    /// <summary>Writes one line (a newline is appended) to the host's stdin.</summary>
    public async Task SendLineAsync(string raw)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteAsync(raw + "\n");
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes raw bytes/text exactly as given (for header framing or partial lines).</summary>
    public async Task SendRawAsync(string raw)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteAsync(raw);
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

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
            var done = await Task.WhenAny(tcs.Task, Task.Delay(limit), _stdoutClosed.Task);
            if (done == tcs.Task)
                return await tcs.Task;
            if (done == _stdoutClosed.Task && tcs.Task.IsCompleted)
                return await tcs.Task;
            var why = done == _stdoutClosed.Task ? "ipmirpc closed its stdout" : $"no response within {limit.TotalSeconds:0.#} s";
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
    public async Task<int> CloseInputAndWaitAsync(TimeSpan timeout)
    {
        CloseInput();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            ProcessRunner.KillQuietly(_process);
            throw new TimeoutException($"ipmirpc did not exit within {timeout.TotalSeconds:0.#} s after stdin closed\n--- stderr ---\n{StdErrText}");
        }

        await Task.WhenAny(Task.WhenAll(_stdoutPump, _stderrPump), Task.Delay(TimeSpan.FromSeconds(5)));
        return _process.ExitCode;
    }

    public void CloseInput()
    {
        if (_inputClosed)
            return;
        _inputClosed = true;
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await CloseInputAndWaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
            }
        }

        ProcessRunner.KillQuietly(_process);
        await Task.WhenAny(Task.WhenAll(_stdoutPump, _stderrPump), Task.Delay(TimeSpan.FromSeconds(5)));
        _process.Dispose();
        _writeLock.Dispose();
    }

    private static string IdKey(JToken? id) => id is null ? "null" : id.Type + ":" + id.ToString(Formatting.None);

    private async Task PumpStdoutAsync()
    {
        try
        {
            var reader = _process.StandardOutput;
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_stdoutRaw)
                    _stdoutRaw.Append(line).Append('\n');
                if (line.Trim().Length == 0)
                    continue;
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
                    continue;
                }

                _unsolicited.Writer.TryWrite(message);
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            _unsolicited.Writer.TryComplete();
            _stdoutClosed.TrySetResult();
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            var buffer = new char[4096];
            int n;
            while ((n = await _process.StandardError.ReadAsync(buffer)) > 0)
            {
                lock (_stderr)
                    _stderr.Append(buffer, 0, n);
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
