namespace IpmiRpc.Core.Commands.Chassis;

/// <summary>Get System Restart Cause (Chassis 07h). IPMI v2.0 §28.11, Table 28-11.</summary>
public sealed record GetSystemRestartCause : IIpmiCommand<SystemRestartCause>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetSystemRestartCause));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public SystemRestartCause Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Get System Restart Cause response");
        var cause = data[0] & 0x0F;
        return new SystemRestartCause(cause <= (int)RestartCause.PowerUpViaRtcWakeup ? (RestartCause)cause : RestartCause.Reserved, data[1]);
    }
}

/// <summary>Why the system last restarted, and the channel the request came in on (if by command).</summary>
public sealed record SystemRestartCause(RestartCause Cause, byte Channel);

/// <summary>Restart cause (response byte 2 bits 3:0); values above Bh are reserved.</summary>
public enum RestartCause
{
    Unknown = 0x0,
    ChassisControlCommand = 0x1,
    ResetViaPushbutton = 0x2,
    PowerUpViaPowerPushbutton = 0x3,
    WatchdogExpiration = 0x4,
    Oem = 0x5,
    AutomaticPowerUpAlwaysRestore = 0x6,
    AutomaticPowerUpRestorePrevious = 0x7,
    ResetViaPef = 0x8,
    PowerCycleViaPef = 0x9,
    SoftReset = 0xA,
    PowerUpViaRtcWakeup = 0xB,
    Reserved = 0xF,
}
