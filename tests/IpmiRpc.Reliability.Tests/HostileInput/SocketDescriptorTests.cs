using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using IpmiRpc.Reliability.Tests.Support;
using IpmiRpc.TestSupport;
using Xunit.Abstractions;

namespace IpmiRpc.Reliability.Tests.HostileInput;

/// <summary>
/// Issue 20: out of file descriptors, the socket server's accept loop spun (~5,000 warnings/s, over a core) and the
/// runtime aborted in 3 of 5 runs. It must stop short of the limit (or back off at it), stay alive and serve again.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class SocketDescriptorTests(ITestOutputHelper output) : ReliabilityTest(output)
{
    [Fact]
    public async Task Out_of_descriptors_the_server_backs_off_stays_alive_and_serves_again()
    {
        var dir = Directory.CreateTempSubdirectory("ipmirpc-emfile-").FullName;
        var socketPath = Path.Combine(dir, "s");
        var start = new ProcessStartInfo("prlimit", ["--nofile=160:160", IpmiRpcProcess.ExecutablePath, "serve", "--socket", socketPath, "--idle-exit", "0", "--log-level", "warning"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var server = Process.Start(start)!;
        var stderr = new StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        server.BeginErrorReadLine();
        var clients = new List<Socket>();
        try
        {
            await Poll.UntilAsync(() => File.Exists(socketPath) || server.HasExited, "the socket file");
            Assert.False(server.HasExited, Text(stderr));

            // More clients than the server has descriptors for (the runtime alone holds ~85 of the 160): it serves as
            // many as leave its reserve free and lets the rest wait in the listen backlog, which soon refuses a
            // connect at once (EAGAIN). At the limit itself the runtime failed ("Out of memory.") and the process died.
            await Poll.UntilAsync(() => Text(stderr).Contains("Serving at most", StringComparison.Ordinal) || server.HasExited, "the server's connection cap");
            for (var i = 0; i < 300; i++)
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                using var connecting = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), connecting.Token);
                    clients.Add(client);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException)
                {
                    client.Dispose();
                    break;
                }
            }

            var held = Directory.GetFileSystemEntries($"/proc/{server.Id}/fd").Length;
            Assert.False(server.HasExited, Text(stderr));
            Assert.True(held < 160, $"{held} descriptors open\n{Text(stderr)}");
            foreach (var client in clients)
                client.Dispose();
            clients.Clear();

            // Connections closed: a new client is served (the backlog drains as the server notices the hang-ups).
            Socket? connectedFresh = null;
            await Poll.UntilAsync(async () =>
            {
                var candidate = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await candidate.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
                    connectedFresh = candidate;
                    return true;
                }
                catch (SocketException)
                {
                    candidate.Dispose();
                    return false;
                }
            }, "the server to take a new connection again", interval: TimeSpan.FromMilliseconds(20));

            using var fresh = connectedFresh!;
            await fresh.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}\n"u8.ToArray());
            var buffer = new byte[4096];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var n = await fresh.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.Contains("\"result\"", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);

            var warnings = Text(stderr).Split('\n').Count(l => l.Contains("Accepting a connection failed", StringComparison.Ordinal));
            Log($"nofile 160: {held} descriptors held at most, {warnings} accept warning line(s); server alive");
            Ledger.Fault($"socket server near its descriptor limit (nofile 160): held {held} descriptors with clients waiting, {warnings} accept failures, served again");
            Assert.True(warnings <= 2, Text(stderr));
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
            if (!server.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await term.WaitForExitAsync();
                await server.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            }

            Directory.Delete(dir, recursive: true);
        }

        Assert.Equal(0, server.ExitCode);
    }

    private static string Text(StringBuilder sb)
    {
        lock (sb)
            return sb.ToString();
    }
}
