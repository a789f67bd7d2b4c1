using IpmiRpc.Core;
using IpmiRpc.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>The transport-wide packet-rate cap: slots one 1/rate apart on a fake clock, and wired into every exchange.</summary>
public sealed class PacketPacerTests
{
    [Fact]
    public async Task Datagrams_leave_one_slot_apart_and_only_the_waiting_ones_count()
    {
        var time = new FakeTimeProvider();
        var pacer = new PacketPacer(10, time); // one every 100 ms
        var first = pacer.WaitAsync(CancellationToken.None);
        var second = pacer.WaitAsync(CancellationToken.None);
        var third = pacer.WaitAsync(CancellationToken.None);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal(2, pacer.Delayed);

        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(Poll.DefaultLimit);
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await third.WaitAsync(Poll.DefaultLimit);

        // Idle for a while: the next one goes at once, no credit saved up beyond one slot.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(pacer.WaitAsync(CancellationToken.None).IsCompletedSuccessfully);
        Assert.False(pacer.WaitAsync(CancellationToken.None).IsCompleted);
    }

    [Fact]
    public async Task A_capped_transport_paces_its_datagrams_and_still_answers_everything()
    {
        await using var sim = await IpmiSim.StartAsync();
        await using var transport = new LanPlusTransport(new LanPlusOptions { MaxPacketsPerSecond = 500, MaxInFlightPerSession = 4, InitialInFlightPerSession = 4 });
        await using var session = await transport.OpenAsync(LanPlusTransportSimTests.TargetFor(sim), CancellationToken.None).WaitAsync(Poll.DefaultLimit);
        var request = new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => session.SendAsync(request, CancellationToken.None))).WaitAsync(Poll.DefaultLimit);

        Assert.All(answers, a => Assert.Equal(0, a.CompletionCode));
        Assert.True(transport.DatagramsPaced > 0, "no datagram waited: the cap was not applied");
    }
}
