using System.Diagnostics;
using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// Cipher suite 17 end to end against Peers/rmcpplus_bmc.py: a small BMC written separately in Python (hmac/hashlib,
/// python3-cryptography AES) from the spec, because ipmi_sim refuses suite 17 (peers.md).
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
        var python = Require.Tool("/usr/bin/python3");
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Peers", "rmcpplus_bmc.py"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var w = Stopwatch.StartNew();
        _bmc = Process.Start(psi)!;
        var t1 = w.ElapsedMilliseconds;
        var readTask = _bmc.StandardOutput.ReadLineAsync();
        var t2 = w.ElapsedMilliseconds;
        try { await readTask.WaitAsync(TimeSpan.FromSeconds(3)); } catch (TimeoutException) { throw new InvalidOperationException($"start {t1} readcall {t2} now {w.ElapsedMilliseconds}"); }
        var line = await _bmc.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(int.TryParse(line, out _port), $"peer did not start: {line} {await _bmc.StandardError.ReadToEndAsync()}");
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
        TimeoutMs = 500,
        Retries = 2,
    };

    [Fact]
    public async Task Negotiation_prefers_17_and_requests_round_trip()
    {
        var w = Stopwatch.StartNew();
        await StartBmcAsync("--suites", "17,3");
        var started = w.ElapsedMilliseconds;
        await using var transport = new LanPlusTransport();
        IIpmiSession session;
        try { session = await transport.OpenAsync(Target(suite: null), CancellationToken.None); }
        catch (Exception e) { throw new InvalidOperationException($"started {started} ms, failed at {w.ElapsedMilliseconds} ms, port {_port}, exited {_bmc!.HasExited}", e); }
        await using var _s = session;
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

        Assert.Equal(0L, ((ILanPlusSessionInfo)session).PacketsDiscarded);
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
    public async Task Asking_for_17_where_the_bmc_refuses_it_is_not_supported()
    {
        await StartBmcAsync("--suites", "3");
        await using var transport = new LanPlusTransport();
        var ex = await Assert.ThrowsAsync<IpmiNotSupportedException>(() => transport.OpenAsync(Target(17), CancellationToken.None));
        Assert.Contains("0x11", ex.Message, StringComparison.Ordinal);
    }
}
