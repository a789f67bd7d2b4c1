using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Host.Hosting;

/// <summary>What <c>ipmirpc connect</c> was given: where the shared server is and how to start one there.</summary>
/// <param name="Socket"><c>auto</c> or a path.</param>
/// <param name="ConnectTimeout">How long a server that accepted the connection has to answer the hello.</param>
/// <param name="StartTimeout">How long to wait for a server to start listening (started by this client or by
/// another one holding the start lock): a cold start on a loaded machine takes seconds.</param>
public sealed record ConnectSettings(string Socket, string? TargetsFile, int MaxSessionAgeSeconds, int IdleExitSeconds, string LogLevel,
    TimeSpan ConnectTimeout, TimeSpan StartTimeout);

/// <summary>
/// <c>ipmirpc connect</c>: finds the shared <c>serve --socket</c> server, starting it when nobody listens (one starter
/// per socket under PATH.start.lock, the others wait for it, boundedly), checks with a hello that it is the same
/// build with the same settings (<see cref="ServerIdentity"/>), and relays stdin/stdout to it. When the server is
/// of another build it starts one of its own build on PATH.&lt;hash&gt;; when none can be reached (unusable path,
/// a server that accepts but does not answer, one that does not start) it says why on stderr, naming the socket
/// and the server's log, and the caller serves in-process instead.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ConnectClient(ConnectSettings settings, ILogger logger)
{
    /// <summary>The shared server's stderr is truncated at its next start once it is larger than this.</summary>
    public const long MaxLogBytes = 1024 * 1024;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private const int MaxStartsPerConnect = 3;

    private readonly ServerIdentity _identity = ServerIdentity.Current(ServerIdentity.DescribeSettings(settings.TargetsFile, settings.MaxSessionAgeSeconds));

    /// <summary>The socket of the server <see cref="ConnectAsync"/> connected to.</summary>
    public string? SocketPath { get; private set; }

    public static string LogPathFor(string socketPath) => socketPath + ".log";

    /// <summary>
    /// Where a client that gave up on a hung server notes its pid, so the next clients (the next Ansible tasks) do not
    /// each wait the whole timeout for it again. Only for as long as that same process holds the socket.
    /// </summary>
    public static string UnresponsivePathFor(string socketPath) => socketPath + ".unresponsive";

    /// <summary>
    /// A socket to a server that answered the hello as this build, or null after saying on stderr why the caller
    /// must serve in-process. Reads nothing from stdin: the caller still has every byte of it for either path.
    /// </summary>
    public async Task<Socket?> ConnectAsync(CancellationToken cancellationToken)
    {
        if (ResolveSocketPath(settings.Socket, Environment.GetEnvironmentVariable, out var problem) is not { } path)
        {
            logger.LogWarning("Serving in-process: cannot use a shared server on {Socket}: {Reason} (server log: {Log})", settings.Socket, problem, LogPathFor(settings.Socket));
            return null;
        }

        for (var attempt = 0; attempt < 2; attempt++)
        {
            var outcome = await ConnectOrStartAsync(path, cancellationToken).ConfigureAwait(false);
            if (outcome.Socket is not { } socket)
            {
                logger.LogWarning("Serving in-process instead of the shared server at {Socket}: {Reason} (server log: {Log})", path, outcome.Problem, LogPathFor(path));
                return null;
            }

            var why = outcome.Server is { } server
                ? _identity.Mismatch(server)
                : "it does not answer the hello (an ipmirpc from before the handshake, or not ipmirpc)";
            if (why is null)
            {
                logger.LogDebug("Connected to the shared server at {Socket} (server pid {Pid})", path, outcome.ServerPid);
                SocketPath = path;
                return socket;
            }

            socket.Dispose();
            var own = path + "." + _identity.ShortHash;
            if (attempt == 1 || path.EndsWith("." + _identity.ShortHash, StringComparison.Ordinal))
            {
                logger.LogWarning("Serving in-process: the shared server at {Socket} must not serve this client: {Reason} (server log: {Log})", path, why, LogPathFor(path));
                return null;
            }

            // Never the old server: a server of this build on a socket named after it, shared by every client of it.
            logger.LogWarning("Not using the shared server at {Socket}: {Reason}; using {Own} instead (server log: {Log})", path, why, own, LogPathFor(own));
            path = own;
        }

        return null;
    }

    /// <summary>
    /// The socket path for <c>--socket</c>: <c>auto</c> is <c>$XDG_RUNTIME_DIR/ipmirpc.sock</c> when that is a
    /// directory of this user's that others cannot enter, else <c>/tmp/ipmirpc-UID/ipmirpc.sock</c> (the directory
    /// created 0700 and checked the same way). Any other value is a path whose directory is created (0700) when missing.
    /// </summary>
    public static string? ResolveSocketPath(string value, Func<string, string?> environment, out string? problem)
    {
        problem = null;
        if (value != "auto")
        {
            try
            {
                var path = Path.GetFullPath(value);
                var directory = Path.GetDirectoryName(path)!;
                if (!Directory.Exists(directory))
                {
                    Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                return path;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                problem = $"cannot create the directory of {value}: {ex.Message}";
                return null;
            }
        }

        var uid = UnixFile.EffectiveUserId;
        if (environment("XDG_RUNTIME_DIR") is { Length: > 0 } runtime && Path.IsPathRooted(runtime) && PrivateDirectoryProblem(runtime, uid) is null)
        {
            return Path.Combine(runtime, "ipmirpc.sock");
        }

        var own = $"/tmp/ipmirpc-{uid}";
        try
        {
            if (UnixFile.TryGetLinkStatus(own) is null)
            {
                Directory.CreateDirectory(own, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot create {own}: {ex.Message}";
            return null;
        }

        // Someone else may have made it first (in /tmp anyone can): only a private directory of ours will do.
        if (PrivateDirectoryProblem(own, uid) is { } refused)
        {
            problem = refused;
            return null;
        }

        return Path.Combine(own, "ipmirpc.sock");
    }

    private static string? PrivateDirectoryProblem(string directory, uint uid) => UnixFile.TryGetLinkStatus(directory) switch
    {
        null => $"{directory} does not exist",
        { IsDirectory: false } => $"{directory} is not a directory (a symlink is not followed)",
        { } s when s.Uid != uid => $"{directory} belongs to uid {s.Uid}, not {uid}",
        { IsSharedWithOthers: true } => $"{directory} is open to group or others (needs mode 0700)",
        _ => null,
    };

    private readonly record struct Outcome(Socket? Socket, ServerIdentity? Server, int ServerPid, string? Problem, bool Absent = false)
    {
        public static Outcome Unreachable(string problem) => new(null, null, 0, problem);

        public static Outcome Nobody(string problem) => new(null, null, 0, problem, Absent: true);
    }

    private async Task<Outcome> ConnectOrStartAsync(string path, CancellationToken cancellationToken)
    {
        var outcome = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
        if (!outcome.Absent)
        {
            return outcome;
        }

        var deadline = Environment.TickCount64 + (long)settings.StartTimeout.TotalMilliseconds;
        var lockPath = path + ".start.lock";
        using var startLock = UnixFile.OpenLockFile(lockPath, out var errno);
        if (startLock.IsInvalid)
        {
            return Outcome.Unreachable($"cannot open {lockPath}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        if (UnixFile.TryGetStatus(startLock) is not { IsRegularFile: true } status || status.Uid != UnixFile.EffectiveUserId)
        {
            return Outcome.Unreachable($"{lockPath} is not a regular file of this user");
        }

        // One starter per socket: the others wait here, then find its server.
        while (!UnixFile.TryLockExclusive(startLock))
        {
            if (Environment.TickCount64 >= deadline)
            {
                return Outcome.Unreachable($"another client has been starting the server for {settings.StartTimeout.TotalSeconds:0.#} s");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }

        // The lock is released when startLock is disposed (or this process exits).
        outcome = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
        for (var starts = 0; outcome.Absent && starts < MaxStartsPerConnect && Environment.TickCount64 < deadline; starts++)
        {
            if (StartServer(path, out var problem) is not { } pid)
            {
                return Outcome.Unreachable(problem!);
            }

            outcome = await WaitForServerAsync(path, pid, deadline, cancellationToken).ConfigureAwait(false);
        }

        return outcome.Absent
            ? Outcome.Unreachable($"the server did not start listening within {settings.StartTimeout.TotalSeconds:0.#} s ({outcome.Problem})")
            : outcome;
    }

    /// <summary>Polls until the started server answers, it exits, or the deadline passes.</summary>
    private async Task<Outcome> WaitForServerAsync(string path, int pid, long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            var exited = DetachedProcess.HasExited(pid);
            var outcome = await TryConnectAsync(path, cancellationToken).ConfigureAwait(false);
            if (!outcome.Absent || exited)
            {
                // An exited server may have lost a race with one shutting down on the same path: the caller retries.
                return outcome.Absent ? Outcome.Nobody($"the server it started (pid {pid}) exited") : outcome;
            }

            if (Environment.TickCount64 >= deadline)
            {
                return outcome;
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private int? StartServer(string path, out string? problem)
    {
        var logPath = LogPathFor(path);
        using var log = UnixFile.TryOpenLog(logPath, MaxLogBytes, out var logProblem);
        if (log is null)
        {
            problem = $"cannot open the server log {logPath}: {logProblem}";
            return null;
        }

        var executable = Environment.ProcessPath ?? "ipmirpc";
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(executable) == "dotnet")
        {
            // Run as `dotnet ipmirpc.dll`: the server needs the assembly too.
            arguments.Add(ServerIdentity.HostAssemblyFile ?? Path.Combine(AppContext.BaseDirectory, "ipmirpc.dll"));
        }

        arguments.AddRange(["serve", "--socket", path, "--idle-exit", settings.IdleExitSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--log-level", settings.LogLevel, "--max-session-age", settings.MaxSessionAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (settings.TargetsFile is { } targets)
        {
            arguments.AddRange(["--targets", Path.GetFullPath(targets)]);
        }

        var pid = DetachedProcess.Start(executable, arguments, log, out problem);
        if (pid < 0)
        {
            problem = $"cannot start {executable}: {problem}";
            return null;
        }

        logger.LogInformation("Started the shared server on {Socket} (pid {Pid}, log {Log})", path, pid, logPath);
        return pid;
    }

    /// <summary>Connects and exchanges hellos. Absent when nothing listens there (so one may be started).</summary>
    private async Task<Outcome> TryConnectAsync(string path, CancellationToken cancellationToken)
    {
        switch (UnixFile.TryGetLinkStatus(path))
        {
            case null:
                return Outcome.Nobody("no socket");
            case { IsSocket: false }:
                return Outcome.Unreachable($"{path} exists and is not a socket");
            case { } status when status.Uid != UnixFile.EffectiveUserId:
                return Outcome.Unreachable($"the socket belongs to uid {status.Uid}");
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).ConfigureAwait(false);
            if (!PeerIsThisUser(socket))
            {
                socket.Dispose();
                return Outcome.Unreachable("the server does not run as this user");
            }

            var peerPid = PeerPid(socket);
            if (KnownUnresponsive(path, peerPid))
            {
                socket.Dispose();
                return Outcome.Unreachable($"the server (pid {peerPid}) already failed to answer another client within the timeout; "
                    + $"not waiting for it again (stop it, or remove {UnresponsivePathFor(path)})");
            }

            await socket.SendAsync(ServerIdentity.HelloRequest, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var line = await ReadLineAsync(socket, timeout.Token).ConfigureAwait(false);
            if (line is null)
            {
                // Closed at once: a server stopping (idle exit) as we connected. Whoever starts next replaces it.
                socket.Dispose();
                return Outcome.Nobody("the server closed the connection before answering the hello");
            }

            var hello = ServerIdentity.ParseHello(line);
            return new Outcome(socket, hello?.Identity, hello?.Pid ?? 0, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            if (socket.Connected)
            {
                NoteUnresponsive(path, PeerPid(socket));
            }

            socket.Dispose();
            return Outcome.Unreachable($"the server accepted the connection but did not answer within {settings.ConnectTimeout.TotalSeconds:0.#} s (hung?)");
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            // A socket file nobody listens on (a crashed server's): the next server removes it.
            socket.Dispose();
            return Outcome.Nobody("a stale socket");
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            return Outcome.Unreachable(ex.Message);
        }
        catch (ArgumentException ex)
        {
            socket.Dispose();
            return Outcome.Unreachable(ex.Message);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One line, byte by byte: nothing after its newline may be taken from the JSON-RPC stream.</summary>
    private static async Task<string?> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var line = new byte[ServerIdentity.MaxHelloBytes];
        for (var length = 0; length < line.Length; length++)
        {
            if (await socket.ReceiveAsync(line.AsMemory(length, 1), SocketFlags.None, cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }

            if (line[length] == (byte)'\n')
            {
                return System.Text.Encoding.UTF8.GetString(line, 0, length);
            }
        }

        return System.Text.Encoding.UTF8.GetString(line);
    }

    /// <summary>SO_PEERCRED: requests carry passwords, so only to a server running as this user.</summary>
    private static bool PeerIsThisUser(Socket socket) => ReadPeer(socket) is { } peer && peer.Uid == UnixFile.EffectiveUserId;

    private static int PeerPid(Socket socket) => ReadPeer(socket)?.Pid ?? 0;

    /// <summary>struct ucred { pid_t pid; uid_t uid; gid_t gid; } of the other end, in native byte order.</summary>
    private static (int Pid, uint Uid)? ReadPeer(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        try
        {
            return socket.GetRawSocketOption(1, 17, ucred) == 12 ? (MemoryMarshal.Read<int>(ucred), MemoryMarshal.Read<uint>(ucred[4..])) : null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    /// <summary>A server noted as hung is given another chance after this (it may only have been at its connection limit).</summary>
    private static readonly TimeSpan UnresponsiveMemory = TimeSpan.FromMinutes(5);

    private static bool KnownUnresponsive(string path, int pid) =>
        pid > 0 && DateTime.UtcNow - File.GetLastWriteTimeUtc(UnresponsivePathFor(path)) < UnresponsiveMemory
        && UnixFile.TryReadSmallRegularFile(UnresponsivePathFor(path), 32, out _) is { } text
        && int.TryParse(System.Text.Encoding.ASCII.GetString(text).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var noted) && noted == pid;

    private void NoteUnresponsive(string path, int pid)
    {
        // Opened like the log (no symlink followed, this user's regular file), emptied, then the pid written.
        using var note = UnixFile.TryOpenLog(UnresponsivePathFor(path), 0, out var problem);
        if (note is null || pid <= 0)
        {
            logger.LogDebug("Could not note the unresponsive server: {Reason}", problem ?? "no peer pid");
            return;
        }

        RandomAccess.Write(note, System.Text.Encoding.ASCII.GetBytes(pid.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n"), 0);
    }

    /// <summary>
    /// stdin → socket and socket → stdout until the server closes the connection. stdin's end is passed on as a
    /// half-close, so the server still answers what it was sent. 0 when the server closed after the input ended;
    /// 1 (with a message naming the socket and its log) when it went away while the client was still talking.
    /// </summary>
    public async Task<int> RelayAsync(Socket socket, Stream input, Stream output)
    {
        using var owned = socket;
        var inputEnded = 0;
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            var upstream = Task.Run(async () =>
            {
                await input.CopyToAsync(stream).ConfigureAwait(false);
                Volatile.Write(ref inputEnded, 1);
                socket.Shutdown(SocketShutdown.Send);
            });
            try
            {
                await stream.CopyToAsync(output).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                // Our client closed stdout (or the server reset): closing the socket cancels what it still has in flight.
                logger.LogDebug("Relay ended: {Reason}", ex.Message);
                _ = upstream.ContinueWith(t => t.Exception, TaskScheduler.Default);
                return Volatile.Read(ref inputEnded) == 1 ? 0 : 1;
            }

            if (Volatile.Read(ref inputEnded) == 1)
            {
                return 0;
            }

            // The client's stdin is still open; its pending read must not keep the exit waiting (nor fault unobserved).
            _ = upstream.ContinueWith(t => t.Exception, TaskScheduler.Default);
            logger.LogError("The shared server at {Socket} closed the connection while requests could still come; see its log {Log}",
                SocketPath, LogPathFor(SocketPath ?? settings.Socket));
            return 1;
        }
    }
}
