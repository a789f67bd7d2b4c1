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
