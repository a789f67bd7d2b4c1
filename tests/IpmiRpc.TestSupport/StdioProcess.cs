using System.Diagnostics;
using System.Text;

namespace IpmiRpc.TestSupport;

/// <summary>
/// A child process on piped stdio, the core of <see cref="IpmiRpcProcess"/> (JSON lines) and of drivers that need
/// byte-level stdin: serialized writes, every stdout line kept verbatim and handed to a callback, stderr kept, and a
/// shutdown that closes stdin, waits a bounded time and then kills.
/// </summary>
public sealed class StdioProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<string> _onStdoutLine;
    private readonly Action _onStdoutEnd;
    private readonly Task _stdoutPump;
    private readonly Task _stderrPump;
    private bool _inputClosed;

    private StdioProcess(Process process, Action<string> onStdoutLine, Action onStdoutEnd)
    {
        _process = process;
        _onStdoutLine = onStdoutLine;
        _onStdoutEnd = onStdoutEnd;
        _stdoutPump = Task.Run(PumpStdoutAsync);
        _stderrPump = Task.Run(PumpStderrAsync);
    }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stderr so far.</summary>
    public string StdErrText
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    /// <summary>Everything the process wrote to stdout so far, one '\n' after each line.</summary>
    public string StdOutText
    {
        get
        {
            lock (_stdout)
                return _stdout.ToString();
        }
    }

    /// <summary>Completes once stdout reached EOF (after <c>onStdoutEnd</c> ran).</summary>
    public Task StdoutClosed => _stdoutClosed.Task;

    /// <param name="onStdoutLine">Called on the reading thread for each stdout line, in order, after it was kept.</param>
    /// <param name="onStdoutEnd">Called once when stdout ends (EOF or a broken pipe).</param>
    public static StdioProcess Start(
        string exe,
        IEnumerable<string> args,
        IDictionary<string, string>? env,
        string? workingDirectory,
        Action<string> onStdoutLine,
        Action onStdoutEnd)
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
        if (workingDirectory is not null)
            psi.WorkingDirectory = workingDirectory;
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        if (env is not null)
        {
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
        }

        var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {exe}");
        // Text and byte writes may interleave: the writer must never hold bytes back.
        p.StandardInput.AutoFlush = true;
        p.StandardInput.NewLine = "\n";
        return new StdioProcess(p, onStdoutLine, onStdoutEnd);
    }

    /// <summary>Writes text (UTF-8, no BOM) to stdin exactly as given.</summary>
    public async Task WriteAsync(string text)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteAsync(text);
            await _process.StandardInput.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Writes bytes to stdin exactly as given (invalid UTF-8, partial lines).</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            var stdin = _process.StandardInput.BaseStream;
            await stdin.WriteAsync(bytes);
            await stdin.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
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

        await WaitForPumpsAsync();
        return _process.ExitCode;
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
        await WaitForPumpsAsync();
        _process.Dispose();
        _writeLock.Dispose();
    }

    // A grandchild may hold the pipes open after the process exited: do not wait for it forever.
    private Task WaitForPumpsAsync() =>
        Task.WhenAny(Task.WhenAll(_stdoutPump, _stderrPump), Task.Delay(TimeSpan.FromSeconds(5)));

    private async Task PumpStdoutAsync()
    {
        try
        {
            var reader = _process.StandardOutput;
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (_stdout)
                    _stdout.Append(line).Append('\n');
                _onStdoutLine(line);
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
            _onStdoutEnd();
            _stdoutClosed.TrySetResult();
        }
    }

    private async Task PumpStderrAsync()
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
        catch (ObjectDisposedException)
        {
        }
    }
}
