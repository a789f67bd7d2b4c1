namespace IpmiRpc.Host.Methods;

/// <summary>Every JSON-RPC method, one line each. Add a method: see Methods/README.md.</summary>
public static class MethodRegistry
{
    public static MethodTable RegisterAll(MethodTable table)
    {
        table.Add("ipmi.requestResponse", RawMethods.RequestResponseAsync);
        table.Add("bmc.getDeviceId", BmcMethods.GetDeviceIdAsync);
        table.Add("sessions.list", SessionMethods.ListAsync);
        table.Add("sessions.close", SessionMethods.CloseAsync);
        table.Add("lan.getConfiguration", LanMethods.GetConfigurationAsync);
        table.Add("lan.setConfiguration", LanMethods.SetConfigurationAsync);
        table.Add("systemInfo.get", SystemInfoMethods.GetAsync);
        table.Add("systemInfo.set", SystemInfoMethods.SetAsync);
        table.Add("rpc.discover", DiscoverMethods.DiscoverAsync);
        return table;
    }
}
