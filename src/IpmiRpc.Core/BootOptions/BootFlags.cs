namespace IpmiRpc.Core.BootOptions;

/// <summary>
/// Boot flags, boot option parameter 5 (IPMI v2.0 Table 28-14): what the next boot (or every boot, if persistent)
/// should do. The BIOS reads them at POST; <see cref="Valid"/> false means "no override".
/// </summary>
/// <param name="Valid">Data 1 bit 7: the flags are valid.</param>
/// <param name="Persistent">Data 1 bit 6: apply to all future boots, not only the next one.</param>
/// <param name="Efi">Data 1 bit 5: boot type EFI rather than PC compatible (legacy).</param>
/// <param name="ClearCmos">Data 2 bit 7.</param>
/// <param name="LockKeyboard">Data 2 bit 6.</param>
/// <param name="Device">Data 2 bits 5:2: the boot device selector.</param>
/// <param name="ScreenBlank">Data 2 bit 1.</param>
/// <param name="LockResetButton">Data 2 bit 0.</param>
/// <param name="LockPowerButton">Data 3 bit 7: lock out (power off / sleep request) via the power button.</param>
/// <param name="Verbosity">Data 3 bits 6:5: firmware (BIOS) verbosity.</param>
/// <param name="ForceProgressEventTraps">Data 3 bit 4.</param>
/// <param name="UserPasswordBypass">Data 3 bit 3.</param>
/// <param name="LockSleepButton">Data 3 bit 2.</param>
/// <param name="ConsoleRedirection">Data 3 bits 1:0.</param>
/// <param name="BiosSharedModeOverride">Data 4 bit 3.</param>
/// <param name="BiosMuxControlOverride">Data 4 bits 2:0.</param>
/// <param name="DeviceInstance">Data 5 bits 4:0: device instance selector (0: no preference).</param>
public sealed record BootFlags(
    bool Valid,
    bool Persistent,
    bool Efi,
    BootDevice Device,
    bool ClearCmos = false,
    bool LockKeyboard = false,
    bool ScreenBlank = false,
    bool LockResetButton = false,
    bool LockPowerButton = false,
    FirmwareVerbosity Verbosity = FirmwareVerbosity.Default,
    bool ForceProgressEventTraps = false,
    bool UserPasswordBypass = false,
    bool LockSleepButton = false,
    ConsoleRedirection ConsoleRedirection = ConsoleRedirection.Default,
    bool BiosSharedModeOverride = false,
    int BiosMuxControlOverride = 0,
    int DeviceInstance = 0)
{
    /// <summary>The five data bytes are all this parameter has.</summary>
    public const int Length = 5;

    public static BootFlags Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, Length, "Boot option parameter 5 (boot flags)");
        return new BootFlags(
            Valid: (data[0] & 0b1000_0000) != 0,
            Persistent: (data[0] & 0b0100_0000) != 0,
            Efi: (data[0] & 0b0010_0000) != 0,
            Device: (BootDevice)((data[1] >> 2) & 0x0F),
            ClearCmos: (data[1] & 0b1000_0000) != 0,
            LockKeyboard: (data[1] & 0b0100_0000) != 0,
            ScreenBlank: (data[1] & 0b0000_0010) != 0,
            LockResetButton: (data[1] & 0b0000_0001) != 0,
            LockPowerButton: (data[2] & 0b1000_0000) != 0,
            Verbosity: (FirmwareVerbosity)((data[2] >> 5) & 0b11),
            ForceProgressEventTraps: (data[2] & 0b0001_0000) != 0,
            UserPasswordBypass: (data[2] & 0b0000_1000) != 0,
            LockSleepButton: (data[2] & 0b0000_0100) != 0,
            ConsoleRedirection: (ConsoleRedirection)(data[2] & 0b11),
            BiosSharedModeOverride: (data[3] & 0b0000_1000) != 0,
            BiosMuxControlOverride: data[3] & 0b111,
            DeviceInstance: data[4] & 0b1_1111);
    }

    /// <exception cref="FormatException">A field wider than its bits.</exception>
    public static byte[] Encode(BootFlags flags)
    {
        if ((int)flags.Device is < 0 or > 0x0F || (int)flags.Verbosity is < 0 or > 3 || (int)flags.ConsoleRedirection is < 0 or > 3
            || flags.BiosMuxControlOverride is < 0 or > 7 || flags.DeviceInstance is < 0 or > 0x1F)
        {
            throw new FormatException("a boot flag field is out of range");
        }

        return
        [
            (byte)((flags.Valid ? 0b1000_0000 : 0) | (flags.Persistent ? 0b0100_0000 : 0) | (flags.Efi ? 0b0010_0000 : 0)),
            (byte)((flags.ClearCmos ? 0b1000_0000 : 0) | (flags.LockKeyboard ? 0b0100_0000 : 0) | ((int)flags.Device << 2)
                   | (flags.ScreenBlank ? 0b0000_0010 : 0) | (flags.LockResetButton ? 0b0000_0001 : 0)),
            (byte)((flags.LockPowerButton ? 0b1000_0000 : 0) | ((int)flags.Verbosity << 5) | (flags.ForceProgressEventTraps ? 0b0001_0000 : 0)
                   | (flags.UserPasswordBypass ? 0b0000_1000 : 0) | (flags.LockSleepButton ? 0b0000_0100 : 0) | (int)flags.ConsoleRedirection),
            (byte)((flags.BiosSharedModeOverride ? 0b0000_1000 : 0) | flags.BiosMuxControlOverride),
            (byte)flags.DeviceInstance,
        ];
    }
}

/// <summary>Boot device selector, boot flags data 2 bits 5:2. Values not listed are reserved.</summary>
public enum BootDevice
{
    NoOverride = 0b0000,
    Pxe = 0b0001,
    Disk = 0b0010,
    DiskSafeMode = 0b0011,
    DiagnosticPartition = 0b0100,
    CdDvd = 0b0101,
    BiosSetup = 0b0110,
    RemoteFloppy = 0b0111,
    RemoteCdDvd = 0b1000,
    RemotePrimaryMedia = 0b1001,
    RemoteDisk = 0b1011,
    Floppy = 0b1111,
}

/// <summary>Firmware (BIOS) verbosity, boot flags data 3 bits 6:5.</summary>
public enum FirmwareVerbosity
{
    Default = 0,
    Quiet = 1,
    Verbose = 2,
    Reserved = 3,
}

/// <summary>Console redirection control, boot flags data 3 bits 1:0.</summary>
public enum ConsoleRedirection
{
    /// <summary>As the BIOS setting says.</summary>
    Default = 0,
    Suppress = 1,
    Enable = 2,
    Reserved = 3,
}
