using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Methods.Declarations;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>
/// <c>ipmirpc call METHOD</c> warms what the request needs on a thread of its own from argv alone: whatever the name on
/// the command line, that thread must never fail (an exception there would end the process), and the request racing
/// it must answer as it does without it.
/// </summary>
public sealed class CallWarmUpTests
{
    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string> { "no.such", "", "--params", "call" };
        foreach (var name in MethodCatalog.All.Keys)
        {
            names.Add(name);
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_warm_up_returns_for_any_name(string method) => CallWarmUp.Run(method);

    [Fact]
    public async Task A_call_racing_its_warm_up_answers_as_without_it()
    {
        var transport = new FakeTransport { Responder = (_, _) => Task.FromResult(DeviceIdResponse()) };
        var targets = new TargetResolver(new Dictionary<string, JObject>
        {
            [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw" },
        });
        var context = new HostContext([transport], targets, OpenRpcDocument.Generated, NullLoggerFactory.Instance);
        await using (context)
        {
            CallWarmUp.Start("bmc.getDeviceId");
            var outcome = await DirectCall.InvokeAsync(context, "bmc.getDeviceId", null, CancellationToken.None);
            Assert.Null(outcome.Error);
            Assert.NotNull(outcome.Result?["deviceId"]);
            Assert.Equal(1, transport.Opened);
        }
    }
}
