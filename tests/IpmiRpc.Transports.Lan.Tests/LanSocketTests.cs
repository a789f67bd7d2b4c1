using System.Net;
using System.Net.Sockets;
using IpmiRpc.Core;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>Per-endpoint state on the one UDP socket stays bounded by what is in use.</summary>
public sealed class LanSocketTests : IAsyncLifetime
{
    private static readonly IpmiRequest GetDeviceId = new(0x06, 0x01, ReadOnlyMemory<byte>.Empty);
    private IpmiSim _sim = null!;

    public async Task InitializeAsync() => _sim = await IpmiSim.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Handshakes_to_many_bmcs_leave_no_per_endpoint_state_behind()
    {
        // Review finding: one session-less client (and its 64-slot table) per BMC endpoint ever contacted was kept
        // for the life of the transport. Now it lives while a handshake's session-less steps run there.
        var silent = Enumerable.Range(0, 40).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToArray();
        try
        {
            await using var transport = new LanPlusTransport(new LanPlusOptions { KeepaliveInterval = TimeSpan.Zero });
            var opens = silent
                .Select(s => transport.OpenAsync(
                    LanPlusTransportSimTests.TargetFor(_sim, timeoutMs: 50, retries: 0, port: ((IPEndPoint)s.Client.LocalEndPoint!).Port),
                    CancellationToken.None))
                .ToArray();
            foreach (var open in opens)
            {
                await Assert.ThrowsAsync<IpmiTimeoutException>(() => open.WaitAsync(Poll.DefaultLimit));
            }

            Assert.Equal(0, transport.SessionlessClients);
            Assert.Equal(0, transport.RegisteredSessions);

            await using (var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None).WaitAsync(Poll.DefaultLimit))
            {
                Assert.Equal(0, (await session.SendAsync(GetDeviceId, CancellationToken.None)).CompletionCode);
                Assert.Equal(0, transport.SessionlessClients);
                Assert.Equal(1, transport.RegisteredSessions);
            }

            Assert.Equal(0, transport.RegisteredSessions);
        }
        finally
        {
            foreach (var client in silent)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Concurrent_handshakes_to_one_bmc_share_its_session_less_client_and_all_succeed()
    {
        // The client is shared while any handshake to the endpoint holds it; the last one out removes it. A handshake
        // racing that removal must get a live client, never one already let go.
        await using var transport = new LanPlusTransport(new LanPlusOptions { KeepaliveInterval = TimeSpan.Zero });
        for (var round = 0; round < 5; round++)
        {
            var sessions = await Task.WhenAll(Enumerable.Range(0, 4)
                .Select(_ => transport.OpenAsync(LanPlusTransportSimTests.TargetFor(_sim), CancellationToken.None))).WaitAsync(Poll.DefaultLimit);
            Assert.Equal(0, transport.SessionlessClients);
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }

        Assert.Equal(0, transport.RegisteredSessions);
    }
}
