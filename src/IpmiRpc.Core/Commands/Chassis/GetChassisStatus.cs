namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>Get Chassis Status (Chassis 01h). IPMI v2.0 §28.2.</summary>
public static class GetChassisStatus
{
    public const byte NetFn = NetFns.Chassis;
    public const byte Command = 0x01;

    /// <summary>Current power state, last power event, misc chassis state; the front panel byte is optional.</summary>
    public const int MinimumLength = 3;

    public static IpmiRequest CreateRequest() => new(NetFn, Command, ReadOnlyMemory<byte>.Empty);

    public static GetChassisStatusResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, MinimumLength, "Get Chassis Status response");
        byte power = data[0], last = data[1], misc = data[2];
        FrontPanelControls? frontPanel = null;
        if (data.Length >= 4)
        {
            var fp = data[3];
            frontPanel = new FrontPanelControls(
                StandbyButtonDisableAllowed: (fp & 0b1000_0000) != 0,
                DiagnosticButtonDisableAllowed: (fp & 0b0100_0000) != 0,
                ResetButtonDisableAllowed: (fp & 0b0010_0000) != 0,
                PowerButtonDisableAllowed: (fp & 0b0001_0000) != 0,
                StandbyButtonDisabled: (fp & 0b0000_1000) != 0,
                DiagnosticButtonDisabled: (fp & 0b0000_0100) != 0,
                ResetButtonDisabled: (fp & 0b0000_0010) != 0,
                PowerButtonDisabled: (fp & 0b0000_0001) != 0);
        }

        return new GetChassisStatusResponse(
            PowerOn: (power & 0b0000_0001) != 0,
            PowerOverload: (power & 0b0000_0010) != 0,
            PowerInterlock: (power & 0b0000_0100) != 0,
            PowerFault: (power & 0b0000_1000) != 0,
            PowerControlFault: (power & 0b0001_0000) != 0,
            PowerRestorePolicy: ((power >> 5) & 0b11) switch
            {
                0 => "alwaysOff",
                1 => "previous",
                2 => "alwaysOn",
                _ => "unknown",
            },
            LastPowerEvent: new LastPowerEvent(
                AcFailed: (last & 0b0000_0001) != 0,
                Overload: (last & 0b0000_0010) != 0,
                Interlock: (last & 0b0000_0100) != 0,
                Fault: (last & 0b0000_1000) != 0,
                CommandOn: (last & 0b0001_0000) != 0),
            IntrusionActive: (misc & 0b0000_0001) != 0,
            FrontPanelLockout: (misc & 0b0000_0010) != 0,
            DriveFault: (misc & 0b0000_0100) != 0,
            CoolingFault: (misc & 0b0000_1000) != 0,
            IdentifyState: (misc & 0b0100_0000) == 0 ? null : ((misc >> 4) & 0b11) switch
            {
                0 => "off",
                1 => "temporary",
                2 => "indefinite",
                _ => "reserved",
            },
            FrontPanel: frontPanel);
    }
}

public sealed record LastPowerEvent(bool AcFailed, bool Overload, bool Interlock, bool Fault, bool CommandOn);

public sealed record FrontPanelControls(
    bool StandbyButtonDisableAllowed,
    bool DiagnosticButtonDisableAllowed,
    bool ResetButtonDisableAllowed,
    bool PowerButtonDisableAllowed,
    bool StandbyButtonDisabled,
    bool DiagnosticButtonDisabled,
    bool ResetButtonDisabled,
    bool PowerButtonDisabled);

/// <param name="IdentifyState">Chassis identify state when the BMC reports it (bit 6 set), else null.</param>
public sealed record GetChassisStatusResponse(
    bool PowerOn,
    bool PowerOverload,
    bool PowerInterlock,
    bool PowerFault,
    bool PowerControlFault,
    string PowerRestorePolicy,
    LastPowerEvent LastPowerEvent,
    bool IntrusionActive,
    bool FrontPanelLockout,
    bool DriveFault,
    bool CoolingFault,
    string? IdentifyState,
    FrontPanelControls? FrontPanel);
