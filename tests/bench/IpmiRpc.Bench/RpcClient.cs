using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IpmiRpc.Bench;

/// <summary>
/// One long-running <c>ipmirpc</c> speaking newline-delimited JSON-RPC over its stdin/stdout. A dedicated thread
/// reads responses and completes the waiter of the matching id; errors are counted, not thrown.
/// </summary>
public sealed class RpcClient : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly Stream _stdin;
    private readonly TextReader _stdout;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _waiting = new();
    private readonly Thread _reader;
    private readonly StringBuilder _stderr = new();
    private long _nextId;
    private int _errors;

    private RpcClient(Process? process, Stream stdin, TextReader stdout)
    {
        _process = process;
        _stdin = stdin;
        _stdout = stdout;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "rpc-reader" };
        _reader.Start();
    }

    public int Pid => _process?.Id ?? Environment.ProcessId;

    /// <summary>A client over in-memory streams (the host running in this process).</summary>
    public static RpcClient Over(Stream requests, TextReader responses) => new(null, requests, responses);

    public int Errors => _errors;

    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public string? LastError { get; private set; }

    public static RpcClient Start(string exe, string pidFile, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("--framing");
        psi.ArgumentList.Add("ndjson");
        // Diagnostics: BENCH_SERVER_ARGS="--log-level debug" adds server options; BENCH_STDERR_GREP=TEXT echoes the
        // server's stderr lines containing TEXT to the driver's stderr (the kept copy is capped).
        foreach (var arg in (Environment.GetEnvironmentVariable("BENCH_SERVER_ARGS") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            psi.ArgumentList.Add(arg);
        }

        var echo = Environment.GetEnvironmentVariable("BENCH_STDERR_GREP");
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {exe}");
        File.AppendAllText(pidFile, p.Id.ToString(CultureInfo.InvariantCulture) + "\n");
        var client = new RpcClient(p, p.StandardInput.BaseStream, p.StandardOutput);
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                if (!string.IsNullOrEmpty(echo) && line.Contains(echo, StringComparison.Ordinal))
                {
                    Console.Error.WriteLine("server: " + line);
                }

                lock (client._stderr)
                {
                    if (client._stderr.Length < 20_000)
                    {
                        client._stderr.AppendLine(line);
                    }
                }
            }
        };
        p.BeginErrorReadLine();
        return client;
    }

    /// <summary>One request; returns the raw response line.</summary>
    public async Task<string> CallAsync(string method, string paramsJson, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.None);
        _waiting[id] = tcs;
        var bytes = Encoding.UTF8.GetBytes(Line(id, method, paramsJson));
        await _stdin.WriteAsync(bytes);
        await _stdin.FlushAsync();
        return await tcs.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Writes every request in one write, then waits for all responses.</summary>
    public async Task<string[]> CallManyAsync(IReadOnlyList<(string Method, string Params)> calls, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var tasks = new Task<string>[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var id = Interlocked.Increment(ref _nextId);
            var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[id] = tcs;
            tasks[i] = tcs.Task;
            sb.Append(Line(id, calls[i].Method, calls[i].Params));
        }

        await _stdin.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
        await _stdin.FlushAsync();
        return await Task.WhenAll(tasks).WaitAsync(timeout);
    }

    private static string Line(long id, string method, string paramsJson) =>
        $"{{\"jsonrpc\":\"2.0\",\"id\":{id.ToString(CultureInfo.InvariantCulture)},\"method\":\"{method}\",\"params\":{paramsJson}}}\n";

    private void ReadLoop()
    {
        while (_stdout.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.TryGetProperty("error", out var error))
                {
                    Interlocked.Increment(ref _errors);
                    LastError = error.GetRawText();
                }

                if (root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.Number
                    && _waiting.TryRemove(idElement.GetInt64(), out var tcs))
                {
                    tcs.TrySetResult(line);
                }
            }
            catch (JsonException)
            {
                Interlocked.Increment(ref _errors);
                LastError = "unparsable line: " + line;
            }
        }

        foreach (var tcs in _waiting.Values)
        {
            tcs.TrySetException(new EndOfStreamException("ipmirpc closed its stdout\n" + StdErr));
        }
    }

    public long PeakRssKb => ProcStatus.ReadKb(Pid, "VmHWM:");

    public long RssKb => ProcStatus.ReadKb(Pid, "VmRSS:");

    /// <summary>CPU time (user + system) the ipmirpc process has used so far, in ms.</summary>
    public double CpuMs => _process is null ? Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds : ProcStatus.CpuMs(_process.Id);

    /// <summary>Closes stdin (ipmirpc then closes its sessions and exits); returns the exit code or -1 if killed.</summary>
    public async Task<int> CloseAsync(TimeSpan timeout)
    {
        try
        {
            _stdin.Close();
        }
        catch (IOException)
        {
        }

        if (_process is null)
        {
            return 0;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            return -1;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await CloseAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
    }
}
