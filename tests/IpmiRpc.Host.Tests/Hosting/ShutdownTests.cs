using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.Hosting.BackPressureTests;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>Issue 20: SIGTERM waited for every queued request (28.7 s); a stop cancels the work in flight instead.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_cancels_the_requests_in_flight_answers_them_and_returns_zero()
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
        var resolver = new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        });
        var context = new HostContext([transport], resolver, OpenRpcDocument.Generated, NullLoggerFactory.Instance);
        var input = new Pipe();
        var output = new Pipe();
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => new RpcServer(context).RunAsync(input.Reader.AsStream(), output.Writer.AsStream(), stop.Token));

        await input.Writer.WriteAsync(Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":\"slow\",\"method\":\"bmc.getDeviceId\"}\n"));
        await PollAsync(() => Volatile.Read(ref started) == 1);
        await stop.CancelAsync();

        Assert.Equal(0, await run.WaitAsync(DefaultWait));
        Assert.Equal(1, Volatile.Read(ref cancelled));
        Assert.True(transport.Disposed);
        var read = await output.Reader.ReadAsync();
        var answer = JObject.Parse(Encoding.UTF8.GetString(read.Buffer.ToArray()).Trim());
        AssertError(answer, -32800, id: "slow");
    }
}
