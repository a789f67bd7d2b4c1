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
    private readonly Stream _stdout;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string>> _waiting = new();
    private readonly List<Batch> _batches = [];
    private readonly Thread _reader;
    private readonly StringBuilder _stderr = new();
    private long _nextId;
    private int _errors;

    private RpcClient(Process? process, Stream stdin, Stream stdout)
    {
        _process = process;
        _stdin = stdin;
        _stdout = stdout;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "rpc-reader" };
        _reader.Start();
    }

    public int Pid => _process?.Id ?? Environment.ProcessId;

    /// <summary>A client over in-memory streams (the host running in this process).</summary>
    public static RpcClient Over(Stream requests, Stream responses) => new(null, requests, responses);

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
        var client = new RpcClient(p, p.StandardInput.BaseStream, p.StandardOutput.BaseStream);
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
    /// <remarks>
    /// The reader thread files each answer of the batch in its slot and completes one task when the last arrives: a
    /// task per answer with asynchronous continuations queued ~1,000 thread-pool items a burst round in this process,
    /// and on 2 cores the driver's CPU (16–58 ms a round, as much as the server's) moved the rounds it measured.
    /// </remarks>
    public async Task<string[]> CallManyAsync(IReadOnlyList<(string Method, string Params)> calls, TimeSpan timeout)
    {
        var sb = new StringBuilder();
        var firstId = Interlocked.Add(ref _nextId, calls.Count) - calls.Count + 1;
        var batch = new Batch(firstId, calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            sb.Append(Line(firstId + i, calls[i].Method, calls[i].Params));
        }

        lock (_batches)
        {
            _batches.Add(batch);
        }

        try
        {
            if (calls.Count == 0)
            {
                return [];
            }

            await _stdin.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
            await _stdin.FlushAsync();
            await batch.Done.Task.WaitAsync(timeout);
            return batch.Answers!;
        }
        finally
        {
            lock (_batches)
            {
                _batches.Remove(batch);
            }
        }
    }

    /// <summary>Requests with consecutive ids whose answers complete one task.</summary>
    private sealed class Batch(long firstId, int count)
    {
        public long FirstId { get; } = firstId;
        public string[] Answers { get; } = new string[count];
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _remaining = count;

        public bool TryFile(long id, string line)
        {
            var index = id - FirstId;
            if (index < 0 || index >= Answers.Length || Answers[index] is not null)
            {
                return false;
            }

            Answers[index] = line;
            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                Done.TrySetResult();
            }

            return true;
        }
    }

    private bool TryFileInBatch(long id, string line)
    {
        lock (_batches)
        {
            foreach (var batch in _batches)
            {
                if (batch.TryFile(id, line))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string Line(long id, string method, string paramsJson) =>
        $"{{\"jsonrpc\":\"2.0\",\"id\":{id.ToString(CultureInfo.InvariantCulture)},\"method\":\"{method}\",\"params\":{paramsJson}}}\n";

    /// <summary>
    /// Reads the answers as bytes and finds each one's id with a <see cref="Utf8JsonReader"/>: the driver shares the two
    /// cores with the server it measures, and a <c>StreamReader</c> line plus a <c>JsonDocument</c> per answer cost it
    /// ~12 µs an answer, a third of the server's own CPU in a burst round.
    /// </summary>
    private void ReadLoop()
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = _stdout.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                break;
            }

            var scanned = filled;
            filled += read;
            var lineStart = 0;
            int newline;
            while ((newline = buffer.AsSpan(scanned, filled - scanned).IndexOf((byte)'\n')) >= 0)
            {
                var lineEnd = scanned + newline;
                OnLine(buffer.AsSpan(lineStart, lineEnd - lineStart));
                lineStart = scanned = lineEnd + 1;
            }

            buffer.AsSpan(lineStart, filled - lineStart).CopyTo(buffer);
            filled -= lineStart;
        }

        foreach (var tcs in _waiting.Values)
        {
            tcs.TrySetException(new EndOfStreamException("ipmirpc closed its stdout\n" + StdErr));
        }

        lock (_batches)
        {
            foreach (var batch in _batches)
            {
                batch.Done.TrySetException(new EndOfStreamException("ipmirpc closed its stdout\n" + StdErr));
            }
        }
    }

    private void OnLine(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty || utf8.Trim((byte)'\r').IsEmpty)
        {
            return;
        }

        var line = Encoding.UTF8.GetString(utf8);
        long? id = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("not an object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isId = reader.ValueTextEquals("id"u8);
                var isError = !isId && reader.ValueTextEquals("error"u8);
                reader.Read();
                if (isId && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
                {
                    id = value;
                }

                if (isError)
                {
                    var errorStart = (int)reader.TokenStartIndex;
                    reader.Skip();
                    Interlocked.Increment(ref _errors);
                    LastError = Encoding.UTF8.GetString(utf8[errorStart..((int)reader.BytesConsumed)]);
                    continue;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            Interlocked.Increment(ref _errors);
            LastError = "unparsable line: " + line;
            return;
        }

        if (id is { } known && !TryFileInBatch(known, line) && _waiting.TryRemove(known, out var tcs))
        {
            tcs.TrySetResult(line);
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
