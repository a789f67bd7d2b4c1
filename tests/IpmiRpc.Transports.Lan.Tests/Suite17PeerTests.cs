using System.Diagnostics;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// Cipher suite 17 end to end against Peers/rmcpplus_bmc.py: a small BMC written separately in Python (hmac/hashlib,
/// python3-cryptography AES) from the spec, because ipmi_sim refuses suite 17 (tests/fixtures/ipmi_sim/peers.md).
/// </summary>
public sealed class Suite17PeerTests : IAsyncLifetime
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private Process? _bmc;
    private int _port;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (_bmc is { HasExited: false })
        {
            _bmc.Kill(entireProcessTree: true);
        }

        _bmc?.Dispose();
        return Task.CompletedTask;
    }

    private async Task StartBmcAsync(params string[] args)
    {
        _port = Ports.GetFreeUdpPort();
        var psi = new ProcessStartInfo(Require.Tool("/usr/bin/python3")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peers", "rmcpplus_bmc.py"));
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add(_port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        _bmc = Process.Start(psi)!;

        // Ready when it answers a session-less Get Channel Authentication Capabilities (ipmitool's bytes).
        using var probe = new System.Net.Sockets.UdpClient();
        var request = Convert.FromHexString("0600ff07000000000000000000092018c88100388e04b5");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            await probe.SendAsync(request, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _port));
            using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            try
            {
                await probe.ReceiveAsync(wait.Token);
                return;
            }
            catch (OperationCanceledException)
            {
                if (_bmc.HasExited)
                {
                    Assert.Fail("the Python peer exited: " + await _bmc.StandardError.ReadToEndAsync());
                }
            }
        }

        Assert.Fail("the Python peer did not answer within 30 s");
    }

    private IpmiTarget Target(int? suite, string password = "test", byte[]? kg = null) => new()
    {
        Transport = IpmiTarget.LanPlus,
        Host = "127.0.0.1",
        Port = _port,
        Username = "ipmiusr",
        Password = Secret.FromString(password),
        Kg = kg is null ? null : new Secret(kg),
        CipherSuite = suite,
        TimeoutMs = 2000,
        Retries = 1,
    };

    [Fact]
    public async Task Negotiation_prefers_17_and_requests_round_trip()
    {
        await StartBmcAsync("--suites", "17,3");
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(Target(suite: null), CancellationToken.None);
        var info = session.Describe();
        Assert.Equal(17, info["cipherSuite"]);
        Assert.Equal("RAKP-HMAC-SHA256", info["authentication"]);
        Assert.Equal("HMAC-SHA256-128", info["integrity"]);

        var response = await session.SendAsync(GetDeviceId, CancellationToken.None);
        Assert.Equal(0, response.CompletionCode);
        Assert.Equal(Convert.FromHexString("2081010251bf570100110000000000"), response.Data.ToArray());

        // Echo command of the peer: answers with the request data reversed, so each answer proves its own request.
        var tasks = Enumerable.Range(0, 50).Select(i => session.SendAsync(new IpmiRequest(0x2C, 0x01, new byte[] { (byte)i, 0xAA, (byte)(255 - i) }), CancellationToken.None)).ToArray();
        var answers = await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(new byte[] { (byte)(255 - i), 0xAA, (byte)i }, answers[i].Data.ToArray());
        }

        // Nothing failed a check. Under load a retransmitted request can be answered twice: the copy is a late answer,
        // correct behaviour, and there can be no more of those than retransmits (read first, as both only grow).
        var counters = (ILanPlusSessionInfo)session;
        var late = counters.LateAnswers;
        Assert.Equal(0L, counters.PacketsRejected);
        Assert.True(late <= counters.PacketsRetransmitted, $"{late} late answers, {counters.PacketsRetransmitted} retransmits");
    }

    /// <summary>
    /// The peer and our transport were written from one reading of the spec, so before the peer may prove the
    /// transport, two independent clients must accept it: ipmitool (-C 17) and FreeIPMI (-I 17), Get Device ID and the
    /// peer's echo command, and a wrong password refused.
    /// </summary>
    [Fact]
    public async Task Ipmitool_and_FreeIpmi_open_suite_17_sessions_with_the_peer()
    {
        await StartBmcAsync("--suites", "17");
        var port = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Task<ToolResult> Ipmitool(string password, params string[] args) => ProcessRunner.RunAsync(
            Require.Tool("ipmitool"),
            ["-I", "lanplus", "-C", "17", "-H", "127.0.0.1", "-p", port, "-U", "ipmiusr", "-E", "-N", "2", "-R", "3", .. args],
            env: new Dictionary<string, string> { ["IPMI_PASSWORD"] = password },
            timeout: TimeSpan.FromSeconds(120));

        var deviceId = await Ipmitool("test", "-vv", "raw", "0x06", "0x01");
        Assert.True(deviceId.Succeeded, deviceId.ToString());
        // -vv prints the handshake before the answer's hex line, which comes last.
        var answerLine = deviceId.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        Assert.Equal("20 81 01 02 51 bf 57 01 00 11 00 00 00 00 00", answerLine);
        var handshake = deviceId.StdOut + deviceId.StdErr;
        Assert.Contains("Negotiated authenticatin algorithm : hmac_sha256", handshake, StringComparison.Ordinal); // sic, ipmitool's spelling
        Assert.Contains("Negotiated integrity algorithm     : sha256_128", handshake, StringComparison.Ordinal);
        Assert.Contains("Negotiated encryption algorithm    : aes_cbc_128", handshake, StringComparison.Ordinal);

        var echo = await Ipmitool("test", "raw", "0x2c", "0x01", "0x01", "0xaa", "0xfe");
        Assert.True(echo.Succeeded, echo.ToString());
        Assert.Equal("feaa01", string.Concat(echo.StdOut.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

        var wrong = await Ipmitool("nope", "-N", "1", "-R", "1", "raw", "0x06", "0x01");
        Assert.False(wrong.Succeeded, wrong.ToString());

        // FreeIPMI without the open-session-privilege workaround ipmi_sim needs (FreeIpmi.cs): the peer names a real
        // maximum privilege in its Open Session Response.
        var config = Path.Combine(Path.GetTempPath(), $"ipmirpc-freeipmi-{Guid.NewGuid():N}.conf");
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var writer = new StreamWriter(config, create))
        {
            await writer.WriteAsync("password test\n");
        }

        try
        {
            Task<ToolResult> IpmiRaw(params string[] bytes) => ProcessRunner.RunAsync(
                Require.Tool("ipmi-raw"),
                ["--config-file", config, "-D", "LAN_2_0", "-h", $"127.0.0.1:{port}", "-u", "ipmiusr", "-l", "ADMIN", "-I", "17", .. bytes],
                timeout: TimeSpan.FromSeconds(120));

            var raw = await IpmiRaw("0", "6", "1");
            Assert.True(raw.Succeeded, raw.ToString());
            Assert.Equal("rcvd: 01 00 20 81 01 02 51 BF 57 01 00 11 00 00 00 00 00", raw.StdOut.Trim());
            var rawEcho = await IpmiRaw("0", "2c", "1", "1", "aa", "fe");
            Assert.True(rawEcho.Succeeded, rawEcho.ToString());
            Assert.Equal("rcvd: 01 00 FE AA 01", rawEcho.StdOut.Trim());
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Kg_is_used_for_the_session_keys_when_the_bmc_has_one()
    {
        var kg = "0123456789abcdefghij"u8.ToArray();
        await StartBmcAsync("--kg", Convert.ToHexString(kg), "--suites", "17");
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(Target(17, kg: kg), CancellationToken.None);
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None)).CompletionCode);

        // Without the Kg the BMC's RAKP 4 proof cannot match: an authentication error, not a timeout.
        await using var other = new LanPlusTransport();
        var ex = await Assert.ThrowsAsync<IpmiAuthenticationException>(() => other.OpenAsync(Target(17), CancellationToken.None));
        Assert.Contains("RAKP 4", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_password_with_suite_17_is_rejected_at_rakp2()
    {
        await StartBmcAsync("--suites", "17");
        await using var transport = new LanPlusTransport();
        var ex = await Assert.ThrowsAsync<IpmiAuthenticationException>(() => transport.OpenAsync(Target(17, password: "nope"), CancellationToken.None));
        Assert.Contains("RAKP 2", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, transport.DatagramsSent);
    }

    [Fact]
    public async Task A_bmc_without_17_gets_suite_3_by_negotiation()
    {
        await StartBmcAsync("--suites", "3");
        await using var transport = new LanPlusTransport();
        await using var session = await transport.OpenAsync(Target(suite: null), CancellationToken.None);
        Assert.Equal(3, session.Describe()["cipherSuite"]);
        Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None)).CompletionCode);
    }

    [Fact]
    public async Task A_bmc_that_cannot_list_its_cipher_suites_gets_suite_3()
    {
        await StartBmcAsync("--suites", "17,3", "--no-cipher-list");
        var time = new FakeTimeProvider();
        await using var transport = new LanPlusTransport(new LanPlusOptions { TimeProvider = time });
        var target = Target(suite: null) with { TimeoutMs = 300, Retries = 3 };
        var open = transport.OpenAsync(target, CancellationToken.None);

        // Get Channel Authentication Capabilities is answered, then Get Channel Cipher Suites goes unanswered.
        await Poll.UntilAsync(() => transport.DatagramsSent == 2, "the cipher suite list request");
        time.Advance(TimeSpan.FromMilliseconds(300));
        await Poll.UntilAsync(() => transport.DatagramsSent == 3, "its one retransmit");
        Assert.False(open.IsCompleted);

        // The unanswered list costs one retransmit, not the whole retry budget of 3: after the second timeout the
        // session opens with suite 3 without the clock moving again.
        time.Advance(TimeSpan.FromMilliseconds(300));
        await using var session = await open.WaitAsync(Poll.DefaultLimit);
        Assert.Equal(3, session.Describe()["cipherSuite"]);
        Assert.Equal(0, ((ILanPlusSessionInfo)session).PacketsRetransmitted);
    }

    [Fact]
    public async Task Asking_for_17_where_the_bmc_refuses_it_is_not_supported()
    {
        await StartBmcAsync("--suites", "3");
        await using var transport = new LanPlusTransport();
        var ex = await Assert.ThrowsAsync<IpmiNotSupportedException>(() => transport.OpenAsync(Target(17), CancellationToken.None));
        Assert.Contains("0x11", ex.Message, StringComparison.Ordinal);
    }
}
