namespace IpmiRpc.Core;

/// <summary>Completion code texts: IPMI v2.0 §5.2 Table 5-2 (generic); the command-specific 80h–BEh codes are in each
/// command's <see cref="CommandInfo.CompletionCodes"/>.</summary>
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

    /// <summary>The text for a completion code, using the command-specific table where the code is in 80h–BEh.</summary>
    public static string Describe(byte code, byte netFn, byte command)
    {
        if (CommandCatalogue.Find(netFn, command) is { } row && row.CompletionCodes.TryGetValue(code, out var specific))
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
