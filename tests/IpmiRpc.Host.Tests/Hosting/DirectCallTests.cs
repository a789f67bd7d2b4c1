using System.Collections.Concurrent;
using IpmiRpc.Core;
using IpmiRpc.Host.Hosting;
using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Newtonsoft.Json.Serialization;
using static IpmiRpc.Host.Tests.HostHarness;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>
/// <c>ipmirpc call</c> dispatches without the JSON-RPC server; every outcome must equal what the server answers for the
/// same request: same result JSON, same error code, message and data.
/// </summary>
public sealed class DirectCallTests
{
    public static TheoryData<string, string, string?> Cases() => new()
    {
        { "device id", "bmc.getDeviceId", null },
        { "device id, explicit target object", "bmc.getDeviceId", """{"target":{"host":"b.test","username":"admin","passwordEnv":"NO_SUCH_VARIABLE_FOR_TEST"}}""" },
        { "raw by name", "ipmi.requestResponse", """{"command":"GetDeviceId"}""" },
        { "raw by number", "ipmi.requestResponse", """{"netFn":6,"command":1,"data":"01 02"}""" },
        { "raw missing netFn", "ipmi.requestResponse", """{"command":1}""" },
        { "raw bad byte", "ipmi.requestResponse", """{"netFn":6,"command":1,"data":[1,256]}""" },
        { "unknown param", "sessions.list", """{"nope":1}""" },
        { "timeoutMs out of range", "bmc.getDeviceId", """{"timeoutMs":0}""" },
        { "params array, known method", "sessions.list", "[1]" },
        { "params array, unknown method", "no.such", "[1]" },
        { "params scalar", "sessions.list", "5" },
        { "params string", "sessions.list", "\"x\"" },
        { "params null", "sessions.list", "null" },
        { "empty params", "sessions.list", "{}" },
        { "unknown method", "no.such", null },
        { "empty method", "", null },
        { "sessions.close", "sessions.close", null },
        { "discover", "rpc.discover", null },
        { "completion code", "ipmi.requestResponse", """{"netFn":6,"command":88}""" },
        { "authentication failure", "ipmi.requestResponse", """{"netFn":52,"command":1}""" },
        { "unexpected exception", "ipmi.requestResponse", """{"netFn":50,"command":1}""" },
        { "timeoutMs expires", "ipmi.requestResponse", """{"netFn":48,"command":1,"timeoutMs":50}""" },
        { "string that looks like a date stays a string", "systemInfo.set", """{"values":{"hostName":"2020-01-01T00:00:00"},"x":"2020-01-01"}""" },
        { "target with an unknown field", "bmc.getDeviceId", """{"target":{"host":"b.test","nope":1}}""" },
        { "target named, not configured", "bmc.getDeviceId", """{"target":"nobody"}""" },
        { "target password file unreadable", "bmc.getDeviceId", """{"target":{"host":"b.test","username":"admin","passwordFile":"/nonexistent/ipmirpc-test/pw"}}""" },
        { "target password environment unset", "bmc.getDeviceId", """{"target":{"host":"b.test","username":"admin","passwordEnv":"NO_SUCH_VARIABLE_FOR_TEST"}}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Outcome_equals_what_the_server_answers(string why, string method, string? paramsJson) =>
        AssertOutcomeEqualsServersAsync(why, method, paramsJson, oneShot: false);

    /// <summary>
    /// <c>ipmirpc call</c> resolves a target that needs no file read on its own thread, without the thread-pool hop the
    /// server makes: the outcome must stay what the server answers, errors of a bad or unreadable target included.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public Task One_shot_outcome_equals_what_the_server_answers(string why, string method, string? paramsJson) =>
        AssertOutcomeEqualsServersAsync(why, method, paramsJson, oneShot: true);

    private static async Task AssertOutcomeEqualsServersAsync(string why, string method, string? paramsJson, bool oneShot)
    {
        _ = why;
        var parameters = paramsJson is null ? null : JToken.Parse(paramsJson, new JsonLoadSettings());

        await using var server = Start(Transport(), targets: DefaultTargets());
        var request = new JObject { ["jsonrpc"] = "2.0", ["id"] = 7, ["method"] = method };
        if (parameters is not null)
        {
            request["params"] = parameters.DeepClone();
        }

        await server.SendAsync(request);
        var expected = await server.ReadAsync();

        var transport = Transport();
        var context = new HostContext([transport], DefaultTargets(), OpenRpcDocument.Generated, NullLoggerFactory.Instance);
        DirectCall.Outcome outcome;
        await using (context)
        {
            using var deadline = new CancellationTokenSource(DefaultWait);
            outcome = await DirectCall.InvokeAsync(context, method, parameters, deadline.Token, oneShot: oneShot);
        }

        if (expected["error"] is JObject error)
        {
            Assert.Null(outcome.Result);
            Assert.NotNull(outcome.Error);
            AssertSame(error, outcome.Error!.ToJson());
        }
        else
        {
            Assert.Null(outcome.Error);
            AssertSame(expected["result"]!, outcome.Result!);
        }

        Assert.True(transport.Disposed, "the caller's HostContext disposal reaches the transport");
    }

    [Fact]
    public async Task Sessions_opened_by_the_call_are_left_to_the_host_context_which_closes_them()
    {
        var transport = Transport();
        var context = new HostContext([transport], DefaultTargets(), OpenRpcDocument.Generated, NullLoggerFactory.Instance);
        var outcome = await DirectCall.InvokeAsync(context, "bmc.getDeviceId", null, CancellationToken.None);
        Assert.Null(outcome.Error);
        Assert.Equal(1, transport.Opened);
        Assert.Single(context.Pool.List());
        await context.DisposeAsync();
        Assert.Empty(context.Pool.List());
        Assert.True(transport.Disposed);
    }

    [Fact]
    public void Preparing_a_result_type_builds_the_contracts_of_every_type_it_reaches()
    {
        var resolver = new CountingResolver();
        DirectCall.PrepareContracts(resolver, typeof(Outer));
        foreach (var reached in new[] { typeof(Outer), typeof(Inner), typeof(Leaf), typeof(List<Inner>), typeof(Dictionary<string, Leaf>) })
        {
            Assert.Contains(reached, resolver.Created);
        }

        Assert.DoesNotContain(typeof(Hidden), resolver.Created);
    }

    [Fact]
    public void Preparing_a_type_Newtonsoft_refuses_leaves_the_error_to_the_serialization()
    {
        var resolver = new CountingResolver { Refuse = typeof(Inner) };
        DirectCall.PrepareContracts(resolver, typeof(Outer));
        Assert.Contains(typeof(Outer), resolver.Created);
    }

    [Fact]
    public async Task A_result_type_s_contracts_are_built_once_and_later_callers_share_that_build()
    {
        var first = DirectCall.PrepareResultContracts(typeof(PreparedOnce));
        var second = DirectCall.PrepareResultContracts(typeof(PreparedOnce));
        Assert.Same(first, second);
        await first;
        Assert.True(first.IsCompletedSuccessfully);
    }

    /// <summary>
    /// The warm-up thread of <c>ipmirpc call</c> claims the result's contracts as soon as it knows the method and builds
    /// them last: a request reaching them meanwhile must wait for that claim instead of building them again (on main's
    /// code it started a thread-pool worker to build them beside the warm-up thread, before its first datagram).
    /// </summary>
    [Fact]
    public async Task Contracts_claimed_by_another_thread_are_waited_for_not_built_again()
    {
        var claim = DirectCall.ClaimResultContracts(typeof(ClaimedElsewhere));
        Assert.NotNull(claim);
        Assert.Null(DirectCall.ClaimResultContracts(typeof(ClaimedElsewhere)));
        var waiting = DirectCall.PrepareResultContracts(typeof(ClaimedElsewhere));
        Assert.False(waiting.IsCompleted);
        DirectCall.BuildClaimedResultContracts(typeof(ClaimedElsewhere), claim);
        await waiting;
        Assert.True(waiting.IsCompletedSuccessfully);
        Assert.Same(waiting, DirectCall.PrepareResultContracts(typeof(ClaimedElsewhere)));
    }

    [Fact]
    public void A_claim_is_released_even_when_building_the_contracts_fails()
    {
        var claim = DirectCall.ClaimResultContracts(typeof(ClaimedThenFailing));
        Assert.NotNull(claim);
        // A converter that is no converter fails the build (and later the serialization); the claim completes all the same.
        Assert.Throws<InvalidCastException>(() => DirectCall.BuildClaimedResultContracts(typeof(ClaimedThenFailing), claim));
        Assert.True(DirectCall.PrepareResultContracts(typeof(ClaimedThenFailing)).IsCompletedSuccessfully);
    }

    [Theory]
    [MemberData(nameof(CallWarmUpTests.Names), MemberType = typeof(CallWarmUpTests))]
    public void After_the_warm_up_of_a_method_its_result_contracts_are_built(string method)
    {
        CallWarmUp.Run(method);
        if (IpmiRpc.Host.Methods.Declarations.MethodCatalog.TryGet(method, out var declaration))
        {
            Assert.True(DirectCall.PrepareResultContracts(declaration.ResultType).IsCompletedSuccessfully);
        }
    }

    private sealed record ClaimedElsewhere(Leaf Leaf);

    private sealed record ClaimedThenFailing(Leaf Leaf, [property: JsonConverter(typeof(int))] int Broken);

    private sealed record PreparedOnce(Leaf Leaf);

    private sealed record Leaf(int Value);

    private sealed record Hidden(int Value);

    private sealed record Inner(Leaf Leaf, int[] Bytes);

    private sealed record Outer(Inner First, List<Inner> Many, Dictionary<string, Leaf> ByName, [property: JsonIgnore] Hidden? Skipped, Outer? Self);

    private sealed class CountingResolver : DefaultContractResolver
    {
        public ConcurrentBag<Type> Created { get; } = [];

        public Type? Refuse { get; init; }

        protected override JsonContract CreateContract(Type objectType)
        {
            if (objectType == Refuse)
            {
                throw new JsonSerializationException("refused");
            }

            Created.Add(objectType);
            return base.CreateContract(objectType);
        }
    }

    private static void AssertSame(JToken expected, JToken actual) =>
        Assert.True(JToken.DeepEquals(expected, actual), $"server: {expected.ToString(Formatting.None)}\ncall:   {actual.ToString(Formatting.None)}");

    // retries 0: a timeoutMs error reports the resolved target's retries, or 0 when the deadline passed before the
    // target was resolved (a thread-pool hop that a loaded machine can delay past 50 ms); with 0 configured, the server
    // and the call report the same whichever way their timing went.
    private static TargetResolver DefaultTargets() => new(new Dictionary<string, JObject>
    {
        [TargetResolver.DefaultName] = new() { ["host"] = "bmc.test", ["username"] = "admin", ["password"] = "pw", ["retries"] = 0 },
    });

    /// <summary>Answers by NetFn so one transport serves every case: errors, a request that never ends, Get Device ID.</summary>
    private static FakeTransport Transport() => new()
    {
        Responder = async (request, ct) =>
        {
            switch (request.NetFn, request.Command)
            {
                case (0x06, 0x58):
                    return new IpmiResponse(0xC1, new byte[] { 0xAA });
                case (0x30, _):
                    await Task.Delay(Timeout.Infinite, ct);
                    break;
                case (0x32, _):
                    throw new InvalidOperationException("internal detail 1234");
                case (0x34, _):
                    throw new IpmiAuthenticationException("lanplus", "RAKP 2 HMAC did not verify");
            }

            return DeviceIdResponse();
        },
    };
}
