namespace IpmiRpc.Core.Sel;

/// <summary>
/// The spec's names for sensor types and event offsets (IPMI v2.0 Tables 42-2 and 42-3), enough to describe SEL
/// records. Sensor-specific offsets cover the sensor types BMCs log most; other offsets stay numeric (null text).
/// </summary>
public static class SelEventText
{
    private static readonly string[] SensorTypes =
    [
        "Reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security", "Processor",
        "Power Supply", "Power Unit", "Cooling Device", "Other Units-based Sensor", "Memory", "Drive Slot (Bay)",
        "POST Memory Resize", "System Firmware Progress", "Event Logging Disabled", "Watchdog 1", "System Event",
        "Critical Interrupt", "Button / Switch", "Module / Board", "Microcontroller / Coprocessor", "Add-in Card",
        "Chassis", "Chip Set", "Other FRU", "Cable / Interconnect", "Terminator", "System Boot / Restart Initiated",
        "Boot Error", "Base OS Boot / Installation Status", "OS Stop / Shutdown", "Slot / Connector",
        "System ACPI Power State", "Watchdog 2", "Platform Alert", "Entity Presence", "Monitor ASIC / IC", "LAN",
        "Management Subsystem Health", "Battery", "Session Audit", "Version Change", "FRU State",
    ];

    private static readonly string[] ThresholdOffsets =
    [
        "Lower Non-critical going low", "Lower Non-critical going high", "Lower Critical going low",
        "Lower Critical going high", "Lower Non-recoverable going low", "Lower Non-recoverable going high",
        "Upper Non-critical going low", "Upper Non-critical going high", "Upper Critical going low",
        "Upper Critical going high", "Upper Non-recoverable going low", "Upper Non-recoverable going high",
    ];

    private static readonly Dictionary<byte, string[]> GenericOffsets = new()
    {
        [0x02] = ["Transition to Idle", "Transition to Active", "Transition to Busy"],
        [0x03] = ["State Deasserted", "State Asserted"],
        [0x04] = ["Predictive Failure deasserted", "Predictive Failure asserted"],
        [0x05] = ["Limit Not Exceeded", "Limit Exceeded"],
        [0x06] = ["Performance Met", "Performance Lags"],
        [0x07] =
        [
            "Transition to OK", "Transition to Non-Critical from OK", "Transition to Critical from less severe",
            "Transition to Non-recoverable from less severe", "Transition to Non-Critical from more severe",
            "Transition to Critical from Non-recoverable", "Transition to Non-recoverable", "Monitor", "Informational",
        ],
        [0x08] = ["Device Removed / Device Absent", "Device Inserted / Device Present"],
        [0x09] = ["Device Disabled", "Device Enabled"],
        [0x0A] =
        [
            "Transition to Running", "Transition to In Test", "Transition to Power Off", "Transition to On Line",
            "Transition to Off Line", "Transition to Off Duty", "Transition to Degraded", "Transition to Power Save",
            "Install Error",
        ],
        [0x0B] =
        [
            "Fully Redundant", "Redundancy Lost", "Redundancy Degraded",
            "Non-redundant: Sufficient Resources from Redundant",
            "Non-redundant: Sufficient Resources from Insufficient Resources", "Non-redundant: Insufficient Resources",
            "Redundancy Degraded from Fully Redundant", "Redundancy Degraded from Non-redundant",
        ],
        [0x0C] = ["D0 Power State", "D1 Power State", "D2 Power State", "D3 Power State"],
    };

    private static readonly Dictionary<byte, string[]> SensorSpecificOffsets = new()
    {
        [0x05] =
        [
            "General Chassis Intrusion", "Drive Bay intrusion", "I/O Card area intrusion", "Processor area intrusion",
            "LAN Leash Lost", "Unauthorized dock", "FAN area intrusion",
        ],
        [0x07] =
        [
            "IERR", "Thermal Trip", "FRB1/BIST failure", "FRB2/Hang in POST failure",
            "FRB3/Processor Startup/Initialization failure", "Configuration Error",
            "SM BIOS 'Uncorrectable CPU-complex Error'", "Processor Presence detected", "Processor disabled",
            "Terminator Presence Detected", "Processor Automatically Throttled",
            "Machine Check Exception (Uncorrectable)", "Correctable Machine Check Error",
        ],
        [0x08] =
        [
            "Presence detected", "Power Supply Failure detected", "Predictive Failure",
            "Power Supply input lost (AC/DC)", "Power Supply input lost or out-of-range",
            "Power Supply input out-of-range, but present", "Configuration error", "Power Supply Inactive",
        ],
        [0x09] =
        [
            "Power Off / Power Down", "Power Cycle", "240VA Power Down", "Interlock Power Down",
            "AC lost / Power input lost", "Soft Power Control Failure", "Power Unit Failure detected",
            "Predictive Failure",
        ],
        [0x0C] =
        [
            "Correctable ECC / other correctable memory error", "Uncorrectable ECC / other uncorrectable memory error",
            "Parity", "Memory Scrub Failed", "Memory Device Disabled",
            "Correctable ECC / other correctable memory error logging limit reached", "Presence detected", "Configuration error", "Spare",
            "Memory Automatically Throttled", "Critical Overtemperature",
        ],
        [0x0F] = ["System Firmware Error (POST Error)", "System Firmware Hang", "System Firmware Progress"],
        [0x10] =
        [
            "Correctable Memory Error Logging Disabled", "Event 'Type' Logging Disabled", "Log Area Reset/Cleared",
            "All Event Logging Disabled", "SEL Full", "SEL Almost Full", "Correctable Machine Check Error Logging Disabled",
        ],
        [0x12] =
        [
            "System Reconfigured", "OEM System Boot Event", "Undetermined system hardware failure",
            "Entry added to Auxiliary Log", "PEF Action", "Timestamp Clock Synch",
        ],
        [0x13] =
        [
            "Front Panel NMI / Diagnostic Interrupt", "Bus Timeout", "I/O channel check NMI", "Software NMI",
            "PCI PERR", "PCI SERR", "EISA Fail Safe Timeout", "Bus Correctable Error", "Bus Uncorrectable Error",
            "Fatal NMI", "Bus Fatal Error", "Bus Degraded",
        ],
        [0x1D] =
        [
            "Initiated by power up", "Initiated by hard reset", "Initiated by warm reset", "User requested PXE boot",
            "Automatic boot to diagnostic", "OS / run-time software initiated hard reset",
            "OS / run-time software initiated warm reset", "System Restart",
        ],
        [0x20] =
        [
            "Critical stop during OS load / initialization", "Run-time Critical Stop", "OS Graceful Stop",
            "OS Graceful Shutdown", "Soft Shutdown initiated by PEF", "Agent Not Responding",
        ],
        [0x23] =
        [
            "Timer expired, status only", "Hard Reset", "Power Down", "Power Cycle", "reserved", "reserved",
            "reserved", "reserved", "Timer interrupt",
        ],
        [0x29] = ["Battery low (predictive failure)", "Battery failed", "Battery presence detected"],
    };

    /// <summary>The sensor type's name; "OEM reserved" for C0h–FFh; null for unassigned codes.</summary>
    public static string? SensorType(byte sensorType) => sensorType switch
    {
        _ when sensorType < SensorTypes.Length => SensorTypes[sensorType],
        >= 0xC0 => "OEM reserved",
        _ => null,
    };

    /// <summary>The event offset's name for this event/reading type and sensor type, or null when the tables hold none.</summary>
    public static string? Offset(byte eventType, byte sensorType, byte offset)
    {
        string[]? table = eventType switch
        {
            0x01 => ThresholdOffsets,
            0x6F => SensorSpecificOffsets.GetValueOrDefault(sensorType),
            _ => GenericOffsets.GetValueOrDefault(eventType),
        };
        return table is not null && offset < table.Length && table[offset] != "reserved" ? table[offset] : null;
    }
}
