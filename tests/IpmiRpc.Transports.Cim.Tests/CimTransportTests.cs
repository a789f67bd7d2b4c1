using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim.Tests;

public class CimTransportTests
{
    private const string LinuxHint = "The cim transport needs Windows (WMI Microsoft_IPMI). On Linux use openipmi or lanplus.";
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);

    [Fact]
    public void Name_is_cim() => Assert.Equal("cim", new CimTransport().Name);

    [Fact]
    public async Task On_this_non_Windows_host_open_is_transport_unavailable_with_the_hint()
    {
        Assert.False(OperatingSystem.IsWindows(), "this test documents the Linux behaviour");
        Assert.False(CimTransport.IsSupported);

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            new CimTransport().OpenAsync(CimTransport.LocalTarget, CancellationToken.None));

        Assert.Equal(IpmiErrorKind.TransportUnavailable, ex.Kind);
        Assert.Equal("cim", ex.Transport);
        Assert.Equal(LinuxHint, ex.Hint);
        Assert.Null(ex.InnerException); // refused before the native library was touched
        Assert.Equal(LinuxHint, ex.Details["hint"]);
    }

    [Fact]
    public async Task Unsupported_platform_never_reaches_the_CIM_seam()
    {
        var factory = new FakeCimGatewayFactory();
        var transport = new CimTransport(factory, () => false);

        await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            transport.OpenAsync(new IpmiTarget { Transport = "cim", ComputerName = "srv01" }, CancellationToken.None));

        Assert.Equal(0, factory.ConnectCount);
    }

    [Fact]
    public async Task Open_hands_the_target_to_the_seam_and_returns_a_connected_session()
    {
        var factory = new FakeCimGatewayFactory();
        var transport = new CimTransport(factory, () => true);

        await using var session = await transport.OpenAsync(new IpmiTarget
        {
            Transport = "cim",
            ComputerName = "srv01",
            Protocol = "dcom",
            Username = "admin",
            Password = Secret.FromString("pw"),
            TimeoutMs = 200,
            Retries = 1,
        }, CancellationToken.None);

        var options = Assert.Single(factory.Connections);
        Assert.Equal("srv01", options.ComputerName);
        Assert.Equal(CimProtocol.Dcom, options.Protocol);
        Assert.Equal(TimeSpan.FromMilliseconds(400), options.OperationTimeout);
        Assert.Equal(true, session.Describe()["connected"]);
    }

    [Fact]
    public async Task A_failed_open_disposes_nothing_half_made_and_reports_the_mapped_error()
    {
        var factory = new FakeCimGatewayFactory();
        factory.ConnectFailures.Enqueue(new CimGatewayException(CimFailureKind.NoInstance, "no instance"));
        var transport = new CimTransport(factory, () => true);

        var ex = await Assert.ThrowsAsync<TransportUnavailableException>(() =>
            transport.OpenAsync(CimTransport.LocalTarget, CancellationToken.None));

        Assert.Contains("ipmidrv", ex.Hint, StringComparison.Ordinal);
        Assert.Empty(factory.Gateways);
    }

    [Fact]
    public async Task The_pool_reuses_one_CimSession_per_target()
    {
        var factory = new FakeCimGatewayFactory();
        await using var pool = new SessionPool([new CimTransport(factory, () => true)]);
        var target = new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "admin", Password = Secret.FromString("pw") };

        for (var i = 0; i < 4; i++)
        {
            var response = await pool.SendAsync(target with { }, GetDeviceId, CancellationToken.None);
            Assert.True(response.IsSuccess);
        }

        Assert.Equal(1, factory.ConnectCount);
        Assert.Equal(4, Assert.Single(factory.Gateways).Calls.Count);
        Assert.Single(pool.List());
    }

    public static TheoryData<string, IpmiTarget> OtherKeys => new()
    {
        { "computer", new IpmiTarget { Transport = "cim", ComputerName = "srv02", Username = "admin", Password = Secret.FromString("pw") } },
        { "protocol", new IpmiTarget { Transport = "cim", ComputerName = "srv01", Protocol = "dcom", Username = "admin", Password = Secret.FromString("pw") } },
        { "user", new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "operator", Password = Secret.FromString("pw") } },
        { "password", new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "admin", Password = Secret.FromString("other") } },
        { "local", new IpmiTarget { Transport = "cim" } },
    };

    [Theory]
    [MemberData(nameof(OtherKeys))]
    public async Task Different_computer_protocol_user_or_credential_get_different_CimSessions(string what, IpmiTarget other)
    {
        var factory = new FakeCimGatewayFactory();
        await using var pool = new SessionPool([new CimTransport(factory, () => true)]);
        var target = new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "admin", Password = Secret.FromString("pw") };

        await pool.SendAsync(target, GetDeviceId, CancellationToken.None);
        await pool.SendAsync(other, GetDeviceId, CancellationToken.None);
        await pool.SendAsync(target, GetDeviceId, CancellationToken.None);

        Assert.True(factory.ConnectCount == 2, $"a different {what} must open its own CimSession");
        Assert.Equal(2, pool.List().Count);
    }

    [Fact]
    public async Task The_pool_keeps_a_session_whose_CimSession_was_recreated_and_closes_it_on_dispose()
    {
        var factory = new FakeCimGatewayFactory();
        var pool = new SessionPool([new CimTransport(factory, () => true)]);
        var target = new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "admin", Password = Secret.FromString("pw") };
        await pool.SendAsync(target, GetDeviceId, CancellationToken.None);
        factory.Gateways.Single().InvokeFailures.Enqueue(new CimGatewayException(CimFailureKind.Connection, "WinRM restarted"));

        var response = await pool.SendAsync(target, GetDeviceId, CancellationToken.None);
        var listed = Assert.Single(pool.List());
        await pool.DisposeAsync();

        Assert.True(response.IsSuccess);
        Assert.Equal(2, listed.Details["connects"]);
        Assert.All(factory.Gateways, g => Assert.True(g.IsDisposed));
    }

    [Fact]
    public async Task Sessions_list_never_shows_the_password()
    {
        var factory = new FakeCimGatewayFactory();
        await using var pool = new SessionPool([new CimTransport(factory, () => true)]);
        await pool.SendAsync(
            new IpmiTarget { Transport = "cim", ComputerName = "srv01", Username = "admin", Password = Secret.FromString("Sup3rS3cret!") },
            GetDeviceId,
            CancellationToken.None);

        var info = Assert.Single(pool.List());
        var text = info.ToString() + string.Join(";", info.Details.Select(kv => kv.Key + "=" + kv.Value));

        Assert.DoesNotContain("Sup3rS3cret!", text, StringComparison.Ordinal);
        Assert.Contains("srv01", text, StringComparison.Ordinal);
    }
}
