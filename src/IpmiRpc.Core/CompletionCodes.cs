namespace IpmiRpc.Core;

/// <summary>Completion code texts: IPMI v2.0 §5.2 Table 5-2 (generic) plus command-specific 80h–BEh codes.</summary>
public static class CompletionCodes
{
    private static readonly Dictionary<byte, string> Generic = new()
    {
        [0x00] = "Command completed normally",
        [0xC0] = "Node busy",
        [0xC1] = "Invalid command",
        [0xC2] = "Command invalid for given LUN",
        [0xC3] = "Timeout while processing command",
        [0xC4] = "Out of space",
        [0xC5] = "Reservation canceled or invalid reservation ID",
        [0xC6] = "Request data truncated",
        [0xC7] = "Request data length invalid",
        [0xC8] = "Request data field length limit exceeded",
        [0xC9] = "Parameter out of range",
        [0xCA] = "Cannot return number of requested data bytes",
        [0xCB] = "Requested sensor, data, or record not present",
        [0xCC] = "Invalid data field in request",
        [0xCD] = "Command illegal for specified sensor or record type",
        [0xCE] = "Command response could not be provided",
        [0xCF] = "Cannot execute duplicated request",
        [0xD0] = "SDR repository in update mode",
        [0xD1] = "Device in firmware update mode",
        [0xD2] = "BMC initialization in progress",
        [0xD3] = "Destination unavailable",
        [0xD4] = "Insufficient privilege level",
        [0xD5] = "Command not supported in present state",
        [0xD6] = "Command sub-function has been disabled or is unavailable",
        [0xFF] = "Unspecified error",
    };

    private const string ParameterNotSupported = "Parameter not supported";
    private const string SetInProgressNotComplete = "Attempt to set the 'set in progress' value when not in the 'set complete' state";
    private const string WriteReadOnly = "Attempt to write a read-only parameter";
    private const string ReadWriteOnly = "Attempt to read a write-only parameter";
    private const string SelEraseInProgress = "Cannot execute command, SEL erase in progress";

    // (netFn request, command, code) → text, for the 80h–BEh range whose meaning depends on the command.
    // IPMI v2.0 command tables; texts shortened from the spec's wording.
    private static readonly Dictionary<(byte NetFn, byte Command, byte Code), string> CommandSpecific = new()
    {
        // App: watchdog, messaging, sessions, users, payloads
        [(0x06, 0x22, 0x80)] = "Attempt to start an un-initialized watchdog",
        [(0x06, 0x33, 0x80)] = "Data not available (queue/buffer empty)",
        [(0x06, 0x35, 0x80)] = "Data not available (queue/buffer empty)",
        [(0x06, 0x39, 0x81)] = "Invalid user name",
        [(0x06, 0x39, 0x82)] = "Null user name (user 1) not enabled",
        [(0x06, 0x3A, 0x81)] = "No session slot available",
        [(0x06, 0x3A, 0x82)] = "No slot available for given user",
        [(0x06, 0x3A, 0x83)] = "No slot available to support user due to maximum privilege capability",
        [(0x06, 0x3A, 0x84)] = "Session sequence number out of range",
        [(0x06, 0x3A, 0x85)] = "Invalid session ID in request",
        [(0x06, 0x3A, 0x86)] = "Requested maximum privilege level exceeds user and/or channel privilege limit",
        [(0x06, 0x3B, 0x80)] = "Requested level not available for this user",
        [(0x06, 0x3B, 0x81)] = "Requested level exceeds channel and/or user privilege limit",
        [(0x06, 0x3B, 0x82)] = "Cannot disable user level authentication",
        [(0x06, 0x3C, 0x87)] = "Invalid session ID in request",
        [(0x06, 0x3C, 0x88)] = "Invalid session handle in request",
        [(0x06, 0x40, 0x82)] = "Set not supported on selected channel",
        [(0x06, 0x40, 0x83)] = "Access mode not supported",
        [(0x06, 0x41, 0x82)] = "Command not supported for selected channel",
        [(0x06, 0x47, 0x80)] = "Password test failed: password size correct, but password data does not match",
        [(0x06, 0x47, 0x81)] = "Password test failed: wrong password size",
        [(0x06, 0x48, 0x80)] = "Payload already active on another session",
        [(0x06, 0x48, 0x81)] = "Payload type is disabled",
        [(0x06, 0x48, 0x82)] = "Payload activation limit reached",
        [(0x06, 0x48, 0x83)] = "Cannot activate payload with encryption",
        [(0x06, 0x48, 0x84)] = "Cannot activate payload without encryption",
        [(0x06, 0x49, 0x80)] = "Payload already deactivated",
        [(0x06, 0x49, 0x81)] = "Payload type is disabled",
        [(0x06, 0x4F, 0x80)] = "Payload type not available on given channel",
        [(0x06, 0x50, 0x80)] = "OEM payload IANA and/or payload ID not supported",
        [(0x06, 0x54, 0x80)] = "Cipher suite list not available",
        [(0x06, 0x55, 0x80)] = "Operation not supported for given payload type",
        [(0x06, 0x55, 0x81)] = "Operation not allowed under present configuration for given payload type",
        [(0x06, 0x55, 0x82)] = "Encryption is not available for the session the payload is active under",
        [(0x06, 0x55, 0x83)] = "Payload instance not presently active",
        [(0x06, 0x56, 0x80)] = "Cannot perform set/confirm, key is locked",
        [(0x06, 0x56, 0x81)] = "Insufficient key bytes",
        [(0x06, 0x56, 0x82)] = "Too many key bytes",
        [(0x06, 0x56, 0x83)] = "Key value does not meet criteria for the specified type of key",
        [(0x06, 0x56, 0x84)] = "KR is not used",
        [(0x06, 0x58, 0x80)] = ParameterNotSupported,
        [(0x06, 0x58, 0x81)] = SetInProgressNotComplete,
        [(0x06, 0x58, 0x82)] = WriteReadOnly,
        [(0x06, 0x58, 0x83)] = ReadWriteOnly,
        [(0x06, 0x59, 0x80)] = ParameterNotSupported,

        // Chassis: boot options
        [(0x00, 0x08, 0x80)] = ParameterNotSupported,
        [(0x00, 0x08, 0x81)] = SetInProgressNotComplete,
        [(0x00, 0x08, 0x82)] = WriteReadOnly,
        [(0x00, 0x09, 0x80)] = ParameterNotSupported,

        // Sensor/Event: PEF and alerting
        [(0x04, 0x12, 0x80)] = ParameterNotSupported,
        [(0x04, 0x12, 0x81)] = SetInProgressNotComplete,
        [(0x04, 0x12, 0x82)] = WriteReadOnly,
        [(0x04, 0x12, 0x83)] = ReadWriteOnly,
        [(0x04, 0x13, 0x80)] = ParameterNotSupported,
        [(0x04, 0x14, 0x81)] = SelEraseInProgress,
        [(0x04, 0x15, 0x81)] = SelEraseInProgress,
        [(0x04, 0x16, 0x81)] = "Alert Immediate rejected: alert already in progress",
        [(0x04, 0x16, 0x82)] = "Alert Immediate rejected: IPMI messaging session active on this channel",
        [(0x04, 0x16, 0x83)] = "Platform Event Parameters not supported",

        // Storage: FRU, SDR, SEL
        [(0x0A, 0x11, 0x81)] = "FRU device busy",
        [(0x0A, 0x12, 0x80)] = "Write-protected offset",
        [(0x0A, 0x12, 0x81)] = "FRU device busy",
        [(0x0A, 0x25, 0x80)] = "Record rejected due to mismatch between record length in header and bytes written",
        [(0x0A, 0x43, 0x81)] = SelEraseInProgress,
        [(0x0A, 0x44, 0x80)] = "Operation not supported for this record type",
        [(0x0A, 0x44, 0x81)] = SelEraseInProgress,
        [(0x0A, 0x45, 0x80)] = "Record rejected due to mismatch between record length in header and bytes written",
        [(0x0A, 0x45, 0x81)] = SelEraseInProgress,
        [(0x0A, 0x46, 0x80)] = "Operation not supported for this record type",
        [(0x0A, 0x46, 0x81)] = SelEraseInProgress,

        // Transport: LAN, serial/modem, SOL
        [(0x0C, 0x01, 0x80)] = ParameterNotSupported,
        [(0x0C, 0x01, 0x81)] = SetInProgressNotComplete,
        [(0x0C, 0x01, 0x82)] = WriteReadOnly,
        [(0x0C, 0x01, 0x83)] = ReadWriteOnly,
        [(0x0C, 0x02, 0x80)] = ParameterNotSupported,
        [(0x0C, 0x10, 0x80)] = ParameterNotSupported,
        [(0x0C, 0x10, 0x81)] = SetInProgressNotComplete,
        [(0x0C, 0x10, 0x82)] = WriteReadOnly,
        [(0x0C, 0x10, 0x83)] = ReadWriteOnly,
        [(0x0C, 0x11, 0x80)] = ParameterNotSupported,
        [(0x0C, 0x21, 0x80)] = ParameterNotSupported,
        [(0x0C, 0x21, 0x81)] = SetInProgressNotComplete,
        [(0x0C, 0x21, 0x82)] = WriteReadOnly,
        [(0x0C, 0x21, 0x83)] = ReadWriteOnly,
        [(0x0C, 0x22, 0x80)] = ParameterNotSupported,
    };

    /// <summary>True when the spec defines a meaning for <paramref name="code"/> on this command.</summary>
    public static bool IsCommandSpecificKnown(byte code, byte netFn, byte command) =>
        CommandSpecific.ContainsKey(((byte)(netFn & 0xFE), command, code));

    /// <summary>The text for a completion code, using the command-specific table where the code is in 80h–BEh.</summary>
    public static string Describe(byte code, byte netFn, byte command)
    {
        var requestNetFn = (byte)(netFn & 0xFE);
        if (CommandSpecific.TryGetValue((requestNetFn, command, code), out var specific))
        {
            return specific;
        }

        if (Generic.TryGetValue(code, out var generic))
        {
            return generic;
        }

        return code switch
        {
            >= 0x01 and <= 0x7E => "OEM completion code",
            >= 0x80 and <= 0xBE => "Command-specific completion code",
            _ => "Reserved completion code",
        };
    }
}
