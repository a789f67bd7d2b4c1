using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// <c>ipmirpc serve --socket PATH</c>, the real process: many connections, one session pool; per-connection framing
/// and guard; socket mode 0600 and the peer-uid check; idle exit and SIGTERM close the BMC sessions (ipmi_sim agrees)
/// and remove the socket.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SocketServerTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-sock-").FullName;

    private string SocketPath => Path.Combine(_dir, "ipmirpc.sock");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static JObject Target(IpmiSim sim) => new()
    {
        ["host"] = sim.Host,
        ["port"] = sim.Port,
        ["username"] = sim.User,
        ["password"] = sim.Password,
        ["cipherSuite"] = 3,
    };

    private async Task<SocketServerProcess> StartServerAsync(int idleExitSeconds)
    {
        var process = await IpmiRpcProcess.StartAsync(["serve", "--socket", SocketPath, "--idle-exit",
            idleExitSeconds.ToString(CultureInfo.InvariantCulture), "--log-level", "debug"]);
        var server = new SocketServerProcess(process);
        try
        {
            await SocketRpcClient.WaitForSocketAsync(SocketPath, process, Wait);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The server process; disposing sends SIGTERM (closing stdin means nothing to a socket server).</summary>
    private sealed class SocketServerProcess(IpmiRpcProcess process) : IAsyncDisposable
    {
        public IpmiRpcProcess Process { get; } = process;

        public bool HasExited => Process.HasExited;

        public string StdErrText => Process.StdErrText;

        public string StdOutText => Process.StdOutText;

        public int ProcessId => Process.ProcessId;

        public Task<int> WaitForExitAsync(TimeSpan timeout) => Process.CloseInputAndWaitAsync(timeout);

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                await SocketRpcClient.SignalAsync(Process.ProcessId, "TERM");
                try
                {
                    await Process.CloseInputAndWaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (TimeoutException)
                {
                }
            }

            await Process.DisposeAsync();
        }
    }

    private static JToken Result(JObject response, SocketServerProcess server) =>
        response["result"] ?? throw new Xunit.Sdk.XunitException($"error: {response["error"]}\n--- server stderr ---\n{server.StdErrText}");

    [Fact]
    public async Task Two_concurrent_clients_share_one_session_and_sigterm_closes_it()
    {
        await using var sim = await IpmiSim.StartAsync();
        var activeBefore = await ActiveSessionsAsync(sim);
        await using var server = await StartServerAsync(idleExitSeconds: 120);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));

        using var a = await SocketRpcClient.ConnectAsync(SocketPath);
        using var b = await SocketRpcClient.ConnectAsync(SocketPath);
        const int perClient = 4;
        async Task<List<JObject>> Run(SocketRpcClient client) =>
            [.. await Task.WhenAll(Enumerable.Range(0, perClient).Select(_ => client.CallAsync("bmc.getDeviceId", new JObject { ["target"] = Target(sim) }, Wait)))];
        var answers = await Task.WhenAll(Run(a), Run(b));
        foreach (var response in answers.SelectMany(x => x))
        {
            SchemaValidator.AssertValid("bmc.getDeviceId", response);
            Assert.NotNull(Result(response, server)["firmwareVersion"]);
        }

        var fromA = (JArray)Result(await a.CallAsync("sessions.list", new JObject(), Wait), server);
        var fromB = (JArray)Result(await b.CallAsync("sessions.list", new JObject(), Wait), server);
        SchemaValidator.AssertValid("sessions.list", new JObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = fromA });
        var session = Assert.Single(fromA);
        Assert.Equal((string)session["id"]!, (string)Assert.Single(fromB)["id"]!);
        // Both connections' requests went through the one pooled session.
        Assert.True((long)session["requestCount"]! >= 2 * perClient, session.ToString());

        // A third, later connection still finds it: sessions outlive the connections that used them.
        a.Dispose();
        b.Dispose();
        using (var c = await SocketRpcClient.ConnectAsync(SocketPath))
        {
            Result(await c.CallAsync("bmc.getDeviceId", new JObject { ["target"] = Target(sim) }, Wait), server);
            var later = Assert.Single((JArray)Result(await c.CallAsync("sessions.list", new JObject(), Wait), server));
            Assert.Equal((string)session["id"]!, (string)later["id"]!);
            Assert.True((long)later["requestCount"]! > (long)session["requestCount"]!);
        }

        var activeWithServer = await ActiveSessionsAsync(sim);
        Assert.Equal(0, await SocketRpcClient.SignalAsync(server.ProcessId, "TERM"));
        Assert.Equal(0, await server.WaitForExitAsync(Wait));
        Assert.False(File.Exists(SocketPath), "socket file left behind");
        Assert.Contains("Closed 1 sessions", server.StdErrText, StringComparison.Ordinal);
        Assert.Equal("", server.StdOutText);
        var after = await ActiveSessionsAsync(sim);
        output.WriteLine($"simulator sessions: {activeBefore} before, {activeWithServer} with the server, {after} after SIGTERM");
        Assert.Equal(activeBefore + 1, activeWithServer);
        Assert.Equal(activeBefore, after);
    }

    [Fact]
    public async Task Idle_exit_waits_for_open_connections_then_closes_sessions_and_removes_the_socket()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var server = await StartServerAsync(idleExitSeconds: 1);
        using (var client = await SocketRpcClient.ConnectAsync(SocketPath))
        {
            Result(await client.CallAsync("bmc.getDeviceId", new JObject { ["target"] = Target(sim) }, Wait), server);
            var withServer = await ActiveSessionsAsync(sim);
            // An open connection is not idle, however quiet it is: the server says when its idle check found the idle
            // time passed with the connection open, and it must still serve then; the idle exit comes only after the
            // connection closed.
            await Poll.UntilAsync(
                () => server.StdErrText.Contains("Idle time passed with 1 connection(s) open", StringComparison.Ordinal) || server.HasExited,
                "the idle check to pass over the open connection");
            Assert.False(server.HasExited, server.StdErrText);
            JObject listed;
            try
            {
                listed = await client.CallAsync("sessions.list", new JObject(), Wait);
            }
            catch (IOException ex)
            {
                throw new Xunit.Sdk.XunitException($"the server dropped an open, quiet connection: {ex.Message}\n--- server stderr ---\n{server.StdErrText}");
            }

            Assert.Single((JArray)Result(listed, server));
            Assert.DoesNotContain("exiting", server.StdErrText, StringComparison.Ordinal);

            client.Dispose();
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("No connection for 1 s: exiting", server.StdErrText, StringComparison.Ordinal);
            var after = await ActiveSessionsAsync(sim);
            output.WriteLine($"simulator sessions: {withServer} with the server, {after} after the idle exit");
            Assert.Equal(withServer - 1, after);
        }

        Assert.False(File.Exists(SocketPath), "socket file left behind");
        Assert.Contains("Closed 1 sessions", server.StdErrText, StringComparison.Ordinal);
        Assert.Equal("", server.StdOutText);
    }

    [Fact]
    public async Task Bad_input_on_one_connection_does_not_affect_others_and_framing_is_per_connection()
    {
        await using var server = await StartServerAsync(idleExitSeconds: 60);
        using var bad = await SocketRpcClient.ConnectAsync(SocketPath);
        using var good = await SocketRpcClient.ConnectAsync(SocketPath);
        using var headers = await SocketRpcClient.ConnectAsync(SocketPath);

        await bad.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n");
        var parseError = await bad.ReadMessageAsync(Wait);
        Assert.Equal(-32700, (int)parseError!["error"]!["code"]!);

        // Header framing on one connection while the others speak ndjson.
        const string body = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"sessions.list\"}";
        await headers.SendRawAsync($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");
        var framed = await headers.ReadRawAsync("Content-Length: ", Wait);
        Assert.StartsWith("Content-Length: ", framed, StringComparison.Ordinal);
        Assert.Contains("\"id\":7", framed, StringComparison.Ordinal);

        var discover = await good.CallAsync("rpc.discover", null, Wait);
        Assert.NotNull(Result(discover, server)["methods"]);

        // A client that dies mid-message (reset, half a line) takes nothing down either.
        using (var dying = await SocketRpcClient.ConnectAsync(SocketPath))
        {
            await dying.SendRawAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"meth");
            dying.Abort();
        }

        Assert.IsType<JArray>(Result(await good.CallAsync("sessions.list", new JObject(), Wait), server));
        Assert.IsType<JArray>(Result(await bad.CallAsync("sessions.list", new JObject(), Wait), server));
        Assert.False(server.HasExited);
        Assert.Equal("", server.StdOutText);
    }

    [Fact]
    public async Task A_live_server_is_never_replaced_a_stale_socket_is_and_other_files_are_left_alone()
    {
        // A stale socket: bound by a process that died without unlinking it (.NET would unlink it on Dispose).
        var bind = await ProcessRunner.RunAsync("/usr/bin/python3",
            ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", SocketPath], timeout: Wait);
        Assert.True(bind.Succeeded && File.Exists(SocketPath), bind.ToString());
        await using var server = await StartServerAsync(idleExitSeconds: 60);
        using var client = await SocketRpcClient.ConnectAsync(SocketPath);
        Assert.IsType<JArray>(Result(await client.CallAsync("sessions.list", new JObject(), Wait), server));

        var second = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["serve", "--socket", SocketPath], timeout: Wait);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains(SocketPath, second.StdErr, StringComparison.Ordinal);
        Assert.Equal("", second.StdOut);
        Assert.IsType<JArray>(Result(await client.CallAsync("sessions.list", new JObject(), Wait), server));

        var regular = Path.Combine(_dir, "not-a-socket");
        await File.WriteAllTextAsync(regular, "keep me");
        var refused = await ProcessRunner.RunAsync(IpmiRpcProcess.ExecutablePath, ["serve", "--socket", regular], timeout: Wait);
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("keep me", await File.ReadAllTextAsync(regular));
    }

    [Fact]
    public async Task A_peer_running_as_another_user_is_disconnected_unanswered()
    {
        if (Environment.UserName != "root")
        {
            // Acting as another uid needs root; the 0600 mode (checked above) already keeps other users out.
            output.WriteLine("not root: cannot connect as another uid here");
            return;
        }

        // Loosen what the mode would otherwise enforce, so only the SO_PEERCRED check stands in the way.
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        await using var server = await StartServerAsync(idleExitSeconds: 60);
        File.SetUnixFileMode(SocketPath, (UnixFileMode)0b110_110_110);
        const string probe = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(sys.argv[1])
            try:
                s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"sessions.list"}\n')
                print('received:%r' % s.recv(65536))
            except OSError as e:
                print('received:error:%s' % e)
            """;
        var asNobody = await ProcessRunner.RunAsync(Require.Tool("setpriv"),
            ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", probe, SocketPath], timeout: Wait);
        var asOwner = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", probe, SocketPath], timeout: Wait);

        Assert.True(asNobody.Succeeded, asNobody.ToString());
        Assert.Matches("received:(b''|error:)", asNobody.StdOut);
        Assert.Contains("Closed a connection from uid 65534", server.StdErrText, StringComparison.Ordinal);
        Assert.Contains("\"result\"", asOwner.StdOut, StringComparison.Ordinal);
    }

    /// <summary>
    /// "active sessions" from <c>ipmitool session info active</c> (Get Session Info; ipmitool's own session counts too).
    /// </summary>
    private static async Task<int> ActiveSessionsAsync(IpmiSim sim)
    {
        var info = await IpmiTool.RunAsync(sim, "session", "info", "active");
        foreach (var line in info.StdOut.Split('\n'))
        {
            if (line.TrimStart().StartsWith("active sessions", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
        }

        throw new Xunit.Sdk.XunitException($"no active session count in ipmitool's answer: {info}");
    }
}

/// <summary>A newline-delimited JSON-RPC client on a Unix socket (tests only): ids matched, other messages queued.</summary>
internal sealed class SocketRpcClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _readLock = new(1, 1);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Queue<JObject> _unclaimed = new();
    private readonly StringBuilder _buffer = new();
    private long _nextId;

    private SocketRpcClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public static async Task<SocketRpcClient> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token);
            return new SocketRpcClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Polls until something accepts connections at <paramref name="path"/> (or the server exits).</summary>
    public static async Task WaitForSocketAsync(string path, IpmiRpcProcess server, TimeSpan timeout)
    {
        var listening = false;
        await Poll.UntilAsync(async () =>
        {
            if (server.HasExited || !File.Exists(path))
                return server.HasExited;
            try
            {
                using var probe = await ConnectAsync(path);
                return listening = true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"a server on {path}", timeout, TimeSpan.FromMilliseconds(50));
        if (!listening)
            throw new TimeoutException($"no server on {path} (exited: {server.HasExited})\n--- stderr ---\n{server.StdErrText}");
    }

    /// <summary>The peer's pid from SO_PEERCRED (struct ucred { pid; uid; gid; }).</summary>
    public int PeerPid()
    {
        Span<byte> ucred = stackalloc byte[12];
        Assert.Equal(12, _socket.GetRawSocketOption(1, 17, ucred));
        return MemoryMarshal.Read<int>(ucred);
    }

    /// <summary>kill -SIGNAL pid; returns kill's exit code.</summary>
    public static async Task<int> SignalAsync(int pid, string signal) =>
        (await ProcessRunner.RunAsync("/bin/kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(10))).ExitCode;

    public async Task SendRawAsync(string text)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
            await _stream.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<JObject> CallAsync(string method, JObject? @params, TimeSpan timeout)
    {
        var id = Interlocked.Increment(ref _nextId);
        var request = new JObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method };
        if (@params is not null)
            request["params"] = @params;
        await SendRawAsync(request.ToString(Formatting.None) + "\n");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!await _readLock.WaitAsync(deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero))
                throw new TimeoutException($"{method} (id {id}): no response within {timeout.TotalSeconds:0.#} s");
            try
            {
                var mine = _unclaimed.FirstOrDefault(m => m["id"]?.Type == JTokenType.Integer && (long)m["id"]! == id);
                if (mine is not null)
                {
                    var rest = _unclaimed.Where(m => !ReferenceEquals(m, mine)).ToList();
                    _unclaimed.Clear();
                    rest.ForEach(_unclaimed.Enqueue);
                    return mine;
                }

                var remaining = deadline - DateTime.UtcNow;
                if (remaining <= TimeSpan.Zero)
                    throw new TimeoutException($"{method} (id {id}): no response within {timeout.TotalSeconds:0.#} s");
                var line = await ReadLineAsync(remaining) ?? throw new IOException($"{method} (id {id}): connection closed");
                _unclaimed.Enqueue(JObject.Parse(line));
            }
            finally
            {
                _readLock.Release();
            }
        }
    }

    /// <summary>The next message nobody waits for.</summary>
    public async Task<JObject?> ReadMessageAsync(TimeSpan timeout)
    {
        if (!await _readLock.WaitAsync(timeout))
            return null;
        try
        {
            if (_unclaimed.Count > 0)
                return _unclaimed.Dequeue();
            return await ReadLineAsync(timeout) is { } line ? JObject.Parse(line) : null;
        }
        finally
        {
            _readLock.Release();
        }
    }

    /// <summary>Raw text until it holds a complete header-framed message starting with <paramref name="prefix"/>.</summary>
    public async Task<string> ReadRawAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var chunk = new byte[65536];
        while (true)
        {
            var text = _buffer.ToString();
            var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (text.StartsWith(prefix, StringComparison.Ordinal) && headerEnd > 0
                && int.TryParse(text[prefix.Length..headerEnd], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length)
                && text.Length >= headerEnd + 4 + length)
            {
                _buffer.Clear();
                return text;
            }

            var n = await _stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
                return text;
            _buffer.Append(Encoding.UTF8.GetString(chunk, 0, n));
        }
    }

    private async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var chunk = new byte[65536];
        while (true)
        {
            var text = _buffer.ToString();
            var newline = text.IndexOf('\n', StringComparison.Ordinal);
            if (newline >= 0)
            {
                _buffer.Remove(0, newline + 1);
                return text[..newline];
            }

            var n = await _stream.ReadAsync(chunk, cts.Token);
            if (n == 0)
                return null;
            _buffer.Append(Encoding.UTF8.GetString(chunk, 0, n));
        }
    }

    /// <summary>Closes with a reset (SO_LINGER 0) instead of an orderly shutdown.</summary>
    public void Abort()
    {
        _socket.LingerState = new LingerOption(true, 0);
        Dispose();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _socket.Dispose();
    }
}
