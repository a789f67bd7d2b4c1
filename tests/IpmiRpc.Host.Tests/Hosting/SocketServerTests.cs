using System.Net.Sockets;
using System.Text;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.Hosting.BackPressureTests;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>The shared socket server in-process, with a <see cref="FakeTransport"/>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SocketServerTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-sock-").FullName;
    private readonly CancellationTokenSource _stop = new();

    private string SocketPath => Path.Combine(_dir, "s");

    private Task<int> StartServer(FakeTransport transport, ServerOptions? options = null)
    {
        var resolver = new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        });
        var context = new HostContext([transport], resolver, OpenRpcDocument.Generated, NullLoggerFactory.Instance);
        return Task.Run(() => new SocketServer(context, options ?? new ServerOptions(), SocketPath, TimeSpan.Zero).RunAsync(_stop.Token));
    }

    private async Task<Socket> ConnectAsync()
    {
        await PollAsync(() => File.Exists(SocketPath));
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return client;
    }

    [Fact]
    public async Task Closing_the_connection_cancels_its_requests_in_flight()
    {
        var started = 0;
        var cancelled = 0;
        var transport = new FakeTransport
        {
            Responder = async (_, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref cancelled);
                    throw;
                }

                return DeviceIdResponse();
            },
        };
        var server = StartServer(transport);
        using (var client = await ConnectAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                await client.SendAsync(Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{i},\"method\":\"bmc.getDeviceId\"}}\n"));
            }

            await PollAsync(() => Volatile.Read(ref started) == 3);
        }

        await PollAsync(() => Volatile.Read(ref cancelled) == 3);
        await _stop.CancelAsync();
        Assert.Equal(0, await server.WaitAsync(DefaultWait));
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public async Task Something_that_is_not_a_socket_at_the_path_is_left_alone()
    {
        foreach (var make in new Action<string>[] { p => File.WriteAllBytes(p, []), MakeFifo })
        {
            make(SocketPath);
            Assert.Equal(2, await StartServer(new FakeTransport()).WaitAsync(DefaultWait));
            Assert.True(File.Exists(SocketPath), "the server deleted a file that was not a socket");
            File.Delete(SocketPath);
        }
    }

    [Fact]
    public async Task A_stale_socket_is_removed_and_the_new_one_is_created_0600()
    {
        using (var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            stale.Bind(new UnixDomainSocketEndPoint(SocketPath));
        }

        var server = StartServer(new FakeTransport());
        using var client = await ConnectAsync();
        await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}\n"u8.ToArray());
        var buffer = new byte[4096];
        Assert.True(await client.ReceiveAsync(buffer) > 0);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SocketPath));
        await _stop.CancelAsync();
        Assert.Equal(0, await server.WaitAsync(DefaultWait));
    }

    /// <summary>Issue 20: PATH.lock was opened following symlinks, so another user could make the server create a file elsewhere.</summary>
    [Fact]
    public async Task A_symlinked_lock_file_is_refused_and_nothing_is_created_through_it()
    {
        var elsewhere = Path.Combine(_dir, "elsewhere");
        File.CreateSymbolicLink(SocketServer.LockPathFor(SocketPath), elsewhere);
        Assert.Equal(2, await StartServer(new FakeTransport()).WaitAsync(DefaultWait));
        Assert.False(File.Exists(elsewhere), "the lock was created through the symlink");
        Assert.False(File.Exists(SocketPath));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _stop.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
