using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>The transport used directly (no host) against a real ipmi_sim BMC on loopback.</summary>
public sealed class LanPlusTransportSimTests : IAsyncLifetime
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private IpmiSim _sim = null!;

    public async Task InitializeAsync() => _sim = await IpmiSim.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    internal static IpmiTarget TargetFor(IpmiSim sim, int? cipherSuite = 3, string? password = null, int timeoutMs = 1000, int retries = 4, int? port = null) => new()
    {
        Transport = IpmiTarget.LanPlus,
        Host = sim.Host,
        Port = port ?? sim.Port,
        Username = sim.User,
        Password = Secret.FromString(password ?? sim.Password),
        CipherSuite = cipherSuite,
        TimeoutMs = timeoutMs,
        Retries = retries,
    };

    internal static byte[] ParseHex(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(h => Convert.ToByte(h, 16)).ToArray();

    [Fact]
    public async Task Suite3_GetDeviceId_matches_ipmitool_raw_on_the_same_simulator()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None);

        var response = await session.SendAsync(GetDeviceId, CancellationToken.None);

        var tool = await IpmiTool.RunAsync(_sim, "raw", "0x06", "0x01");
        Assert.True(tool.ExitCode == 0, tool.StdErr);
        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(ParseHex(tool.StdOut), response.Data.ToArray());
        Assert.True(session.IsUsable);
        var info = session.Describe();
        Assert.Equal(3, info["cipherSuite"]);
        Assert.Equal("AES-CBC-128", info["confidentiality"]);
        Assert.Equal("HMAC-SHA1-96", info["integrity"]);
        Assert.Equal("administrator", info["privilege"]);
        Assert.DoesNotContain(info.Values, v => v is string s && s.Contains(_sim.Password, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(10, ((string)info["bmcSessionId"]!).Length); // 0x + 8 hex digits
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Suites_without_encryption_also_answer_GetDeviceId(int suite)
    {
        await using var transport = new LanPlusTransport();
        // Suite 1 protects no packet (issue 20: an on-path proxy rewrote an answer undetected): only with allowInsecure.
        await using var session = await transport.OpenAsync(TargetFor(_sim, suite) with { AllowInsecure = suite == 1 }, CancellationToken.None);
        var response = await session.SendAsync(GetDeviceId, CancellationToken.None);
        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(15, response.Data.Length);
        Assert.Equal(suite, session.Describe()["cipherSuite"]);
        Assert.StartsWith(suite == 1 ? "none" : "integrity only", (string)session.Describe()["protection"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Suite1_without_AllowInsecure_is_refused_before_any_packet()
    {
        await using var transport = new LanPlusTransport();
        await Assert.ThrowsAsync<InsecureConfigurationException>(() => transport.OpenAsync(TargetFor(_sim, 1), CancellationToken.None));
        Assert.Equal(0, transport.DatagramsSent);
    }

    [Fact]
    public async Task Suite0_works_only_with_AllowInsecure()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(TargetFor(_sim, 0) with { AllowInsecure = true }, CancellationToken.None);
        var response = await session.SendAsync(GetDeviceId, CancellationToken.None);
        Assert.Equal(0, response.CompletionCode);
    }

    [Fact]
    public async Task Suite0_without_AllowInsecure_is_refused_before_any_packet()
    {
        await using var transport = new LanPlusTransport();
        await Assert.ThrowsAsync<InsecureConfigurationException>(() => transport.OpenAsync(TargetFor(_sim, 0), CancellationToken.None));
        Assert.Equal(0, transport.DatagramsSent);
    }

    [Fact]
    public async Task Negotiation_without_a_cipher_suite_picks_3_on_ipmi_sim_without_waiting_for_a_timeout()
    {
        // ipmi_sim lists suites 0–11 (no 17), so the preference order 17, 3 lands on 3. The clock is frozen: had any
        // step needed a timeout, the open could not complete.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        await using var session = await transport.OpenAsync(TargetFor(_sim, cipherSuite: null), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        Assert.Equal(3, session.Describe()["cipherSuite"]);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None)).CompletionCode);
    }

    [Fact]
    public async Task Two_hundred_concurrent_requests_on_one_session_each_get_their_own_answer()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None);

        // Requests whose answers differ: Get Device ID and Get LAN Configuration Parameters whose answers differ on ipmi_sim.
        var kinds = new List<IpmiRequest> { GetDeviceId };
        kinds.AddRange(new byte[] { 1, 2, 3, 4, 5, 7, 16, 20, 22, 23, 24 }.Select(p => new IpmiRequest(0x0C, 0x02, new byte[] { 0x01, p, 0x00, 0x00 })));
        var expected = new List<byte[]>();
        foreach (var kind in kinds)
        {
            var r = await session.SendAsync(kind, CancellationToken.None);
            Assert.Equal(0, r.CompletionCode);
            expected.Add(r.Data.ToArray());
        }

        Assert.Equal(expected.Count, expected.Select(Convert.ToHexString).Distinct().Count());

        var tasks = Enumerable.Range(0, 200).Select(i => (Kind: i % kinds.Count, Task: session.SendAsync(kinds[i % kinds.Count], CancellationToken.None))).ToArray();
        var results = await Task.WhenAll(tasks.Select(t => t.Task)).WaitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < tasks.Length; i++)
        {
            Assert.Equal(0, results[i].CompletionCode);
            Assert.Equal(expected[tasks[i].Kind], results[i].Data.ToArray());
        }
    }

    [Fact]
    public async Task Wrong_password_fails_fast_with_authentication_error_and_no_retry_storm()
    {
        // Frozen clock: the failure can only come from the BMC's answer, never from a spent retry budget.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        var ex = await Assert.ThrowsAsync<IpmiAuthenticationException>(
            () => transport.OpenAsync(TargetFor(_sim, password: "wrong-password", timeoutMs: 3000), CancellationToken.None).WaitAsync(Poll.DefaultLimit));
        Assert.Equal(IpmiErrorKind.AuthenticationFailed, ex.Kind);
        Assert.DoesNotContain("wrong-password", ex.Message, StringComparison.Ordinal);
        // Get Channel Authentication Capabilities, Open Session, RAKP 1: nothing repeated.
        Assert.Equal(3, transport.DatagramsSent);
    }

    [Fact]
    public async Task Unknown_user_is_refused_by_the_bmc_with_an_authentication_error()
    {
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        var ex = await Assert.ThrowsAsync<IpmiAuthenticationException>(
            () => transport.OpenAsync(TargetFor(_sim, timeoutMs: 3000) with { Username = "nobody" }, CancellationToken.None).WaitAsync(Poll.DefaultLimit));
        Assert.Contains("RAKP", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, transport.DatagramsSent);
    }

    [Fact]
    public async Task Operator_privilege_is_set_after_login_and_commands_still_work()
    {
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(TargetFor(_sim) with { Privilege = PrivilegeLevel.Operator }, CancellationToken.None);
        Assert.Equal("operator", session.Describe()["privilege"]);
        // Set Session Privilege Level with 0 reads the present level back.
        var now = await session.SendAsync(new IpmiRequest(0x06, 0x3B, new byte[] { 0x00 }), CancellationToken.None);
        Assert.Equal(0, now.CompletionCode);
        Assert.Equal(PrivilegeLevel.Operator, new Core.Commands.App.SetSessionPrivilegeLevel(PrivilegeLevel.Operator).Decode(now.Data.Span));
    }

    [Fact]
    public async Task A_thousand_sequential_requests_on_one_session_each_answered_at_the_first_attempt()
    {
        // Frozen clock: no timeout can fire, so every answer must come from the one datagram each request sends.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        await using var session = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        var first = await session.SendAsync(GetDeviceId, CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        var sent = transport.DatagramsSent;
        var all = Task.Run(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                var r = await session.SendAsync(GetDeviceId, CancellationToken.None);
                Assert.Equal(first.Data.ToArray(), r.Data.ToArray());
            }
        });
        await all.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(sent + 1000, transport.DatagramsSent);
        Assert.Equal(0L, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
    }

    [Fact]
    public async Task Unreachable_port_times_out_after_every_attempt_on_the_real_clock()
    {
        // The schedule instant by instant is FakeClockTransportTests'; this is the same on the real clock, by counts.
        await using var transport = new LanPlusTransport();
        var target = TargetFor(_sim, timeoutMs: 200, retries: 2, port: Ports.GetFreeUdpPort());
        var ex = await Assert.ThrowsAsync<IpmiTimeoutException>(() => transport.OpenAsync(target, CancellationToken.None));
        Assert.Equal(200, ex.TimeoutMs);
        Assert.Equal(2, ex.Retries);
        Assert.Equal(3, transport.DatagramsSent);
    }

    [Fact]
    public async Task Cancellation_stops_a_request_waiting_for_a_dead_bmc()
    {
        // Frozen clock: no timeout can ever end the wait, only the cancellation can.
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = new FakeTimeProvider() });
        var target = TargetFor(_sim, timeoutMs: 5000, retries: 4, port: Ports.GetFreeUdpPort());
        using var cts = new CancellationTokenSource();
        var open = transport.OpenAsync(target, cts.Token);
        await Poll.UntilAsync(() => transport.DatagramsSent == 1, "the first request");
        Assert.False(open.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => open.WaitAsync(Poll.DefaultLimit));
        Assert.Equal(1, transport.DatagramsSent);
    }

    [Fact]
    public async Task Killed_and_restarted_simulator_is_transparent_through_the_session_pool()
    {
        await using var transport = new LanPlusTransport();
        await using var pool = new SessionPool([transport]);
        var target = TargetFor(_sim, timeoutMs: 1000, retries: 1);

        var before = await pool.SendAsync(target, GetDeviceId, CancellationToken.None);
        Assert.Equal(0, before.CompletionCode);
        var firstSession = Assert.Single(pool.List()).Details["bmcSessionId"];

        await _sim.StartAgainAsync();

        var after = await pool.SendAsync(target, GetDeviceId, CancellationToken.None);
        Assert.Equal(0, after.CompletionCode);
        Assert.Equal(before.Data.ToArray(), after.Data.ToArray());
        var sessions = pool.List();
        Assert.Single(sessions);
        Assert.True(sessions[0].Details["usable"] is true);
        _ = firstSession;
    }

    [Fact]
    public async Task Keepalive_is_sent_while_idle_and_the_session_keeps_working()
    {
        await using var transport = new LanPlusTransport(new LanPlusOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(400) });
        await using var session = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None);
        var info = (ILanPlusSessionInfo)session;

        await Poll.UntilAsync(() => info.KeepalivesSent >= 3, "three keepalives");
        Assert.True(session.IsUsable);
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None)).CompletionCode);
    }

    [Fact]
    public async Task Closed_session_is_forgotten_by_the_bmc()
    {
        await using var transport = new LanPlusTransport();
        var session = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None);
        var sent = transport.DatagramsSent;
        await session.DisposeAsync();
        Assert.Equal(sent + 1, transport.DatagramsSent); // exactly one Close Session
        Assert.False(session.IsUsable);
        await Assert.ThrowsAsync<TransportUnavailableException>(() => session.SendAsync(GetDeviceId, CancellationToken.None));
    }

    [Fact]
    public async Task Disposing_the_transport_closes_every_open_session_once()
    {
        var transport = new LanPlusTransport();
        var a = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None);
        var b = await transport.OpenAsync(TargetFor(_sim), CancellationToken.None);
        var sent = transport.DatagramsSent;
        await transport.DisposeAsync();
        Assert.Equal(sent + 2, transport.DatagramsSent);
        Assert.False(a.IsUsable);
        Assert.False(b.IsUsable);
        await a.DisposeAsync(); // idempotent, sends nothing more
        Assert.Equal(sent + 2, transport.DatagramsSent);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => transport.OpenAsync(TargetFor(_sim), CancellationToken.None));
    }

    [Fact]
    public async Task Many_sessions_to_two_bmcs_share_one_socket()
    {
        await using var other = await IpmiSim.StartAsync();
        await using var transport = new LanPlusTransport();
        var sessions = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => transport.OpenAsync(TargetFor(i % 2 == 0 ? _sim : other), CancellationToken.None)));
        try
        {
            var answers = await Task.WhenAll(sessions.Select(s => s.SendAsync(GetDeviceId, CancellationToken.None)));
            Assert.All(answers, a => Assert.Equal(0, a.CompletionCode));
            Assert.Equal(6, sessions.Select(s => s.Describe()["consoleSessionId"]).Distinct().Count());
            Assert.NotNull(transport.LocalEndPoint);
        }
        finally
        {
            foreach (var s in sessions)
            {
                await s.DisposeAsync();
            }
        }
    }
}
