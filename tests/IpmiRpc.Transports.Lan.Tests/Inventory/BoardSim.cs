using System.Collections.Concurrent;
using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>
/// ipmi_sim with tests/fixtures/ipmi_sim/board.* reached over the real lanplus transport through a
/// <see cref="SessionPool"/>, with every request counted by (NetFn, command).
/// </summary>
internal sealed class BoardSim : IAsyncDisposable
{
    private readonly LanPlusTransport _transport;
    private readonly SessionPool _pool;

    private BoardSim(IpmiSim sim, int consolePort, LanPlusTransport transport, SessionPool pool)
    {
        Sim = sim;
        ConsolePort = consolePort;
        _transport = transport;
        _pool = pool;
        var target = LanPlusTransportSimTests.TargetFor(sim, timeoutMs: 2000);
        Send = async (request, ct) =>
        {
            Requests.AddOrUpdate((request.NetFn, request.Command), 1, (_, n) => n + 1);
            return await _pool.SendAsync(target, request, ct);
        };
    }

    public IpmiSim Sim { get; }

    public int ConsolePort { get; }

    public IpmiSend Send { get; }

    public ConcurrentDictionary<(byte NetFn, byte Command), int> Requests { get; } = new();

    public int Count(byte netFn, byte command) => Requests.GetValueOrDefault((netFn, command));

    public static async Task<BoardSim> StartAsync()
    {
        var consolePort = Ports.GetFreeTcpPort();
        var sim = await IpmiSim.StartAsync(await IpmiSimBoard.OptionsAsync(consolePort));
        var transport = new LanPlusTransport();
        return new BoardSim(sim, consolePort, transport, new SessionPool([transport]));
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync();
        await _transport.DisposeAsync();
        await Sim.DisposeAsync();
    }
}
