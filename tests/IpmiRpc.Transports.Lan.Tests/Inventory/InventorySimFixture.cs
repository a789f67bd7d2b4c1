using IpmiRpc.Core;
using IpmiRpc.Core.Sessions;
using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.Lan.Tests.Inventory;

/// <summary>One ipmi_sim with the SEL/FRU/user fixtures and a lanplus session pool to it, per test.</summary>
internal sealed class InventorySimSession : IAsyncDisposable
{
    private readonly LanPlusTransport _transport;
    private readonly SessionPool _pool;

    private InventorySimSession(IpmiSim sim, LanPlusTransport transport, SessionPool pool)
    {
        Sim = sim;
        _transport = transport;
        _pool = pool;
        var target = LanPlusTransportSimTests.TargetFor(sim);
        Send = (request, ct) => _pool.SendAsync(target, request, ct);
    }

    public IpmiSim Sim { get; }

    public IpmiSend Send { get; }

    public static async Task<InventorySimSession> StartAsync()
    {
        var sim = await InventorySim.StartAsync();
        var transport = new LanPlusTransport();
        return new InventorySimSession(sim, transport, new SessionPool([transport]));
    }

    public async ValueTask DisposeAsync()
    {
        await _pool.DisposeAsync();
        await _transport.DisposeAsync();
        await Sim.DisposeAsync();
    }

    public async Task<string> IpmiToolAsync(params string[] args)
    {
        var result = await IpmiTool.RunAsync(Sim, args);
        Assert.True(result.Succeeded, result.ToString());
        return result.StdOut;
    }

    /// <summary>A FreeIPMI tool without an SDR cache (the simulator has no SDRs; FreeIPMI refuses an empty cache).</summary>
    public async Task<string> FreeIpmiAsync(string tool, params string[] args)
    {
        var result = await FreeIpmi.RunAsync(tool, Sim, ["--ignore-sdr-cache", .. args], timeout: null);
        Assert.True(result.Succeeded, result.ToString());
        return result.StdOut;
    }
}
