namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>Get Chassis Status (Chassis 01h). IPMI v2.0 §28.2, Table 28-3.</summary>
public sealed record GetChassisStatus : IIpmiCommand<ChassisStatus>
{
    /// <summary>Current power state, last power event, misc chassis state; the front panel byte is optional.</summary>
    public const int MinimumLength = 3;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetChassisStatus));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public ChassisStatus Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, MinimumLength, "Get Chassis Status response");
        byte power = data[0], last = data[1], misc = data[2];
        FrontPanelButtons? frontPanel = null;
        if (data.Length >= 4)
        {
            var fp = data[3];
            frontPanel = new FrontPanelButtons(
                StandbyButtonDisableAllowed: (fp & 0b1000_0000) != 0,
                DiagnosticButtonDisableAllowed: (fp & 0b0100_0000) != 0,
                ResetButtonDisableAllowed: (fp & 0b0010_0000) != 0,
                PowerButtonDisableAllowed: (fp & 0b0001_0000) != 0,
                StandbyButtonDisabled: (fp & 0b0000_1000) != 0,
                DiagnosticButtonDisabled: (fp & 0b0000_0100) != 0,
                ResetButtonDisabled: (fp & 0b0000_0010) != 0,
                PowerButtonDisabled: (fp & 0b0000_0001) != 0);
        }

        var identifySupported = (misc & 0b0100_0000) != 0;
        return new ChassisStatus(
            PowerOn: (power & 0b0000_0001) != 0,
            PowerOverload: (power & 0b0000_0010) != 0,
            PowerInterlock: (power & 0b0000_0100) != 0,
            PowerFault: (power & 0b0000_1000) != 0,
            PowerControlFault: (power & 0b0001_0000) != 0,
            PowerRestorePolicy: (PowerRestorePolicy)((power >> 5) & 0b11),
            LastPowerEvent: new LastPowerEvent(
                AcFailed: (last & 0b0000_0001) != 0,
                Overload: (last & 0b0000_0010) != 0,
                Interlock: (last & 0b0000_0100) != 0,
                Fault: (last & 0b0000_1000) != 0,
                PowerOnByCommand: (last & 0b0001_0000) != 0),
            IntrusionActive: (misc & 0b0000_0001) != 0,
            FrontPanelLockout: (misc & 0b0000_0010) != 0,
            DriveFault: (misc & 0b0000_0100) != 0,
            CoolingFault: (misc & 0b0000_1000) != 0,
            IdentifySupported: identifySupported,
            IdentifyState: identifySupported ? (ChassisIdentifyState)((misc >> 4) & 0b11) : null,
            FrontPanel: frontPanel);
    }
}

/// <summary>What the chassis does when AC power returns (byte 1 bits 6:5).</summary>
public enum PowerRestorePolicy
{
    AlwaysOff = 0,
    Previous = 1,
    AlwaysOn = 2,
    Unknown = 3,
}

/// <summary>The chassis identify indicator (byte 3 bits 5:4).</summary>
public enum ChassisIdentifyState
{
    Off = 0,
    Temporary = 1,
    Indefinite = 2,
    Reserved = 3,
}

/// <summary>Why power last went off or on (byte 2).</summary>
/// <param name="PowerOnByCommand">The last power-on was requested by an IPMI command (bit 4).</param>
public sealed record LastPowerEvent(bool AcFailed, bool Overload, bool Interlock, bool Fault, bool PowerOnByCommand);

/// <summary>Front panel button capabilities and disable status (optional byte 4).</summary>
public sealed record FrontPanelButtons(
    bool StandbyButtonDisableAllowed,
    bool DiagnosticButtonDisableAllowed,
    bool ResetButtonDisableAllowed,
    bool PowerButtonDisableAllowed,
    bool StandbyButtonDisabled,
    bool DiagnosticButtonDisabled,
    bool ResetButtonDisabled,
    bool PowerButtonDisabled);

/// <summary>Decoded Get Chassis Status response.</summary>
/// <param name="PowerControlFault">The controller tried to change power and the power state did not follow.</param>
/// <param name="IdentifySupported">The BMC reports the identify state (byte 3 bit 6).</param>
/// <param name="IdentifyState">The identify state when <paramref name="IdentifySupported"/>, else null.</param>
/// <param name="FrontPanel">Front panel button capabilities, when the BMC sends the optional fourth byte.</param>
public sealed record ChassisStatus(
    bool PowerOn,
    bool PowerOverload,
    bool PowerInterlock,
    bool PowerFault,
    bool PowerControlFault,
    PowerRestorePolicy PowerRestorePolicy,
    LastPowerEvent LastPowerEvent,
    bool IntrusionActive,
    bool FrontPanelLockout,
    bool DriveFault,
    bool CoolingFault,
    bool IdentifySupported,
    ChassisIdentifyState? IdentifyState,
    FrontPanelButtons? FrontPanel);
