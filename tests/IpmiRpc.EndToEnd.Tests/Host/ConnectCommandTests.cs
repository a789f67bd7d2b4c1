using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using IpmiRpc.EndToEnd.Tests.Wrappers;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// <c>ipmirpc connect</c>, the real processes: concurrent clients start exactly one shared server; a server of
/// another build (another binary path, or the same path replaced in place) is never used; an unusable path and a
/// server that accepts but never answers both end in serving in-process, with a message naming the socket and log.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class ConnectCommandTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-connect-").FullName;
    private readonly List<IpmiRpcProcess> _clients = [];

    private string SocketPath => Path.Combine(_dir, "ipmirpc.sock");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
            await client.DisposeAsync();
        // Every server a client started, by the pid it reported: a test must not leave one running.
        foreach (var pid in _clients.SelectMany(c => StartedPids(c.StdErrText)).Distinct())
            await StopServerAsync(pid);
        WrapperSupport.DeleteQuietly(_dir);
    }

    [Fact]
    public async Task Concurrent_clients_start_one_server_and_all_use_it()
    {
        const int clients = 4;
        var calls = Enumerable.Range(0, clients).Select(_ => CallThroughConnectAsync(IpmiRpcProcess.ExecutablePath, SocketPath)).ToList();
        var results = await Task.WhenAll(calls);

        foreach (var (response, _) in results)
            Assert.NotNull(response["result"]);
        var started = results.SelectMany(r => StartedPids(r.StdErr)).ToList();
        var used = results.Select(r => ServerPid(r.StdErr)).ToList();
        output.WriteLine($"started: [{string.Join(", ", started)}]; used: [{string.Join(", ", used)}]");
        var server = Assert.Single(started);
        Assert.All(used, pid => Assert.Equal(server, pid));
        Assert.All(results, r => Assert.DoesNotContain("in-process", r.StdErr, StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath + ".log"));
    }

    [Fact]
    public async Task A_server_of_another_build_is_never_used()
    {
        // A second build: the same files at another path. Its server is started first and owns the socket.
        var copy = Path.Combine(_dir, "copy");
        CopyDirectory(Path.GetDirectoryName(IpmiRpcProcess.ExecutablePath)!, copy);
        var copiedExe = Path.Combine(copy, Path.GetFileName(IpmiRpcProcess.ExecutablePath));
        File.SetUnixFileMode(copiedExe, File.GetUnixFileMode(IpmiRpcProcess.ExecutablePath));
        var (_, first) = await CallThroughConnectAsync(copiedExe, SocketPath);
        var copyServer = Assert.Single(StartedPids(first));

        var (answer, other) = await CallThroughConnectAsync(IpmiRpcProcess.ExecutablePath, SocketPath);
        output.WriteLine(other);
        Assert.NotNull(answer["result"]);
        Assert.Contains($"Not using the shared server at {SocketPath}: the server runs another build", other, StringComparison.Ordinal);
        var ownServer = Assert.Single(StartedPids(other));
        Assert.NotEqual(copyServer, ownServer);
        Assert.Equal(ownServer, ServerPid(other));
        Assert.StartsWith(SocketPath + ".", OwnSocket(other), StringComparison.Ordinal);

        // The copy replaced in place (an upgrade): its running server is of the old build and is not used either.
        File.SetLastWriteTimeUtc(Path.Combine(copy, "ipmirpc.dll"), DateTime.UtcNow.AddMinutes(1));
        var (upgraded, third) = await CallThroughConnectAsync(copiedExe, SocketPath);
        Assert.NotNull(upgraded["result"]);
        Assert.Contains("the server runs another build", third, StringComparison.Ordinal);
        var upgradedServer = Assert.Single(StartedPids(third));
        Assert.DoesNotContain(upgradedServer, new[] { copyServer, ownServer });

        // The same build again finds its own server on its own socket without starting one.
        var (again, fourth) = await CallThroughConnectAsync(IpmiRpcProcess.ExecutablePath, SocketPath);
        Assert.NotNull(again["result"]);
        Assert.Empty(StartedPids(fourth));
        Assert.Equal(ownServer, ServerPid(fourth));
    }

    [Fact]
    public async Task An_unusable_socket_path_serves_in_process_and_says_so()
    {
        // Nothing can be created under /proc: neither the directory nor the lock file nor the socket.
        const string path = "/proc/ipmirpc-test-none/ipmirpc.sock";
        var (response, stderr) = await CallThroughConnectAsync(IpmiRpcProcess.ExecutablePath, path);
        output.WriteLine(stderr);
        Assert.NotNull(response["result"]);
        Assert.Contains("Serving in-process", stderr, StringComparison.Ordinal);
        Assert.Contains(path, stderr, StringComparison.Ordinal);
        Assert.Contains(path + ".log", stderr, StringComparison.Ordinal);
        Assert.Empty(StartedPids(stderr));
    }

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_is_given_up_on()
    {
        var path = Path.Combine(_dir, "hung.sock");
        using var hung = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        hung.Bind(new UnixDomainSocketEndPoint(path));
        hung.Listen(8);
        var accepted = new List<Socket>();
        using var stopAccepting = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var connection = await hung.AcceptAsync(stopAccepting.Token);
                    lock (accepted)
                        accepted.Add(connection);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var (response, stderr) = await CallThroughConnectAsync(IpmiRpcProcess.ExecutablePath, path, "--connect-timeout", "2");
        // The next client (the next task) learns from the first one's note and does not wait for the same server again.
        var (next, nextStderr) = await CallThroughConnectAsync(IpmiRpcProcess.ExecutablePath, path, "--connect-timeout", "30");
        await stopAccepting.CancelAsync();
        await acceptLoop;
        output.WriteLine(stderr);
        Assert.NotNull(response["result"]);
        lock (accepted)
        {
            Assert.NotEmpty(accepted);
            accepted.ForEach(s => s.Dispose());
        }

        Assert.Contains($"Serving in-process instead of the shared server at {path}: the server accepted the connection but did not answer within 2 s", stderr, StringComparison.Ordinal);
        Assert.Contains(path + ".log", stderr, StringComparison.Ordinal);
        Assert.Empty(StartedPids(stderr));

        output.WriteLine(nextStderr);
        Assert.NotNull(next["result"]);
        Assert.Contains($"Serving in-process instead of the shared server at {path}: the server (pid {Environment.ProcessId}) already failed to answer",
            nextStderr, StringComparison.Ordinal);
    }

    /// <summary>One <c>sessions.list</c> through <c>connect</c>; the answer and the client's whole stderr after it exited 0.</summary>
    private async Task<(JObject Response, string StdErr)> CallThroughConnectAsync(string exe, string socket, params string[] extra)
    {
        // Generous bounds unless a test sets its own: on a loaded machine a cold server start takes seconds, and a
        // client that gave up would serve in-process instead of showing what the test looks for.
        string[] bounds = [.. extra.Contains("--connect-timeout") ? [] : new[] { "--connect-timeout", "60" }, "--start-timeout", "120"];
        var client = await IpmiRpcProcess.StartExecutableAsync(exe, ["connect", "--socket", socket, "--log-level", "debug", .. bounds, .. extra]);
        lock (_clients)
            _clients.Add(client);
        var response = await client.CallAsync("sessions.list", new JObject(), Wait);
        var exit = await client.CloseInputAndWaitAsync(Wait);
        Assert.True(exit == 0, $"connect exited {exit}\n{client.StdErrText}");
        return (response, client.StdErrText);
    }

    private static IEnumerable<int> StartedPids(string stderr) =>
        StartedLine().Matches(stderr).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));

    private static int ServerPid(string stderr)
    {
        var match = ConnectedLine().Match(stderr);
        Assert.True(match.Success, $"no 'Connected' line in:\n{stderr}");
        return int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    private static string OwnSocket(string stderr) => ConnectedLine().Match(stderr).Groups[1].Value;

    private async Task StopServerAsync(int pid)
    {
        await SocketRpcClient.SignalAsync(pid, "TERM");
        await Poll.UntilAsync(() => !IsRunning(pid), $"server {pid} to exit after SIGTERM");
        output.WriteLine($"server {pid} stopped");
    }

    /// <summary>Alive and not a zombie (a detached server's parent is whatever reaps orphans here).</summary>
    internal static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.GetDirectories(from))
            CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    [GeneratedRegex(@"Started the shared server on \S+ \(pid (\d+),")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"Connected to the shared server at (\S+) \(server pid (\d+)\)")]
    private static partial Regex ConnectedLine();
}
