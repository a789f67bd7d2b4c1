using IpmiRpc.Core;
using IpmiRpc.Core.Targets;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>Everything the transport logs at the most verbose level, through a login, traffic, a failure and close, is secret-free.</summary>
public sealed class LoggingTests
{
    private const string Password = "S3cret-Passw0rd!";

    [Fact]
    public async Task No_password_or_key_material_reaches_the_log()
    {
        await using var sim = await IpmiSim.StartAsync(new IpmiSimOptions { ExtraUsers = [("loguser", Password)] });
        var logger = new CollectingLogger();
        await using (var transport = new LanPlusTransport(new LanPlusOptions { KeepaliveInterval = TimeSpan.FromMilliseconds(200) }, logger))
        {
            var target = LanPlusTransportSimTests.TargetFor(sim, cipherSuite: null) with { Username = "loguser", Password = Secret.FromString(Password) };
            await using (var session = await transport.OpenAsync(target, CancellationToken.None))
            {
                Assert.Equal(0, (await session.SendAsync(new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty), CancellationToken.None)).CompletionCode);
                // The keepalive path must have run, or the log below would prove nothing about it.
                var sent = transport.DatagramsSent;
                await Poll.UntilAsync(() => ((ILanPlusSessionInfo)session).KeepalivesSent >= 1 && transport.DatagramsSent > sent, "a keepalive");
            }

            await Assert.ThrowsAsync<IpmiAuthenticationException>(() => transport.OpenAsync(target with { Password = Secret.FromString(Password + "x") }, CancellationToken.None));
        }

        Assert.NotEmpty(logger.Lines);
        Assert.DoesNotContain(logger.Lines, l => l.Contains(Password, StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Contains(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(Password)), StringComparison.OrdinalIgnoreCase));
    }

    internal sealed class CollectingLogger : ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception) + " " + exception);
            }
        }
    }
}
