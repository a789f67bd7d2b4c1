namespace IpmiRpc.Core;

/// <summary>One row of the spec's command table (IPMI v2.0 Appendix G) with what a caller needs to know about it.</summary>
/// <param name="Name">PascalCase name, e.g. <c>GetDeviceId</c>.</param>
/// <param name="NetFn">Request network function.</param>
/// <param name="Command">Command number.</param>
/// <param name="IsReadOnly">
/// True when the command leaves the BMC's state as it was, so a check mode may send it and writes need not be ordered
/// around it. Get*/Read* commands are, except those that consume or create state: Get Message and Read Event Message
/// Buffer dequeue, Get Session Challenge allocates a temporary session, Get PPP UDP Proxy Receive Data drains a buffer.
/// Reserve* commands are not: a new reservation cancels another client's (its next Delete SDR or Clear SEL fails with
/// C5h), so a read-only operation that reserves (reading SDRs in parts) is read-only as a whole, not command by command.
/// </param>
/// <param name="CompletionCodes">The command-specific completion codes (80h–BEh) the spec defines for it, with their text.</param>
public sealed record CommandInfo(string Name, byte NetFn, byte Command, bool IsReadOnly, IReadOnlyDictionary<byte, string> CompletionCodes)
{
    /// <summary>The command to the BMC's LUN 0 with no request data: shared by every such send (a request is immutable).</summary>
    internal IpmiRequest ToBmcWithoutData { get; } = new(NetFn, Command, ReadOnlyMemory<byte>.Empty);
}

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
    // Texts shortened from the spec's wording; the configuration-parameter families share theirs.
    private const string ParameterNotSupported = "Parameter not supported";
    private const string SetInProgressNotComplete = "Attempt to set the 'set in progress' value when not in the 'set complete' state";
    private const string WriteReadOnly = "Attempt to write a read-only parameter";
    private const string ReadWriteOnly = "Attempt to read a write-only parameter";
    private const string SelEraseInProgress = "Cannot execute command, SEL erase in progress";

    private static readonly (byte, string)[] SetParameterCodes =
        [(0x80, ParameterNotSupported), (0x81, SetInProgressNotComplete), (0x82, WriteReadOnly), (0x83, ReadWriteOnly)];

    private static readonly (byte, string)[] SetBootOptionCodes =
        [(0x80, ParameterNotSupported), (0x81, SetInProgressNotComplete), (0x82, WriteReadOnly)];

    private static readonly (byte, string)[] GetParameterCodes = [(0x80, ParameterNotSupported)];

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
        App("ResetWatchdogTimer", 0x22, (0x80, "Attempt to start an un-initialized watchdog")),
        App("SetWatchdogTimer", 0x24),
        App("GetWatchdogTimer", 0x25),

        // BMC device and messaging (§22)
        App("SetBmcGlobalEnables", 0x2E),
        App("GetBmcGlobalEnables", 0x2F),
        App("ClearMessageFlags", 0x30),
        App("GetMessageFlags", 0x31),
        App("EnableMessageChannelReceive", 0x32),
        App("GetMessage", 0x33, ChangesState, (0x80, "Data not available (queue/buffer empty)")),
        App("SendMessage", 0x34),
        App("ReadEventMessageBuffer", 0x35, ChangesState, (0x80, "Data not available (queue/buffer empty)")),
        App("GetBtInterfaceCapabilities", 0x36),
        App("GetSystemGuid", 0x37),
        App("GetChannelAuthenticationCapabilities", 0x38),
        App("GetSessionChallenge", 0x39, ChangesState, (0x81, "Invalid user name"), (0x82, "Null user name (user 1) not enabled")),
        App("ActivateSession", 0x3A, 
            (0x81, "No session slot available"),
            (0x82, "No slot available for given user"),
            (0x83, "No slot available to support user due to maximum privilege capability"),
            (0x84, "Session sequence number out of range"),
            (0x85, "Invalid session ID in request"),
            (0x86, "Requested maximum privilege level exceeds user and/or channel privilege limit")),
        App("SetSessionPrivilegeLevel", 0x3B, 
            (0x80, "Requested level not available for this user"),
            (0x81, "Requested level exceeds channel and/or user privilege limit"),
            (0x82, "Cannot disable user level authentication")),
        App("CloseSession", 0x3C, (0x87, "Invalid session ID in request"), (0x88, "Invalid session handle in request")),
        App("GetSessionInfo", 0x3D),
        App("GetAuthCode", 0x3F),
        App("SetChannelAccess", 0x40, (0x82, "Set not supported on selected channel"), (0x83, "Access mode not supported")),
        App("GetChannelAccess", 0x41, (0x82, "Command not supported for selected channel")),
        App("GetChannelInfo", 0x42),
        App("SetUserAccess", 0x43),
        App("GetUserAccess", 0x44),
        App("SetUserName", 0x45),
        App("GetUserName", 0x46),
        App("SetUserPassword", 0x47,
            (0x80, "Password test failed: password size correct, but password data does not match"),
            (0x81, "Password test failed: wrong password size")),
        App("ActivatePayload", 0x48, 
            (0x80, "Payload already active on another session"),
            (0x81, "Payload type is disabled"),
            (0x82, "Payload activation limit reached"),
            (0x83, "Cannot activate payload with encryption"),
            (0x84, "Cannot activate payload without encryption")),
        App("DeactivatePayload", 0x49, (0x80, "Payload already deactivated"), (0x81, "Payload type is disabled")),
        App("GetPayloadActivationStatus", 0x4A),
        App("GetPayloadInstanceInfo", 0x4B),
        App("SetUserPayloadAccess", 0x4C),
        App("GetUserPayloadAccess", 0x4D),
        App("GetChannelPayloadSupport", 0x4E),
        App("GetChannelPayloadVersion", 0x4F, (0x80, "Payload type not available on given channel")),
        App("GetChannelOemPayloadInfo", 0x50, (0x80, "OEM payload IANA and/or payload ID not supported")),
        App("MasterWriteRead", 0x52),
        App("GetChannelCipherSuites", 0x54, (0x80, "Cipher suite list not available")),
        App("SuspendResumePayloadEncryption", 0x55, 
            (0x80, "Operation not supported for given payload type"),
            (0x81, "Operation not allowed under present configuration for given payload type"),
            (0x82, "Encryption is not available for the session the payload is active under"),
            (0x83, "Payload instance not presently active")),
        App("SetChannelSecurityKeys", 0x56, 
            (0x80, "Cannot perform set/confirm, key is locked"),
            (0x81, "Insufficient key bytes"),
            (0x82, "Too many key bytes"),
            (0x83, "Key value does not meet criteria for the specified type of key"),
            (0x84, "KR is not used")),
        App("GetSystemInterfaceCapabilities", 0x57),
        App("SetSystemInfoParameters", 0x58, SetParameterCodes),
        App("GetSystemInfoParameters", 0x59, GetParameterCodes),

        // Chassis (§28)
        Chassis("GetChassisCapabilities", 0x00),
        Chassis("GetChassisStatus", 0x01),
        Chassis("ChassisControl", 0x02),
        Chassis("ChassisReset", 0x03),
        Chassis("ChassisIdentify", 0x04),
        Chassis("SetChassisCapabilities", 0x05),
        Chassis("SetPowerRestorePolicy", 0x06),
        Chassis("GetSystemRestartCause", 0x07),
        Chassis("SetSystemBootOptions", 0x08, SetBootOptionCodes),
        Chassis("GetSystemBootOptions", 0x09, GetParameterCodes),
        Chassis("SetFrontPanelButtonEnables", 0x0A),
        Chassis("SetPowerCycleInterval", 0x0B),
        Chassis("GetPohCounter", 0x0F),

        // Event (§29), PEF and alerting (§30)
        SensorEvent("SetEventReceiver", 0x00),
        SensorEvent("GetEventReceiver", 0x01),
        SensorEvent("PlatformEvent", 0x02),
        SensorEvent("GetPefCapabilities", 0x10),
        SensorEvent("ArmPefPostponeTimer", 0x11),
        SensorEvent("SetPefConfigurationParameters", 0x12, SetParameterCodes),
        SensorEvent("GetPefConfigurationParameters", 0x13, GetParameterCodes),
        SensorEvent("SetLastProcessedEventId", 0x14, (0x81, SelEraseInProgress)),
        SensorEvent("GetLastProcessedEventId", 0x15, (0x81, SelEraseInProgress)),
        SensorEvent("AlertImmediate", 0x16, 
            (0x81, "Alert Immediate rejected: alert already in progress"),
            (0x82, "Alert Immediate rejected: IPMI messaging session active on this channel"),
            (0x83, "Platform Event Parameters not supported")),
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
        Storage("ReadFruData", 0x11, (0x81, "FRU device busy")),
        Storage("WriteFruData", 0x12, (0x80, "Write-protected offset"), (0x81, "FRU device busy")),
        Storage("GetSdrRepositoryInfo", 0x20),
        Storage("GetSdrRepositoryAllocationInfo", 0x21),
        Storage("ReserveSdrRepository", 0x22),
        Storage("GetSdr", 0x23),
        Storage("AddSdr", 0x24),
        Storage("PartialAddSdr", 0x25, (0x80, "Record rejected due to mismatch between record length in header and bytes written")),
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
        Storage("GetSelEntry", 0x43, (0x81, SelEraseInProgress)),
        Storage("AddSelEntry", 0x44, (0x80, "Operation not supported for this record type"), (0x81, SelEraseInProgress)),
        Storage("PartialAddSelEntry", 0x45,
            (0x80, "Record rejected due to mismatch between record length in header and bytes written"),
            (0x81, SelEraseInProgress)),
        Storage("DeleteSelEntry", 0x46, (0x80, "Operation not supported for this record type"), (0x81, SelEraseInProgress)),
        Storage("ClearSel", 0x47),
        Storage("GetSelTime", 0x48),
        Storage("SetSelTime", 0x49),
        Storage("GetAuxiliaryLogStatus", 0x5A),
        Storage("SetAuxiliaryLogStatus", 0x5B),
        Storage("GetSelTimeUtcOffset", 0x5C),
        Storage("SetSelTimeUtcOffset", 0x5D),

        // LAN (§23), serial/modem (§25), SOL (§26), command forwarding
        Transport("SetLanConfigurationParameters", 0x01, SetParameterCodes),
        Transport("GetLanConfigurationParameters", 0x02, GetParameterCodes),
        Transport("SuspendBmcArps", 0x03),
        Transport("GetIpUdpRmcpStatistics", 0x04),
        Transport("SetSerialModemConfiguration", 0x10, SetParameterCodes),
        Transport("GetSerialModemConfiguration", 0x11, GetParameterCodes),
        Transport("SetSerialModemMux", 0x12),
        Transport("GetTapResponseCodes", 0x13),
        Transport("SetPppUdpProxyTransmitData", 0x14),
        Transport("GetPppUdpProxyTransmitData", 0x15),
        Transport("SendPppUdpProxyPacket", 0x16),
        Transport("GetPppUdpProxyReceiveData", 0x17, ChangesState),
        Transport("SerialModemConnectionActive", 0x18),
        Transport("Callback", 0x19),
        Transport("SetUserCallbackOptions", 0x1A),
        Transport("GetUserCallbackOptions", 0x1B),
        Transport("SetSerialRoutingMux", 0x1C),
        Transport("SolActivating", 0x20),
        Transport("SetSolConfigurationParameters", 0x21, SetParameterCodes),
        Transport("GetSolConfigurationParameters", 0x22, GetParameterCodes),
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

    /// <summary>The row of a command by its exact catalogue name; the command files use it with <c>nameof</c>.</summary>
    /// <exception cref="KeyNotFoundException">No such row (a command file named differently from the catalogue).</exception>
    public static CommandInfo Get(string name) =>
        ByName.TryGetValue(name, out var info) && info.Name == name
            ? info
            : throw new KeyNotFoundException($"'{name}' is not a catalogue command name");

    private static string Normalize(string name) =>
        new(name.Where(char.IsLetterOrDigit).ToArray());

    // Whether a command changes BMC state: by its name unless the row says otherwise (see CommandInfo.IsReadOnly).
    private enum Effect
    {
        ByName,
        ChangesState,
    }

    private static CommandInfo Row(string name, byte netFn, byte command, Effect effect, (byte Code, string Text)[] codes)
    {
        var readOnly = effect == Effect.ByName
                       && (name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("Read", StringComparison.Ordinal));
        return new CommandInfo(name, netFn, command, readOnly, codes.ToDictionary(c => c.Code, c => c.Text));
    }

    private const Effect ChangesState = Effect.ChangesState;

    private static CommandInfo App(string name, byte command, params (byte, string)[] codes) => Row(name, NetFns.App, command, Effect.ByName, codes);

    private static CommandInfo App(string name, byte command, Effect effect, params (byte, string)[] codes) => Row(name, NetFns.App, command, effect, codes);

    private static CommandInfo Chassis(string name, byte command, params (byte, string)[] codes) => Row(name, NetFns.Chassis, command, Effect.ByName, codes);

    private static CommandInfo SensorEvent(string name, byte command, params (byte, string)[] codes) => Row(name, NetFns.SensorEvent, command, Effect.ByName, codes);

    private static CommandInfo Storage(string name, byte command, params (byte, string)[] codes) => Row(name, NetFns.Storage, command, Effect.ByName, codes);

    private static CommandInfo Transport(string name, byte command, params (byte, string)[] codes) => Row(name, NetFns.Transport, command, Effect.ByName, codes);

    private static CommandInfo Transport(string name, byte command, Effect effect, params (byte, string)[] codes) => Row(name, NetFns.Transport, command, effect, codes);

    private static CommandInfo Bridge(string name, byte command, params (byte, string)[] codes) => Row(name, NetFns.Bridge, command, Effect.ByName, codes);
}
