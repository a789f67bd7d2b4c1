using System.Collections.Concurrent;
using System.Diagnostics;
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
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JObject>> _waiting = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _outPump;
    private readonly Task _errPump;
    private readonly SemaphoreSlim _write = new(1, 1);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId = 1000;

    private RawHost(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _outPump = Task.Run(PumpOutAsync);
        _errPump = Task.Run(PumpErrAsync);
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StdErr
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public string StdOut
    {
        get
        {
            lock (_stdout)
                return _stdout.ToString();
        }
    }

    public static RawHost Start(IEnumerable<string>? args = null, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(IpmiRpcProcess.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        foreach (var a in args ?? [])
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
            psi.Environment[k] = v;
        return new RawHost(Process.Start(psi) ?? throw new InvalidOperationException("could not start ipmirpc"));
    }

    public async Task WriteAsync(byte[] bytes)
    {
        await _write.WaitAsync();
        try
        {
            await _stdin.WriteAsync(bytes);
            await _stdin.FlushAsync();
        }
        finally
        {
            _write.Release();
        }
    }

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
            var done = await Task.WhenAny(tcs.Task, Task.Delay(timeout), _stdoutClosed.Task);
            if (done != tcs.Task && !tcs.Task.IsCompleted)
            {
                var why = done == _stdoutClosed.Task ? "ipmirpc closed its stdout" : $"no answer within {timeout.TotalSeconds:0.#} s";
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

    public async Task<int> CloseAndWaitAsync(TimeSpan timeout)
    {
        try
        {
            _stdin.Close();
        }
        catch (IOException)
        {
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        await Task.WhenAny(Task.WhenAll(_outPump, _errPump), Task.Delay(5000));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await CloseAndWaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }

        await Task.WhenAny(Task.WhenAll(_outPump, _errPump), Task.Delay(5000));
        _process.Dispose();
        _write.Dispose();
    }

    public static string Tail(string s, int n = 3000) => s.Length <= n ? s : s[^n..];

    private async Task PumpOutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_stdout)
                    _stdout.Append(line).Append('\n');
                if (line.Length > 0 && line[0] == '{')
                {
                    try
                    {
                        if (JToken.Parse(line) is JObject o && o["id"] is JValue { Type: JTokenType.Integer } id
                            && _waiting.TryRemove(id.ToString(Formatting.None), out var tcs))
                        {
                            tcs.TrySetResult(o);
                            continue;
                        }
                    }
                    catch (JsonException)
                    {
                    }
                }

                _lines.Writer.TryWrite(line);
            }
        }
        catch (IOException)
        {
        }
        finally
        {
            _lines.Writer.TryComplete();
            _stdoutClosed.TrySetResult();
        }
    }

    private async Task PumpErrAsync()
    {
        try
        {
            var buffer = new char[8192];
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
    }
}
