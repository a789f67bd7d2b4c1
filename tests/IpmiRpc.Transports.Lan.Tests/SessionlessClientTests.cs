using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>Session-less answers come back in either framing: pyghmi's BMC (and so VirtualBMC) answers in RMCP+ framing.</summary>
public sealed class SessionlessClientTests
{
    [Fact]
    public async Task Cipher_suites_answered_in_RMCP_plus_framing_are_read_not_waited_out()
    {
        // pyghmi's fakebmc answers Get Channel Cipher Suites with an RMCP+ header (session id 0, no authentication).
        // Dropped, each session open waited two attempts for it and then fell back to suite 3.
        await using var bmc = await FakeBmcProcess.StartAsync();
        var logger = new LoggingTests.CollectingLogger();
        await using var transport = new LanPlusTransport(new LanPlusOptions { KeepaliveInterval = TimeSpan.Zero }, logger);
        var target = new IpmiTarget
        {
            Transport = IpmiTarget.LanPlus,
            Host = bmc.Host,
            Port = bmc.Port,
            Username = bmc.User,
            Password = Secret.FromString(bmc.Password),
            CipherSuite = null, // negotiated: Get Channel Cipher Suites is asked
            TimeoutMs = 1000,
            Retries = 1,
        };

        await using (var session = await transport.OpenAsync(target, CancellationToken.None))
        {
            Assert.Equal(0, (await session.SendAsync(new IpmiRequest(0x00, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None)).CompletionCode);
        }

        Assert.Equal(0, transport.DatagramsUnmatched);
        Assert.DoesNotContain(logger.Lines, l => l.Contains("Get Channel Cipher Suites failed", StringComparison.Ordinal));
    }
}
