using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Management.Infrastructure;

namespace IpmiRpc.Transports.Cim.Tests;

public class CimIpmiSessionTests
{
    private const string Password = "Sup3rS3cret!";

    private static CimConnectionOptions Remote(TimeSpan? timeout = null) => new()
    {
        ComputerName = "srv01",
        Protocol = CimProtocol.WsMan,
        Username = @"CORP\admin",
        Password = Secret.FromString(Password),
        OperationTimeout = timeout ?? TimeSpan.FromSeconds(5),
    };

    private static async Task<CimIpmiSession> OpenAsync(FakeCimGatewayFactory factory, CimConnectionOptions? options = null, TimeSpan? grace = null, TimeProvider? time = null)
    {
        var session = new CimIpmiSession(factory, options ?? Remote(), grace, time);
        await session.ConnectAsync(CancellationToken.None);
        return session;
    }

    private static Dictionary<string, object> ArgsOf(IReadOnlyList<CimArgument> call) => call.ToDictionary(a => a.Name, a => a.Value);

    [Theory]
    [InlineData("GetDeviceId")]
    [InlineData("GetChassisStatus")]
    [InlineData("GetSelInfo")]
    [InlineData("GetLanConfigurationParameters")]
    public async Task Catalogue_NetFn_and_command_reach_RequestResponse_unchanged(string name)
    {
        Assert.True(CommandCatalogue.TryGet(name, out var info));
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);

        await session.SendAsync(new IpmiRequest(info.NetFn, info.Command, new byte[] { 0x01, 0x02 }), CancellationToken.None);

        var gateway = Assert.Single(factory.Gateways);
        var args = ArgsOf(Assert.Single(gateway.Calls));
        Assert.Equal(info.NetFn, args["NetworkFunction"]);
        Assert.Equal(info.Command, args["Command"]);
        Assert.Equal(new byte[] { 0x01, 0x02 }, args["RequestData"]);
        Assert.Equal(2u, args["RequestDataSize"]);
    }

    [Fact]
    public async Task Response_comes_back_with_the_completion_code_once()
    {
        var factory = new FakeCimGatewayFactory { Responder = _ => FakeCimGatewayFactory.OutParameters(0x00, [0x00, 0x51, 0x02], 3) };
        await using var session = await OpenAsync(factory);

        var response = await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);

        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(new byte[] { 0x51, 0x02 }, response.Data.ToArray());
    }

    [Fact]
    public async Task Open_connects_once_and_the_instance_is_reused_for_every_call()
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);

        for (var i = 0; i < 5; i++)
        {
            await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        }

        Assert.Equal(1, factory.ConnectCount);
        Assert.Equal(5, Assert.Single(factory.Gateways).Calls.Count);
        Assert.Equal(1, session.ConnectCount);
    }

    [Fact]
    public async Task Connection_failure_on_a_pooled_CimSession_recreates_it_and_the_request_still_succeeds()
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);
        await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        var first = Assert.Single(factory.Gateways);
        first.InvokeFailures.Enqueue(new CimGatewayException(CimFailureKind.Connection, "The WinRM client cannot complete the operation"));

        var response = await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);

        Assert.True(response.IsSuccess);
        Assert.True(first.IsDisposed);
        Assert.Equal(2, factory.ConnectCount);
        Assert.Single(factory.Gateways.Last().Calls);
        Assert.True(session.IsUsable);
    }

    [Fact]
    public async Task Timeout_drops_the_CimSession_and_the_next_call_opens_a_fresh_one()
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);
        var first = Assert.Single(factory.Gateways);
        first.InvokeFailures.Enqueue(new CimGatewayException(CimFailureKind.Timeout, "The WS-Management service cannot complete the operation within the time specified"));

        var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None));
        Assert.Equal(IpmiErrorKind.Timeout, ex.Kind);
        Assert.True(first.IsDisposed);
        Assert.True(session.IsUsable);

        var response = await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        Assert.True(response.IsSuccess);
        Assert.Equal(2, factory.ConnectCount);
    }

    [Fact]
    public async Task A_persistent_connection_failure_is_reported_not_retried_forever()
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);
        Assert.Single(factory.Gateways).InvokeFailures.Enqueue(new CimGatewayException(CimFailureKind.Connection, "gone"));
        factory.ConnectFailures.Enqueue(new CimGatewayException(CimFailureKind.Connection, "The WinRM client cannot complete the operation"));

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None));

        Assert.Equal("cim", ex.Transport);
        Assert.Contains("WinRM", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(2, factory.ConnectCount);

        // The next request connects again and is served.
        var response = await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        Assert.True(response.IsSuccess);
        Assert.Equal(3, factory.ConnectCount);
    }

    [Fact]
    public async Task A_completion_code_error_keeps_the_CimSession()
    {
        var factory = new FakeCimGatewayFactory { Responder = _ => FakeCimGatewayFactory.OutParameters(0xCC, [0xCC], 1) };
        await using var session = await OpenAsync(factory);

        var response = await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        await Assert.ThrowsAsync<IpmiDecodeException>(async () =>
        {
            factory.Responder = _ => FakeCimGatewayFactory.OutParameters(0x00, [0xC1], 1);
            await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        });

        Assert.Equal(0xCC, response.CompletionCode);
        Assert.Equal(1, factory.ConnectCount);
        Assert.False(Assert.Single(factory.Gateways).IsDisposed);
    }

    [Fact]
    public async Task Calls_on_one_session_are_serialized()
    {
        var inside = 0;
        var maxInside = 0;
        var factory = new FakeCimGatewayFactory
        {
            OnInvoke = _ =>
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref maxInside, now);
                Thread.Sleep(15); // widens the window an overlap would need; nothing waits on it
                Interlocked.Decrement(ref inside);
            },
        };
        await using var session = await OpenAsync(factory);

        var requests = Enumerable.Range(0, 12)
            .Select(i => session.SendAsync(new IpmiRequest(0x06, 0x01, new byte[] { (byte)i }), CancellationToken.None));
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.True(r.IsSuccess));
        Assert.Equal(1, maxInside);
        Assert.Equal(12, Assert.Single(factory.Gateways).Calls.Count);
    }

    [Fact]
    public async Task A_long_queue_of_quick_calls_is_not_mistaken_for_a_stuck_one()
    {
        // Deadline 150 ms per call; eight calls of 40 ms each need 320 ms in all (more than one deadline), and none of
        // them is late. Each call spends its 40 ms on the session's fake clock, so a loaded machine changes nothing.
        var time = new FakeTimeProvider();
        var factory = new FakeCimGatewayFactory { OnInvoke = _ => time.Advance(TimeSpan.FromMilliseconds(40)) };
        await using var session = await OpenAsync(factory, Remote(TimeSpan.FromMilliseconds(100)), grace: TimeSpan.FromMilliseconds(50), time: time);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None)));

        Assert.All(responses, r => Assert.True(r.IsSuccess));
    }

    [Fact]
    public async Task Different_sessions_run_concurrently()
    {
        // Each invoke waits until both sessions are inside at once; serialized sessions would never get there.
        using var bothInside = new CountdownEvent(2);
        var sawBoth = 0;
        var factory = new FakeCimGatewayFactory
        {
            OnInvoke = _ =>
            {
                bothInside.Signal();
                if (bothInside.Wait(TimeSpan.FromSeconds(5)))
                {
                    Interlocked.Increment(ref sawBoth);
                }
            },
        };
        await using var a = await OpenAsync(factory);
        await using var b = await OpenAsync(factory, new CimConnectionOptions { ComputerName = "srv02" });

        await Task.WhenAll(
            a.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None),
            b.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None));

        Assert.Equal(2, sawBoth);
    }

    [Fact]
    public async Task A_stuck_provider_call_times_out_and_later_calls_do_not_overlap_it()
    {
        // Deadline 150 ms (100 ms operation timeout + 50 ms grace) on the session's fake clock: the connect and every
        // wait below time out only when the test moves the clock, so a loaded machine changes nothing.
        var time = new FakeTimeProvider();
        using var release = new ManualResetEventSlim();
        var inside = 0;
        var overlapped = false;
        var factory = new FakeCimGatewayFactory
        {
            OnInvoke = _ =>
            {
                if (Interlocked.Increment(ref inside) > 1)
                {
                    overlapped = true;
                }

                release.Wait(Poll.DefaultLimit);
                Interlocked.Decrement(ref inside);
            },
        };
        await using var session = await OpenAsync(factory, Remote(TimeSpan.FromMilliseconds(100)), grace: TimeSpan.FromMilliseconds(50), time: time);

        var stuck = session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        await Poll.UntilAsync(() => Volatile.Read(ref inside) == 1, "the provider call to start");
        time.Advance(TimeSpan.FromMilliseconds(149));
        Assert.False(stuck.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var stuckError = await Assert.ThrowsAsync<IpmiTimeoutException>(() => stuck.WaitAsync(Poll.DefaultLimit));

        // One call ahead (the stuck one, still inside the provider): the queued call may wait two deadlines for it.
        var queued = session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.False(queued.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var queuedError = await Assert.ThrowsAsync<IpmiTimeoutException>(() => queued.WaitAsync(Poll.DefaultLimit));

        release.Set();
        var after = await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None).WaitAsync(Poll.DefaultLimit);

        Assert.Equal(150, stuckError.TimeoutMs);
        Assert.Contains("did not return", stuckError.Message, StringComparison.Ordinal);
        Assert.Contains("still running", queuedError.Message, StringComparison.Ordinal);
        Assert.True(after.IsSuccess);
        Assert.False(overlapped);
    }

    [Fact]
    public async Task Cancellation_is_honoured_while_waiting_for_the_session()
    {
        using var release = new ManualResetEventSlim();
        var factory = new FakeCimGatewayFactory { OnInvoke = _ => release.Wait(TimeSpan.FromSeconds(5)) };
        await using var session = await OpenAsync(factory);
        var first = session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), cts.Token));

        release.Set();
        Assert.True((await first).IsSuccess);
    }

    public static TheoryData<Exception, IpmiErrorKind> GatewayFailures => new()
    {
        { new CimGatewayException(CimFailureKind.NoInstance, "Microsoft_IPMI has no instance"), IpmiErrorKind.TransportUnavailable },
        { new CimGatewayException(CimFailureKind.AccessDenied, "Access is denied."), IpmiErrorKind.PermissionDenied },
        { new UnauthorizedAccessException("Access is denied."), IpmiErrorKind.PermissionDenied },
        { new CimGatewayException(CimFailureKind.AuthenticationFailed, "The user name or password is incorrect."), IpmiErrorKind.AuthenticationFailed },
        { new CimGatewayException(CimFailureKind.Timeout, "timed out"), IpmiErrorKind.Timeout },
        { new CimGatewayException(CimFailureKind.Connection, "The RPC server is unavailable."), IpmiErrorKind.TransportUnavailable },
        { new CimGatewayException(CimFailureKind.Rejected, "Invalid parameter"), IpmiErrorKind.NotSupported },
        { new CimGatewayException(CimFailureKind.ProviderFailed, "Generic failure"), IpmiErrorKind.MalformedResponse },
        { new DllNotFoundException("Unable to load shared library 'libmi'"), IpmiErrorKind.TransportUnavailable },
        { new TypeInitializationException("Microsoft.Management.Infrastructure.Native.ApplicationMethods", new DllNotFoundException("libmi")), IpmiErrorKind.TransportUnavailable },
        { new PlatformNotSupportedException(), IpmiErrorKind.TransportUnavailable },
        { new InvalidOperationException("something odd"), IpmiErrorKind.TransportUnavailable },
    };

    [Theory]
    [MemberData(nameof(GatewayFailures))]
    public async Task Failures_at_open_map_to_their_error_family_and_never_leak_the_password(Exception failure, IpmiErrorKind expected)
    {
        var factory = new FakeCimGatewayFactory();
        factory.ConnectFailures.Enqueue(failure);
        await using var session = new CimIpmiSession(factory, Remote());

        var ipmi = await Assert.ThrowsAnyAsync<IpmiException>(() => session.ConnectAsync(CancellationToken.None));

        Assert.Equal(expected, ipmi.Kind);
        AssertNoSecret(ipmi.Message);
        AssertNoSecret(string.Join(";", ipmi.Details.Select(kv => kv.Key + "=" + kv.Value)));
        AssertNoSecret(ipmi.ToString());
    }

    [Theory]
    [MemberData(nameof(GatewayFailures))]
    public async Task Failures_during_a_call_map_to_their_error_family(Exception failure, IpmiErrorKind expected)
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory, new CimConnectionOptions());
        Assert.Single(factory.Gateways).InvokeFailures.Enqueue(failure);
        if (failure is CimGatewayException { Kind: CimFailureKind.Connection })
        {
            // A connection failure on a pooled CimSession is retried once on a new one: make the new one fail too.
            factory.ConnectFailures.Enqueue(failure);
        }

        var ex = await Assert.ThrowsAnyAsync<IpmiException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None));

        Assert.Equal(expected, ex.Kind);
    }

    [Fact]
    public async Task No_instance_says_the_IPMI_driver_is_not_loaded()
    {
        var factory = new FakeCimGatewayFactory();
        factory.ConnectFailures.Enqueue(new CimGatewayException(CimFailureKind.NoInstance, "Microsoft_IPMI has no instance on localhost"));
        await using var session = new CimIpmiSession(factory, new CimConnectionOptions());

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => session.ConnectAsync(CancellationToken.None));

        Assert.StartsWith("IPMI driver not loaded (Microsoft IPMI driver / ipmidrv)", ex.Hint, StringComparison.Ordinal);
        Assert.Equal(IpmiErrorKind.TransportUnavailable, ex.Kind);
        Assert.Equal("cim", ex.Details["transport"]);
    }

    [Fact]
    public async Task Local_access_denied_says_run_as_Administrator()
    {
        var factory = new FakeCimGatewayFactory();
        factory.ConnectFailures.Enqueue(new CimGatewayException(CimFailureKind.AccessDenied, "Access denied"));
        await using var session = new CimIpmiSession(factory, new CimConnectionOptions());

        var ex = await Assert.ThrowsAsync<IpmiPermissionDeniedException>(() => session.ConnectAsync(CancellationToken.None));

        Assert.Contains("run as Administrator", ex.Message, StringComparison.Ordinal);
        Assert.Equal(IpmiErrorKind.PermissionDenied, ex.Kind);
    }

    [Fact]
    public async Task The_library_failure_on_Linux_maps_to_the_linux_hint()
    {
        var factory = new FakeCimGatewayFactory();
        factory.ConnectFailures.Enqueue(new DllNotFoundException("Unable to load shared library 'libmi'"));
        await using var session = new CimIpmiSession(factory, new CimConnectionOptions());

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() => session.ConnectAsync(CancellationToken.None));

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal("The cim transport needs Windows (WMI Microsoft_IPMI). On Linux use openipmi or lanplus.", ex.Hint);
        }

        Assert.IsType<DllNotFoundException>(ex.InnerException);
    }

    [Fact]
    public async Task The_gateway_receives_the_credentials_but_Describe_and_ToString_never_show_the_password()
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);
        await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None);

        var options = Assert.Single(factory.Connections);
        Assert.Equal(Secret.FromString(Password), options.Password);
        Assert.Equal(@"CORP\admin", options.Username);

        var describe = session.Describe();
        Assert.Equal("srv01", describe["computerName"]);
        Assert.Equal("wsman", describe["protocol"]);
        Assert.Equal(@"CORP\admin", describe["username"]);
        Assert.Equal(@"Root\SYSTEM\0001_1", describe["instanceName"]);
        Assert.Equal(true, describe["connected"]);
        Assert.Equal(1L, describe["requests"]);
        AssertNoSecret(string.Join(";", describe.Select(kv => kv.Key + "=" + kv.Value)));
        AssertNoSecret(session.ToString()!);
        AssertNoSecret(options.ToString());
        Assert.DoesNotContain(Secret.FromString(Password).Fingerprint, string.Join(";", describe.Values), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bridged_requests_and_oversized_data_are_refused_before_the_provider()
    {
        var factory = new FakeCimGatewayFactory();
        await using var session = await OpenAsync(factory);

        await Assert.ThrowsAsync<IpmiNotSupportedException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty, Channel: 7), CancellationToken.None));
        await Assert.ThrowsAsync<IpmiNotSupportedException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, new byte[256]), CancellationToken.None));

        Assert.Empty(Assert.Single(factory.Gateways).Calls);
    }

    [Fact]
    public async Task Dispose_closes_the_CimSession_and_the_session_is_no_longer_usable()
    {
        var factory = new FakeCimGatewayFactory();
        var session = await OpenAsync(factory);

        await session.DisposeAsync();
        await session.DisposeAsync();

        Assert.True(Assert.Single(factory.Gateways).IsDisposed);
        Assert.False(session.IsUsable);
        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None));
        Assert.Equal("cim", ex.Transport);
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(Password)), text, StringComparison.OrdinalIgnoreCase);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
