namespace IpmiRpc.Core.Sensors;

/// <summary>
/// Sensor type codes and their sensor-specific state offsets (event/reading type 6Fh), IPMI v2.0 §42.2 Table 42-3.
/// Names as the spec writes them (FreeIPMI follows the spec; ipmitool shortens some, e.g. "Drive Present").
/// </summary>
public static class SensorTypeTable
{
    private static readonly string[] TypeNames =
    [
        "Reserved", "Temperature", "Voltage", "Current", "Fan", "Physical Security", "Platform Security Violation Attempt",
        "Processor", "Power Supply", "Power Unit", "Cooling Device", "Other Units Based Sensor", "Memory", "Drive Slot",
        "POST Memory Resize", "System Firmware Progress", "Event Logging Disabled", "Watchdog 1", "System Event",
        "Critical Interrupt", "Button/Switch", "Module/Board", "Microcontroller/Coprocessor", "Add In Card", "Chassis",
        "Chip Set", "Other FRU", "Cable/Interconnect", "Terminator", "System Boot Initiated", "Boot Error", "OS Boot",
        "OS Critical Stop", "Slot/Connector", "System ACPI Power State", "Watchdog 2", "Platform Alert", "Entity Presence",
        "Monitor ASIC/IC", "LAN", "Management Subsystem Health", "Battery", "Session Audit", "Version Change", "FRU State",
    ];

    private static readonly Dictionary<int, string[]> Offsets = new()
    {
        [0x05] =
        [
            "General Chassis Intrusion", "Drive Bay intrusion", "I/O Card area intrusion", "Processor area intrusion",
            "LAN Leash Lost (system is unplugged from LAN)", "Unauthorized dock", "FAN area intrusion",
        ],
        [0x06] =
        [
            "Secure Mode (Front Panel Lockout) Violation attempt", "Pre-boot Password Violation - user password",
            "Pre-boot Password Violation attempt - setup password", "Pre-boot Password Violation - network boot password",
            "Other pre-boot Password Violation", "Out-of-band Access Password Violation",
        ],
        [0x07] =
        [
            "IERR", "Thermal Trip", "FRB1/BIST failure", "FRB2/Hang in POST failure",
            "FRB3/Processor Startup/Initialization failure", "Configuration Error", "SM BIOS 'Uncorrectable CPU-complex Error'",
            "Processor Presence detected", "Processor disabled", "Terminator Presence Detected",
            "Processor Automatically Throttled", "Machine Check Exception (Uncorrectable)", "Correctable Machine Check Error",
        ],
        [0x08] =
        [
            "Presence detected", "Power Supply Failure detected", "Predictive Failure", "Power Supply input lost (AC/DC)",
            "Power Supply input lost or out-of-range", "Power Supply input out-of-range, but present", "Configuration error",
            "Power Supply Inactive/standby state",
        ],
        [0x09] =
        [
            "Power Off/Power Down", "Power Cycle", "240VA Power Down", "Interlock Power Down", "AC lost/Power input lost",
            "Soft Power Control Failure", "Power Unit Failure detected", "Predictive Failure",
        ],
        [0x0C] =
        [
            "Correctable ECC/other correctable memory error", "Uncorrectable ECC/other uncorrectable memory error", "Parity",
            "Memory Scrub Failed (stuck bit)", "Memory Device Disabled", "Correctable ECC/other correctable memory error logging limit reached",
            "Presence detected", "Configuration error", "Spare", "Memory Automatically Throttled", "Critical Overtemperature",
        ],
        [0x0D] =
        [
            "Drive Presence", "Drive Fault", "Predictive Failure", "Hot Spare", "Consistency Check / Parity Check in progress",
            "In Critical Array", "In Failed Array", "Rebuild/Remap in progress", "Rebuild/Remap Aborted (was not completed normally)",
        ],
        [0x0F] = ["System Firmware Error (POST Error)", "System Firmware Hang", "System Firmware Progress"],
        [0x10] =
        [
            "Correctable Memory Error Logging Disabled", "Event 'Type' Logging Disabled", "Log Area Reset/Cleared",
            "All Event Logging Disabled", "SEL Full", "SEL Almost Full", "Correctable Machine Check Error Logging Disabled",
        ],
        [0x11] =
        [
            "BIOS Watchdog Reset", "OS Watchdog Reset", "OS Watchdog Shut Down", "OS Watchdog Power Down",
            "OS Watchdog Power Cycle", "OS Watchdog NMI/Diagnostic Interrupt", "OS Watchdog Expired, status only",
            "OS Watchdog pre-timeout Interrupt, non-NMI",
        ],
        [0x12] =
        [
            "System Reconfigured", "OEM System Boot Event", "Undetermined system hardware failure",
            "Entry added to Auxiliary Log", "PEF Action", "Timestamp Clock Synch",
        ],
        [0x13] =
        [
            "Front Panel NMI/Diagnostic Interrupt", "Bus Timeout", "I/O channel check NMI", "Software NMI", "PCI PERR",
            "PCI SERR", "EISA Fail Safe Timeout", "Bus Correctable Error", "Bus Uncorrectable Error", "Fatal NMI",
            "Bus Fatal Error", "Bus Degraded",
        ],
        [0x14] = ["Power Button pressed", "Sleep Button pressed", "Reset Button pressed", "FRU latch open", "FRU service request button"],
        [0x19] = ["Soft Power Control Failure", "Thermal Trip"],
        [0x1B] = ["Cable/Interconnect is connected", "Configuration Error - Incorrect cable connected / Incorrect interconnection"],
        [0x1D] =
        [
            "Initiated by power up", "Initiated by hard reset", "Initiated by warm reset", "User requested PXE boot",
            "Automatic boot to diagnostic", "OS / run-time software initiated hard reset",
            "OS / run-time software initiated warm reset", "System Restart",
        ],
        [0x1E] =
        [
            "No bootable media", "Non-bootable diskette left in drive", "PXE Server not found", "Invalid boot sector",
            "Timeout waiting for user selection of boot source",
        ],
        [0x1F] =
        [
            "A: boot completed", "C: boot completed", "PXE boot completed", "Diagnostic boot completed",
            "CD-ROM boot completed", "ROM boot completed", "boot completed - boot device not specified",
            "Base OS/Hypervisor Installation started", "Base OS/Hypervisor Installation completed",
            "Base OS/Hypervisor Installation aborted", "Base OS/Hypervisor Installation failed",
        ],
        [0x20] =
        [
            "Critical stop during OS load / initialization", "Run-time Critical Stop", "OS Graceful Stop",
            "OS Graceful Shutdown", "Soft Shutdown initiated by PEF", "Agent Not Responding",
        ],
        [0x21] =
        [
            "Fault Status asserted", "Identify Status asserted", "Slot/Connector Device installed/attached",
            "Slot/Connector Ready for Device Installation", "Slot/Connector Ready for Device Removal", "Slot Power is Off",
            "Slot/Connector Device Removal Request", "Interlock asserted", "Slot is Disabled", "Slot holds spare device",
        ],
        [0x22] =
        [
            "S0/G0 \"working\"", "S1 \"sleeping with system h/w & processor context maintained\"",
            "S2 \"sleeping, processor context lost\"", "S3 \"sleeping, processor & h/w context lost, memory retained.\"",
            "S4 \"non-volatile sleep/suspend-to disk\"", "S5/G2 \"soft-off\"",
            "S4/S5 soft-off, particular S4/S5 state cannot be determined", "G3/Mechanical Off",
            "Sleeping in an S1, S2, or S3 states", "G1 sleeping", "S5 entered by override", "Legacy ON state",
            "Legacy OFF state", "Reserved", "Unknown",
        ],
        [0x23] =
        [
            "Timer expired, status only", "Hard Reset", "Power Down", "Power Cycle", "Reserved", "Reserved", "Reserved",
            "Reserved", "Timer interrupt",
        ],
        [0x24] = ["platform generated page", "platform generated LAN alert", "Platform Event Trap generated", "platform generated SNMP trap"],
        [0x25] = ["Entity Present", "Entity Absent", "Entity Disabled"],
        [0x27] = ["LAN Heartbeat Lost", "LAN Heartbeat"],
        [0x28] =
        [
            "sensor access degraded or unavailable", "controller access degraded or unavailable",
            "management controller off-line", "management controller unavailable", "Sensor failure", "FRU failure",
        ],
        [0x29] = ["battery low (predictive failure)", "battery failed", "battery presence detected"],
        [0x2A] = ["Session Activated", "Session Deactivated", "Invalid Username or Password", "Invalid password disable"],
        [0x2B] =
        [
            "Hardware change detected with associated Entity", "Firmware or software change detected with associated Entity",
            "Hardware incompatibility detected with associated Entity",
            "Firmware or software incompatibility detected with associated Entity",
            "Entity is of an invalid or unsupported hardware version",
            "Entity contains an invalid or unsupported firmware or software version",
            "Hardware Change detected with associated Entity was successful",
            "Software or F/W Change detected with associated Entity was successful",
        ],
        [0x2C] =
        [
            "FRU Not Installed", "FRU Inactive", "FRU Activation Requested", "FRU Activation In Progress", "FRU Active",
            "FRU Deactivation Requested", "FRU Deactivation In Progress", "FRU Communication Lost",
        ],
    };

    /// <summary>The sensor type's name; C0h–FFh are OEM, others beyond the table "Unknown (0xNN)".</summary>
    public static string TypeName(int sensorType) => sensorType switch
    {
        >= 0 when sensorType < TypeNames.Length => TypeNames[sensorType],
        >= 0xC0 and <= 0xFF => "OEM Reserved",
        _ => $"Unknown (0x{sensorType:X2})",
    };

    /// <summary>The sensor type's name; "OEM Reserved" for C0h–FFh; null for codes the spec leaves unassigned.</summary>
    public static string? KnownTypeName(int sensorType) => sensorType switch
    {
        >= 0 when sensorType < TypeNames.Length => TypeNames[sensorType],
        >= 0xC0 and <= 0xFF => "OEM Reserved",
        _ => null,
    };

    /// <summary>The sensor-specific state name of <paramref name="offset"/>, or null where the spec defines none.</summary>
    public static string? StateName(int sensorType, int offset) =>
        Offsets.TryGetValue(sensorType, out var names) && (uint)offset < (uint)names.Length ? names[offset] : null;
}
