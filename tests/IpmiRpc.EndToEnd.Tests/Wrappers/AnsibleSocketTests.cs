using System.Runtime.Versioning;
using IpmiRpc.Core.Sessions;
using IpmiRpc.EndToEnd.Tests.Host;
using IpmiRpc.TestSupport;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace IpmiRpc.EndToEnd.Tests.Wrappers;

/// <summary>
/// <c>ipmirpc_socket</c>: the modules start one detached <c>ipmirpc serve --socket</c> on first use and every later
/// task (and every concurrent fork) reuses it and its RMCP+ session; when the socket is unusable they fall back to
/// a process of their own.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AnsibleSocketTests(AnsibleCollectionTests.InstalledCollection collection, ITestOutputHelper output)
    : IClassFixture<AnsibleCollectionTests.InstalledCollection>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Tasks_and_forks_reuse_one_session_through_the_shared_host()
    {
        await using var sim = await IpmiSim.StartAsync();
        var runtimeDir = WrapperSupport.NewTempDir("xdg");
        var socketPath = Path.Combine(runtimeDir, "ipmirpc.sock");
        try
        {
            // `auto` resolves to $XDG_RUNTIME_DIR/ipmirpc.sock; four inventory hosts run each task in parallel forks,
            // so the first task races to start the server.
            var env = new Dictionary<string, string> { ["XDG_RUNTIME_DIR"] = runtimeDir, ["ANSIBLE_STDOUT_CALLBACK"] = "json" };
            var run = await collection.PlaybookTextAsync("shared_socket.yml", sim, new() { ["ipmirpc_socket"] = "auto" }, env,
                "-i", "fork1,fork2,fork3", "--forks", "4");
            Assert.True(run.Succeeded, run.ToString());
            var stats = (JObject)JObject.Parse(run.StdOut)["stats"]!;
            Assert.Equal(4, stats.Count);
            foreach (var (host, hostStats) in stats)
            {
                Assert.True(hostStats!["failures"]!.Value<int>() == 0 && hostStats["ok"]!.Value<int>() == 3, $"{host}: {hostStats}\n{run}");
            }

            Assert.True(File.Exists(socketPath), "the shared host is not listening on $XDG_RUNTIME_DIR/ipmirpc.sock");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socketPath));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socketPath + ".log"));

            using var client = await SocketRpcClient.ConnectAsync(socketPath);
            var response = await client.CallAsync("sessions.list", new JObject(), Wait);
            SchemaValidator.AssertValid("sessions.list", response);
            var session = Assert.Single((JArray)response["result"]!);
            output.WriteLine($"after 4 hosts x 3 tasks: {session}");
            // 12 module runs, at least one IPMI request each, all through the one pooled session.
            Assert.True((long)session["requestCount"]! >= 12, session.ToString());
            Assert.Equal(sim.Port, (int)session["port"]!);

            // A later run finds the same server and the same session.
            var again = await collection.PlaybookTextAsync("shared_socket.yml", sim, new() { ["ipmirpc_socket"] = "auto" }, env);
            Assert.True(again.Succeeded, again.ToString());
            var later = Assert.Single((JArray)(await client.CallAsync("sessions.list", new JObject(), Wait))["result"]!);
            if ((string)session["id"]! == (string)later["id"]!)
            {
                Assert.True((long)later["requestCount"]! >= (long)session["requestCount"]! + 3, later.ToString());
            }
            else
            {
                // A loaded machine can take longer than the pool's idle timeout to start the second playbook; then the
                // server rightly closed the idle session and opened a new one. By the server's own timestamps the gap
                // must exceed that timeout, or the pool failed to reuse a live session.
                var idleGap = (DateTimeOffset)later["openedAt"]! - (DateTimeOffset)session["lastUsedAt"]!;
                output.WriteLine($"second run opened a new session after {idleGap} idle: {later}");
                Assert.True(idleGap >= new SessionPoolOptions().IdleTimeout, $"a new session after only {idleGap} idle\nbefore: {session}\nafter: {later}");
                Assert.True((long)later["requestCount"]! >= 3, later.ToString());
            }

            // A module reaches a running server over its socket itself, without an `ipmirpc connect` per task, only
            // when its idea of the server's identity (ipmirpc_client.py: this build, the default settings) is exactly
            // what the server answers the hello with; otherwise every task silently pays for a process again. (After
            // the second run: between the runs, the pooled session's idle time must stay short.)
            var probeEnv = new Dictionary<string, string>(env) { ["PYTHONPATH"] = collection.CollectionsPath };
            var probe = await collection.RunAsync("/usr/bin/python3", ["-c", DirectProbe], probeEnv);
            Assert.True(probe.Succeeded, probe.ToString());
            Assert.Equal("socket", probe.StdOut.Trim());
        }
        finally
        {
            await StopSharedHostAsync(socketPath);
            WrapperSupport.DeleteQuietly(runtimeDir);
        }
    }

    [Fact]
    public async Task An_unusable_socket_path_falls_back_to_a_process_per_task()
    {
        await using var sim = await IpmiSim.StartAsync();
        // Nothing can be created under /proc: neither the directory nor the lock file nor the socket. (No "test" in
        // the path: Ansible masks the sim's password, "test", wherever it appears in the output.)
        var env = new Dictionary<string, string> { ["IPMIRPC_SOCKET"] = "/proc/ipmirpc-unusable/ipmirpc.sock" };
        var run = await collection.PlaybookJsonAsync("device.yml", sim, vars: null, env: env);
        Assert.Equal(0, run.Stats["failures"]!.Value<int>());
        var task = run.Task("Device ID only");
        Assert.NotNull(task["device"]!["product_id"]);
        // ipmirpc connect's reason for not sharing, naming the socket and its log, reaches the user as a warning.
        var warning = Assert.Single(task["warnings"]!.Values<string>(), w => w!.Contains("Serving in-process", StringComparison.Ordinal));
        Assert.Contains("/proc/ipmirpc-unusable/ipmirpc.sock.log", warning, StringComparison.Ordinal);
    }

    /// <summary>One call through the collection's client with ipmirpc_socket=auto: prints how it reached the server.</summary>
    private const string DirectProbe = """
        import os
        from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_client import IpmiRpcClient
        client = IpmiRpcClient(os.environ['IPMIRPC_PATH'], socket_path='auto')
        client.call('sessions.list', {}, 30)
        print(client.transport)
        client.close()
        """;

    /// <summary>SIGTERM to the server behind the socket (its pid from SO_PEERCRED); waits until it is gone.</summary>
    private async Task StopSharedHostAsync(string socketPath)
    {
        if (!File.Exists(socketPath))
            return;
        int pid;
        using (var client = await SocketRpcClient.ConnectAsync(socketPath))
            pid = client.PeerPid();
        Assert.Equal(0, await SocketRpcClient.SignalAsync(pid, "TERM"));
        await Poll.UntilAsync(() => !File.Exists(socketPath) && !ConnectCommandTests.IsRunning(pid), $"server {pid} to stop and remove its socket", Wait);
        output.WriteLine($"server {pid} stopped; socket removed: {!File.Exists(socketPath)}");
        Assert.False(File.Exists(socketPath), "socket left behind after SIGTERM");
        Assert.False(ConnectCommandTests.IsRunning(pid), $"server {pid} still running after SIGTERM");
    }
}
