namespace IpmiRpc.Core;

/// <summary>One row of the spec's command table (IPMI v2.0 Appendix G).</summary>
/// <param name="Name">PascalCase name, e.g. <c>GetDeviceId</c>.</param>
/// <param name="NetFn">Request network function.</param>
/// <param name="Command">Command number.</param>
public sealed record CommandInfo(string Name, byte NetFn, byte Command);

/// <summary>Standard network functions (request values; the response is NetFn + 1).</summary>
public static class NetFns
{
    public const byte Chassis = 0x00;
    public const byte Bridge = 0x02;
    public const byte SensorEvent = 0x04;
    public const byte App = 0x06;
    public const byte Firmware = 0x08;
    public const byte Storage = 0x0A;
    public const byte Transport = 0x0C;
}

/// <summary>Command names ↔ (NetFn, Cmd), so a caller can name a command and have its NetFn derived.</summary>
public static class CommandCatalogue
{
    // IPMI v2.0 rev 1.1 Appendix G, Table G-1. Names are the spec's, PascalCased (acronyms as words: Sdr, Sel, Fru).
    private static readonly CommandInfo[] Rows =
    [
        // IPM device "global" commands (§20) and firmware firewall (§21)
        App("GetDeviceId", 0x01),
        App("ColdReset", 0x02),
        App("WarmReset", 0x03),
        App("GetSelfTestResults", 0x04),
        App("ManufacturingTestOn", 0x05),
        App("SetAcpiPowerState", 0x06),
        App("GetAcpiPowerState", 0x07),
        App("GetDeviceGuid", 0x08),
        App("GetNetFnSupport", 0x09),
        App("GetCommandSupport", 0x0A),
        App("GetCommandSubFunctionSupport", 0x0B),
        App("GetConfigurableCommands", 0x0C),
        App("GetConfigurableCommandSubFunctions", 0x0D),
        App("SetCommandEnables", 0x60),
        App("GetCommandEnables", 0x61),
        App("SetCommandSubFunctionEnables", 0x62),
        App("GetCommandSubFunctionEnables", 0x63),
        App("GetOemNetFnIanaSupport", 0x64),

        // BMC watchdog timer (§27)
        App("ResetWatchdogTimer", 0x22),
        App("SetWatchdogTimer", 0x24),
        App("GetWatchdogTimer", 0x25),

        // BMC device and messaging (§22)
        App("SetBmcGlobalEnables", 0x2E),
        App("GetBmcGlobalEnables", 0x2F),
        App("ClearMessageFlags", 0x30),
        App("GetMessageFlags", 0x31),
        App("EnableMessageChannelReceive", 0x32),
        App("GetMessage", 0x33),
        App("SendMessage", 0x34),
        App("ReadEventMessageBuffer", 0x35),
        App("GetBtInterfaceCapabilities", 0x36),
        App("GetSystemGuid", 0x37),
        App("GetChannelAuthenticationCapabilities", 0x38),
        App("GetSessionChallenge", 0x39),
        App("ActivateSession", 0x3A),
        App("SetSessionPrivilegeLevel", 0x3B),
        App("CloseSession", 0x3C),
        App("GetSessionInfo", 0x3D),
        App("GetAuthCode", 0x3F),
        App("SetChannelAccess", 0x40),
        App("GetChannelAccess", 0x41),
        App("GetChannelInfo", 0x42),
        App("SetUserAccess", 0x43),
        App("GetUserAccess", 0x44),
        App("SetUserName", 0x45),
        App("GetUserName", 0x46),
        App("SetUserPassword", 0x47),
        App("ActivatePayload", 0x48),
        App("DeactivatePayload", 0x49),
        App("GetPayloadActivationStatus", 0x4A),
        App("GetPayloadInstanceInfo", 0x4B),
        App("SetUserPayloadAccess", 0x4C),
        App("GetUserPayloadAccess", 0x4D),
        App("GetChannelPayloadSupport", 0x4E),
        App("GetChannelPayloadVersion", 0x4F),
        App("GetChannelOemPayloadInfo", 0x50),
        App("MasterWriteRead", 0x52),
        App("GetChannelCipherSuites", 0x54),
        App("SuspendResumePayloadEncryption", 0x55),
        App("SetChannelSecurityKeys", 0x56),
        App("GetSystemInterfaceCapabilities", 0x57),
        App("SetSystemInfoParameters", 0x58),
        App("GetSystemInfoParameters", 0x59),

        // Chassis (§28)
        Chassis("GetChassisCapabilities", 0x00),
        Chassis("GetChassisStatus", 0x01),
        Chassis("ChassisControl", 0x02),
        Chassis("ChassisReset", 0x03),
        Chassis("ChassisIdentify", 0x04),
        Chassis("SetChassisCapabilities", 0x05),
        Chassis("SetPowerRestorePolicy", 0x06),
        Chassis("GetSystemRestartCause", 0x07),
        Chassis("SetSystemBootOptions", 0x08),
        Chassis("GetSystemBootOptions", 0x09),
        Chassis("SetFrontPanelButtonEnables", 0x0A),
        Chassis("SetPowerCycleInterval", 0x0B),
        Chassis("GetPohCounter", 0x0F),

        // Event (§29), PEF and alerting (§30)
        SensorEvent("SetEventReceiver", 0x00),
        SensorEvent("GetEventReceiver", 0x01),
        SensorEvent("PlatformEvent", 0x02),
        SensorEvent("GetPefCapabilities", 0x10),
        SensorEvent("ArmPefPostponeTimer", 0x11),
        SensorEvent("SetPefConfigurationParameters", 0x12),
        SensorEvent("GetPefConfigurationParameters", 0x13),
        SensorEvent("SetLastProcessedEventId", 0x14),
        SensorEvent("GetLastProcessedEventId", 0x15),
        SensorEvent("AlertImmediate", 0x16),
        SensorEvent("PetAcknowledge", 0x17),

        // Sensor device (§35)
        SensorEvent("GetDeviceSdrInfo", 0x20),
        SensorEvent("GetDeviceSdr", 0x21),
        SensorEvent("ReserveDeviceSdrRepository", 0x22),
        SensorEvent("GetSensorReadingFactors", 0x23),
        SensorEvent("SetSensorHysteresis", 0x24),
        SensorEvent("GetSensorHysteresis", 0x25),
        SensorEvent("SetSensorThreshold", 0x26),
        SensorEvent("GetSensorThreshold", 0x27),
        SensorEvent("SetSensorEventEnable", 0x28),
        SensorEvent("GetSensorEventEnable", 0x29),
        SensorEvent("RearmSensorEvents", 0x2A),
        SensorEvent("GetSensorEventStatus", 0x2B),
        SensorEvent("GetSensorReading", 0x2D),
        SensorEvent("SetSensorType", 0x2E),
        SensorEvent("GetSensorType", 0x2F),
        SensorEvent("SetSensorReadingAndEventStatus", 0x30),

        // FRU (§34), SDR repository (§33), SEL (§31)
        Storage("GetFruInventoryAreaInfo", 0x10),
        Storage("ReadFruData", 0x11),
        Storage("WriteFruData", 0x12),
        Storage("GetSdrRepositoryInfo", 0x20),
        Storage("GetSdrRepositoryAllocationInfo", 0x21),
        Storage("ReserveSdrRepository", 0x22),
        Storage("GetSdr", 0x23),
        Storage("AddSdr", 0x24),
        Storage("PartialAddSdr", 0x25),
        Storage("DeleteSdr", 0x26),
        Storage("ClearSdrRepository", 0x27),
        Storage("GetSdrRepositoryTime", 0x28),
        Storage("SetSdrRepositoryTime", 0x29),
        Storage("EnterSdrRepositoryUpdateMode", 0x2A),
        Storage("ExitSdrRepositoryUpdateMode", 0x2B),
        Storage("RunInitializationAgent", 0x2C),
        Storage("GetSelInfo", 0x40),
        Storage("GetSelAllocationInfo", 0x41),
        Storage("ReserveSel", 0x42),
        Storage("GetSelEntry", 0x43),
        Storage("AddSelEntry", 0x44),
        Storage("PartialAddSelEntry", 0x45),
        Storage("DeleteSelEntry", 0x46),
        Storage("ClearSel", 0x47),
        Storage("GetSelTime", 0x48),
        Storage("SetSelTime", 0x49),
        Storage("GetAuxiliaryLogStatus", 0x5A),
        Storage("SetAuxiliaryLogStatus", 0x5B),
        Storage("GetSelTimeUtcOffset", 0x5C),
        Storage("SetSelTimeUtcOffset", 0x5D),

        // LAN (§23), serial/modem (§25), SOL (§26), command forwarding
        Transport("SetLanConfigurationParameters", 0x01),
        Transport("GetLanConfigurationParameters", 0x02),
        Transport("SuspendBmcArps", 0x03),
        Transport("GetIpUdpRmcpStatistics", 0x04),
        Transport("SetSerialModemConfiguration", 0x10),
        Transport("GetSerialModemConfiguration", 0x11),
        Transport("SetSerialModemMux", 0x12),
        Transport("GetTapResponseCodes", 0x13),
        Transport("SetPppUdpProxyTransmitData", 0x14),
        Transport("GetPppUdpProxyTransmitData", 0x15),
        Transport("SendPppUdpProxyPacket", 0x16),
        Transport("GetPppUdpProxyReceiveData", 0x17),
        Transport("SerialModemConnectionActive", 0x18),
        Transport("Callback", 0x19),
        Transport("SetUserCallbackOptions", 0x1A),
        Transport("GetUserCallbackOptions", 0x1B),
        Transport("SetSerialRoutingMux", 0x1C),
        Transport("SolActivating", 0x20),
        Transport("SetSolConfigurationParameters", 0x21),
        Transport("GetSolConfigurationParameters", 0x22),
        Transport("ForwardedCommand", 0x30),
        Transport("SetForwardedCommands", 0x31),
        Transport("GetForwardedCommands", 0x32),
        Transport("EnableForwardedCommands", 0x33),

        // ICMB bridge management, discovery, bridging and events (ICMB spec; listed in Appendix G)
        Bridge("GetBridgeState", 0x00),
        Bridge("SetBridgeState", 0x01),
        Bridge("GetIcmbAddress", 0x02),
        Bridge("SetIcmbAddress", 0x03),
        Bridge("SetBridgeProxyAddress", 0x04),
        Bridge("GetBridgeStatistics", 0x05),
        Bridge("GetIcmbCapabilities", 0x06),
        Bridge("ClearBridgeStatistics", 0x08),
        Bridge("GetBridgeProxyAddress", 0x09),
        Bridge("GetIcmbConnectorInfo", 0x0A),
        Bridge("GetIcmbConnectionId", 0x0B),
        Bridge("SendIcmbConnectionId", 0x0C),
        Bridge("PrepareForDiscovery", 0x10),
        Bridge("GetAddresses", 0x11),
        Bridge("SetDiscovered", 0x12),
        Bridge("GetChassisDeviceId", 0x13),
        Bridge("SetChassisDeviceId", 0x14),
        Bridge("BridgeRequest", 0x20),
        Bridge("BridgeMessage", 0x21),
        Bridge("GetEventCount", 0x30),
        Bridge("SetEventDestination", 0x31),
        Bridge("SetEventReceptionState", 0x32),
        Bridge("SendIcmbEventMessage", 0x33),
        Bridge("GetEventDestination", 0x34),
        Bridge("GetEventReceptionState", 0x35),
        Bridge("ErrorReport", 0xFF),
    ];

    private static readonly Dictionary<string, CommandInfo> ByName =
        Rows.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<(byte NetFn, byte Command), CommandInfo> ByNumber =
        Rows.ToDictionary(r => (r.NetFn, r.Command));

    public static IReadOnlyList<CommandInfo> All => Rows;

    /// <summary>Looks a command up by name; case and separators (<c>Get Device ID</c>, <c>get-device-id</c>) are ignored.</summary>
    public static bool TryGet(string name, out CommandInfo info) =>
        ByName.TryGetValue(Normalize(name), out info!);

    /// <summary>The catalogue row for a NetFn (request or response: the low bit is ignored) and command, if standard.</summary>
    public static CommandInfo? Find(byte netFn, byte command) =>
        ByNumber.TryGetValue(((byte)(netFn & 0xFE), command), out var info) ? info : null;

    private static string Normalize(string name) =>
        new(name.Where(char.IsLetterOrDigit).ToArray());

    private static CommandInfo App(string name, byte command) => new(name, NetFns.App, command);

    private static CommandInfo Chassis(string name, byte command) => new(name, NetFns.Chassis, command);

    private static CommandInfo SensorEvent(string name, byte command) => new(name, NetFns.SensorEvent, command);

    private static CommandInfo Storage(string name, byte command) => new(name, NetFns.Storage, command);

    private static CommandInfo Transport(string name, byte command) => new(name, NetFns.Transport, command);

    private static CommandInfo Bridge(string name, byte command) => new(name, NetFns.Bridge, command);
}
