using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// <c>ipmirpc serve --socket PATH</c>: JSON-RPC on a Unix domain socket, so short-lived clients (one Ansible task
/// each) share one <see cref="HostContext"/> and with it one session pool. Every connection gets its own reader,
/// guard and framing detection (<see cref="RpcServer.ServeConnectionAsync"/>); only peers running as this process's
/// user are served. Without connections for the idle time, or on SIGTERM, the socket file is removed, every pooled
/// session is closed and the process exits 0.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class SocketServer
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private static readonly TimeSpan LiveProbeTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HelloReadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan HangUpCheckInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan AcceptBackoffStart = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan AcceptBackoffMax = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AcceptWarningInterval = TimeSpan.FromMinutes(1);

    private readonly HostContext _host;
    private readonly ServerOptions _options;
    private readonly string _path;
    private readonly TimeSpan _idleExit;
    private readonly ILogger _logger;
    private readonly uint _uid = UnixFile.EffectiveUserId;
    private readonly byte[] _hello;
    private int _active;
    private long _lastActivity = Environment.TickCount64;

    /// <param name="idleExit">Exit after this long without any connection; <see cref="TimeSpan.Zero"/> = never.</param>
    /// <param name="identity">What this server answers a <c>connect</c> client's hello with (default: this build, no settings).</param>
    public SocketServer(HostContext host, ServerOptions options, string path, TimeSpan idleExit, ServerIdentity? identity = null)
    {
        _hello = (identity ?? ServerIdentity.Current(ServerIdentity.DescribeSettings(null, 0))).ToHelloLine(Environment.ProcessId);
        _host = host;
        _options = options;
        _path = Path.GetFullPath(path);
        _idleExit = idleExit;
        _logger = host.LoggerFactory.CreateLogger("IpmiRpc.Host.SocketServer");
    }

    /// <summary>The lock file held while serving: one server per socket path, even when two start at once.</summary>
    public static string LockPathFor(string socketPath) => Path.GetFullPath(socketPath) + ".lock";

    /// <summary>Serves until idle or <paramref name="stop"/>; 0 after a clean stop, 1 if the path is taken, 2 on a bad path.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        try
        {
            return await ServeAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            // Closes every pooled session (IPMI Close Session), whatever happened above; after a signal, within the grace.
            await RpcServer.CloseSessionsAsync(_host, stop.IsCancellationRequested ? _options.ShutdownGrace : Timeout.InfiniteTimeSpan, _logger).ConfigureAwait(false);
        }
    }

    private async Task<int> ServeAsync(CancellationToken stop)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? ownership = null;
        Socket? listener = null;
        try
        {
            // flock(LOCK_EX|LOCK_NB) on PATH.lock: a second server on this path fails here, so the stale-socket
            // cleanup below can never delete a live server's socket.
            if (TakeOwnership(out ownership) is { } refused)
            {
                return refused;
            }

            if (await ExistingPathBlocksAsync(stop).ConfigureAwait(false) is { } refusal)
            {
                return refusal;
            }

            UnixDomainSocketEndPoint endPoint;
            try
            {
                endPoint = new UnixDomainSocketEndPoint(_path);
            }
            catch (ArgumentException ex)
            {
                _logger.LogCritical("Cannot listen on {Path}: {Reason}", _path, ex.Message);
                return 2;
            }

            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                // bind() creates the socket file with mode 0666 & ~umask. A umask of 0177 for the bind makes it 0600
                // as it is created; a chmod afterwards would look the path up again, and in a writable directory
                // that second lookup can be raced onto another file. The umask is process-wide, but nothing else
                // creates files at this point of start-up. SO_PEERCRED below is the real check.
                var umask = UnixFile.SetUmask(0x7F);
                try
                {
                    listener.Bind(endPoint);
                }
                finally
                {
                    UnixFile.SetUmask(umask);
                }

                listener.Listen(64);
            }
            catch (SocketException ex)
            {
                _logger.LogCritical("Cannot listen on {Path}: {Reason}", _path, ex.Message);
                return 2;
            }

            // Idle time counts from here, not from construction: a slow start must not use up a client's first second.
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            _logger.LogInformation("Listening on {Path} (idle exit after {Seconds} s)", _path, _idleExit.TotalSeconds);
            await AcceptUntilStoppedAsync(listener, stop).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (listener is not null)
            {
                // Socket file first, while the lock is still held: a new server may take the path right after.
                TryDelete(_path);
                listener.Dispose();
            }

            ownership?.Dispose();
        }
    }

    /// <summary>
    /// Opens PATH.lock without following a symlink (O_NOFOLLOW: another user's link cannot make this process create
    /// or lock a file elsewhere), checks it is a regular file this user owns, and locks it. An exit code on refusal.
    /// </summary>
    private int? TakeOwnership(out Microsoft.Win32.SafeHandles.SafeFileHandle? ownership)
    {
        var lockPath = LockPathFor(_path);
        ownership = UnixFile.OpenLockFile(lockPath, out var errno);
        if (ownership.IsInvalid)
        {
            _logger.LogCritical("Cannot use {Path}: {Reason}", lockPath, Marshal.GetPInvokeErrorMessage(errno));
            return 2;
        }

        if (UnixFile.TryGetStatus(ownership) is not { IsRegularFile: true } status || status.Uid != _uid)
        {
            _logger.LogCritical("Cannot use {Path}: not a regular file owned by uid {Uid}", lockPath, _uid);
            return 2;
        }

        if (!UnixFile.TryLockExclusive(ownership))
        {
            _logger.LogError("Another ipmirpc server owns {Path}", _path);
            return 1;
        }

        return null;
    }

    /// <summary>An exit code when something else is at the path; null when it is free (a stale socket is removed).</summary>
    private async Task<int?> ExistingPathBlocksAsync(CancellationToken stop)
    {
        if (UnixFile.TryGetLinkStatus(_path) is not { } status)
        {
            return null;
        }

        // Only a socket is ever deleted: not a regular file, FIFO, device, directory or symlink someone left there.
        if (!status.IsSocket)
        {
            _logger.LogCritical("{Path} exists and is not a socket; not touching it", _path);
            return 2;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(LiveProbeTimeout);
        try
        {
            await probe.ConnectAsync(new UnixDomainSocketEndPoint(_path), timeout.Token).ConfigureAwait(false);
            _logger.LogError("A server is already listening on {Path}", _path);
            return 1;
        }
        catch (OperationCanceledException)
        {
            // Accepting but too slow to even connect: treat as alive, never delete it.
            _logger.LogError("A server is already listening on {Path} (not answering)", _path);
            return 1;
        }
        catch (SocketException)
        {
            _logger.LogInformation("Removing the stale socket {Path}", _path);
            TryDelete(_path);
            return null;
        }
    }

    private async Task AcceptUntilStoppedAsync(Socket listener, CancellationToken stop)
    {
        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var idleWatch = _idleExit > TimeSpan.Zero ? WatchIdleAsync(stopAll) : Task.CompletedTask;
        var connections = new List<Task>();
        var allowed = DescriptorBudget.ConnectionsAllowed(_options.MaxConnections);
        if (allowed < _options.MaxConnections)
        {
            _logger.LogWarning(
                "Serving at most {Allowed} connections at once (not {Configured}): the descriptor limit keeps {Reserve} free for the process itself",
                allowed, _options.MaxConnections, DescriptorBudget.Reserve);
        }

        using var slots = new SemaphoreSlim(allowed, allowed);
        var backoff = TimeSpan.Zero;
        var lastAcceptWarning = Environment.TickCount64 - (long)AcceptWarningInterval.TotalMilliseconds;
        var acceptFailures = 0;
        while (true)
        {
            Socket client;
            try
            {
                // At the connection limit, further clients wait in the listen backlog until one leaves.
                await slots.WaitAsync(stopAll.Token).ConfigureAwait(false);
                try
                {
                    client = await listener.AcceptAsync(stopAll.Token).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release();
                    throw;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Out of file descriptors (EMFILE/ENFILE) or memory: retrying at once fails again and spins a core.
                // Back off (doubling up to 1 s) until an accept succeeds; a connection that closes meanwhile frees one.
                backoff = backoff == TimeSpan.Zero ? AcceptBackoffStart : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, AcceptBackoffMax.Ticks));
                acceptFailures++;
                if (Environment.TickCount64 - lastAcceptWarning >= (long)AcceptWarningInterval.TotalMilliseconds)
                {
                    // At most one warning a minute: near the descriptor limit every freed descriptor starts a new streak.
                    _logger.LogWarning("Accepting a connection failed: {Reason} ({Count} failures); retrying with back-off", ex.Message, acceptFailures);
                    lastAcceptWarning = Environment.TickCount64;
                    acceptFailures = 0;
                }

                try
                {
                    await Task.Delay(backoff, stopAll.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            backoff = TimeSpan.Zero;
            Touch(+1);
            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(ServeAndReleaseAsync(client, slots, stopAll.Token));
        }

        _logger.LogInformation("Stopping: {Count} connections still open", connections.Count(t => !t.IsCompleted));
        // New clients must find no socket (and start a fresh server) rather than one that no longer accepts.
        TryDelete(_path);
        await Task.WhenAll(connections).ConfigureAwait(false);
        await idleWatch.ConfigureAwait(false);
    }

    private async Task ServeAndReleaseAsync(Socket client, SemaphoreSlim slots, CancellationToken stop)
    {
        try
        {
            await ServeClientAsync(client, stop).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task ServeClientAsync(Socket client, CancellationToken stop)
    {
        try
        {
            if (!TryGetPeer(client, out var pid, out var uid))
            {
                _logger.LogWarning("Closed a connection whose peer credentials could not be read");
                return;
            }

            if (uid != _uid)
            {
                _logger.LogWarning("Closed a connection from uid {Uid} (pid {Pid}): only uid {Own} is served", uid, pid, _uid);
                return;
            }

            _logger.LogDebug("Connection from pid {Pid}", pid);
            if (!await AnswerHelloAsync(client, stop).ConfigureAwait(false))
            {
                return;
            }

            using var hungUp = new CancellationTokenSource();
            using var served = new CancellationTokenSource();
            var watch = WatchHangUpAsync(client, hungUp, served.Token);
            var stream = new NetworkStream(client, ownsSocket: false);
            await using (stream.ConfigureAwait(false))
            {
                try
                {
                    await new RpcServer(_host, _options).ServeConnectionAsync(stream, stream, stop, hungUp.Token).ConfigureAwait(false);
                }
                finally
                {
                    await served.CancelAsync().ConfigureAwait(false);
                    await watch.ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex)
        {
            _logger.LogDebug(ex, "A connection ended with an error");
        }
        finally
        {
            client.Dispose();
            Touch(-1);
        }
    }

    /// <summary>
    /// A <c>connect</c> client starts with a hello line (<see cref="ServerIdentity"/>): it is consumed and answered
    /// with this server's identity before JSON-RPC starts. Any other first byte is left unread (MSG_PEEK) for the
    /// JSON-RPC reader. False when the client left before sending anything or never finished its hello.
    /// </summary>
    private async Task<bool> AnswerHelloAsync(Socket client, CancellationToken stop)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var first = new byte[1];
        try
        {
            // Waits for the first byte without taking it: a zero-byte receive completes once data (or the end) is
            // there, and the peek then returns at once. An asynchronous MSG_PEEK receive blocked the accept loop
            // behind each silent client instead.
            await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, stop).ConfigureAwait(false);
            if (client.Receive(first, SocketFlags.Peek) == 0)
            {
                return false;
            }

            if (first[0] != ServerIdentity.HelloMarker)
            {
                return true;
            }

            // A client that sends a hello owes us its end of it promptly; one that stalls must not keep a slot.
            bounded.CancelAfter(HelloReadTimeout);
            var line = 0;
            while (line < ServerIdentity.MaxHelloBytes)
            {
                if (await client.ReceiveAsync(first, SocketFlags.None, bounded.Token).ConfigureAwait(false) == 0)
                {
                    return false;
                }

                line++;
                if (first[0] == (byte)'\n')
                {
                    await client.SendAsync(_hello, SocketFlags.None, bounded.Token).ConfigureAwait(false);
                    return true;
                }
            }

            _logger.LogWarning("Closed a connection whose hello line was longer than {Max} bytes", ServerIdentity.MaxHelloBytes);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Fires <paramref name="hungUp"/> once the peer has closed its socket (POLLHUP: both directions shut), so its
    /// requests in flight are cancelled instead of worked on for nobody. A half-close (shutdown(SHUT_WR), as socat
    /// does after sending) is not a hang-up: that client still reads its answers.
    /// </summary>
    private static async Task WatchHangUpAsync(Socket client, CancellationTokenSource hungUp, CancellationToken served)
    {
        var fd = (int)client.SafeHandle.DangerousGetHandle();
        while (!served.IsCancellationRequested)
        {
            var poll = new PollFd { Fd = fd, Events = 0 };
            if (Poll(ref poll, 1, 0) == 1 && (poll.Revents & PollHangUp) != 0)
            {
                await hungUp.CancelAsync().ConfigureAwait(false);
                return;
            }

            try
            {
                await Task.Delay(HangUpCheckInterval, served).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Touch(int delta)
    {
        Interlocked.Add(ref _active, delta);
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
    }

    private async Task WatchIdleAsync(CancellationTokenSource stopAll)
    {
        var idleMs = (long)_idleExit.TotalMilliseconds;
        var keptFor = -1L;
        while (!stopAll.IsCancellationRequested)
        {
            long wait;
            if (Volatile.Read(ref _active) is var active and > 0)
            {
                // Once per quiet spell, so an operator (and a test) can tell "kept alive by a connection" from "never checked".
                var since = Volatile.Read(ref _lastActivity);
                if (since != keptFor && Environment.TickCount64 - since >= idleMs)
                {
                    keptFor = since;
                    _logger.LogDebug("Idle time passed with {Connections} connection(s) open: staying up", active);
                }

                // Re-check soon after the last connection may have closed, not a whole idle period later.
                wait = Math.Min(idleMs, 1000);
            }
            else
            {
                var quiet = Environment.TickCount64 - Volatile.Read(ref _lastActivity);
                if (quiet >= idleMs)
                {
                    _logger.LogInformation("No connection for {Seconds} s: exiting", _idleExit.TotalSeconds);
                    await stopAll.CancelAsync().ConfigureAwait(false);
                    return;
                }

                wait = idleMs - quiet;
            }

            try
            {
                // Task.Delay refuses more than ~49 days; an hour at a time is plenty.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait, 3_600_000)), stopAll.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>SO_PEERCRED: struct ucred { pid_t pid; uid_t uid; gid_t gid; } of the connecting process.</summary>
    private static bool TryGetPeer(Socket socket, out int pid, out uint uid)
    {
        Span<byte> ucred = stackalloc byte[12];
        pid = 0;
        uid = uint.MaxValue;
        try
        {
            if (socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred) < 12)
            {
                return false;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        // Native byte order: the kernel fills it in for this machine.
        pid = MemoryMarshal.Read<int>(ucred);
        uid = MemoryMarshal.Read<uint>(ucred[4..]);
        return true;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning("Could not remove {Path}: {Reason}", path, ex.Message);
        }
    }

    private const short PollHangUp = 0x10;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(ref PollFd fds, nuint count, int timeoutMs);

}
