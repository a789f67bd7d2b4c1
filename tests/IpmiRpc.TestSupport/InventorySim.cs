namespace IpmiRpc.TestSupport;

/// <summary>
/// ipmi_sim with the SEL, FRU and user fixtures (tests/fixtures/ipmi_sim/sel.emu, fru.emu, fru-sel-users.lan.conf):
/// eight SEL records (system, OEM timestamped, OEM non-timestamped), FRU device 0 with every area, users 2–4 and 6.
/// </summary>
public static class InventorySim
{
    public static async Task<IpmiSim> StartAsync(CancellationToken ct = default)
    {
        var dir = Path.Combine(RepoPaths.Fixtures, "ipmi_sim");
        var emu = new List<string>();
        emu.AddRange(await File.ReadAllLinesAsync(Path.Combine(dir, "sel.emu"), ct));
        emu.AddRange(await File.ReadAllLinesAsync(Path.Combine(dir, "fru.emu"), ct));
        var users = await File.ReadAllLinesAsync(Path.Combine(dir, "fru-sel-users.lan.conf"), ct);
        return await IpmiSim.StartAsync(new IpmiSimOptions { ExtraEmu = emu, ExtraLanConf = users }, ct);
    }
}
