using System.Diagnostics;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.Hosting.BackPressureTests;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Methods;

/// <summary>
/// Issue 20: the target of a request is resolved (its secret files read) on the thread pool within the request's
/// deadline. The <c>target</c> param got that; a request without one, served by the default target of --targets,
/// still read the default's passwordFile on the dispatcher's thread, where every later request waits.
/// </summary>
public sealed class RpcCallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-rpccall-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_default_target_whose_secret_read_blocks_fails_at_its_timeout_while_other_requests_are_served()
    {
        // The environment lookup stands in for a read that blocks (a file on a hung network mount): it is the one
        // secret source a test can hold. It blocks only for the default target's variable, and never past 30 s.
        using var release = new ManualResetEventSlim();
        var lookups = 0;
        var resolver = new TargetResolver(
            new Dictionary<string, JObject>
            {
                [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["passwordEnv"] = "HELD_PW" },
            },
            environment: name =>
            {
                Interlocked.Increment(ref lookups);
                release.Wait(TimeSpan.FromSeconds(30));
                return "pw";
            });
        await using var host = Start(targets: resolver);

        await host.SendAsync(Request("held", "bmc.getDeviceId", new JObject { ["timeoutMs"] = 300 }));
        await PollAsync(() => Volatile.Read(ref lookups) == 1);

        // Read after the held request and answered while its secret read still blocks.
        await host.SendAsync(Request("next", "sessions.list"));
        var first = await host.ReadAsync();
        var second = await host.ReadAsync();
        release.Set();

        var byId = new[] { first, second }.ToDictionary(r => (string)r["id"]!);
        Assert.IsType<JArray>(byId["next"]["result"]);
        AssertError(byId["held"], -32004, "held");
        Assert.Equal(300, (int?)byId["held"]["error"]?["data"]?["timeoutMs"]);
        Assert.Equal(0, host.Transport.Opened);
    }

    [Fact]
    public async Task A_fifo_as_the_default_targets_password_file_fails_that_request_and_the_connection_serves_on()
    {
        var fifo = Path.Combine(_dir, "pw.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var resolver = new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["passwordFile"] = fifo },
        });
        await using var host = Start(targets: resolver);

        await host.SendAsync(Request("fifo", "bmc.getDeviceId", new JObject { ["timeoutMs"] = 5000 }));
        await host.SendAsync(Request("next", "sessions.list"));
        var answers = new[] { await host.ReadAsync(), await host.ReadAsync() }.ToDictionary(r => (string)r["id"]!);

        AssertError(answers["fifo"], -32602, "fifo", "target.passwordFile");
        Assert.IsType<JArray>(answers["next"]["result"]);
        Assert.Equal(0, host.Transport.Opened);

        // The connection still serves the default target's requests, which fail the same way each time.
        AssertError(await host.CallAsync("bmc.getDeviceId"), -32602, field: "target.passwordFile");
    }

    [Fact]
    public async Task A_bad_default_target_does_not_fail_a_method_that_does_not_use_it()
    {
        var resolver = new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["passwordEnv"] = "NOT_SET_ANYWHERE" },
        }, environment: _ => null);
        await using var host = Start(targets: resolver);

        // sessions.close without a target closes every session; the default target plays no part.
        var closed = await host.CallAsync("sessions.close");
        Assert.Equal(0, (int?)closed["result"]?["closed"]);

        AssertError(await host.CallAsync("bmc.getDeviceId"), -32602, field: "target.passwordEnv");
    }
}
