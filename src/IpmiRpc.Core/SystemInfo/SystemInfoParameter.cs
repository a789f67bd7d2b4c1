namespace IpmiRpc.Core.SystemInfo;

/// <summary>System info parameter selectors. IPMI v2.0 §22.14a, Table 22-16a.</summary>
public enum SystemInfoParameter : byte
{
    SetInProgress = 0,
    SystemFirmwareVersion = 1,
    SystemName = 2,
    PrimaryOperatingSystemName = 3,
    OperatingSystemName = 4,
    PresentOperatingSystemVersion = 5,
    BmcUrl = 6,
    HypervisorUrl = 7,
}

/// <summary>The string parameters 1–7 by their API names (camelCase).</summary>
public static class SystemInfoParameters
{
    private static readonly (string Name, SystemInfoParameter Parameter)[] Rows =
    [
        ("systemFirmwareVersion", SystemInfoParameter.SystemFirmwareVersion),
        ("systemName", SystemInfoParameter.SystemName),
        ("primaryOperatingSystemName", SystemInfoParameter.PrimaryOperatingSystemName),
        ("operatingSystemName", SystemInfoParameter.OperatingSystemName),
        ("presentOperatingSystemVersion", SystemInfoParameter.PresentOperatingSystemVersion),
        ("bmcUrl", SystemInfoParameter.BmcUrl),
        ("hypervisorUrl", SystemInfoParameter.HypervisorUrl),
    ];

    /// <summary>All names in selector order.</summary>
    public static IReadOnlyList<string> Names { get; } = Rows.Select(r => r.Name).ToArray();

    public static bool TryGet(string name, out SystemInfoParameter parameter)
    {
        foreach (var row in Rows)
        {
            if (string.Equals(row.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                parameter = row.Parameter;
                return true;
            }
        }

        parameter = default;
        return false;
    }

    public static string NameOf(SystemInfoParameter parameter) =>
        Rows.First(r => r.Parameter == parameter).Name;
}
