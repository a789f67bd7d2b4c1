using IpmiRpc.Core.BootOptions;

namespace IpmiRpc.Core.Tests.BootOptions;

public class BootFlagsTests
{
    [Theory]
    // Data 2 as ipmitool's `chassis bootdev DEVICE` writes it (ipmi_chassis.c), device selector in bits 5:2 (Table 28-14).
    [InlineData(0x00, BootDevice.NoOverride)]
    [InlineData(0x04, BootDevice.Pxe)]
    [InlineData(0x08, BootDevice.Disk)]
    [InlineData(0x0C, BootDevice.DiskSafeMode)]
    [InlineData(0x10, BootDevice.DiagnosticPartition)]
    [InlineData(0x14, BootDevice.CdDvd)]
    [InlineData(0x18, BootDevice.BiosSetup)]
    [InlineData(0x3C, BootDevice.Floppy)]
    public void Device_selector_matches_ipmitools_bytes(byte data2, BootDevice device)
    {
        var flags = new BootFlags(Valid: true, Persistent: false, Efi: false, device);
        Assert.Equal([0x80, data2, 0x00, 0x00, 0x00], BootFlags.Encode(flags));
        Assert.Equal(flags, BootFlags.Decode([0x80, data2, 0x00, 0x00, 0x00]));
    }

    [Theory]
    // Data 1: bit 7 valid, bit 6 persistent (ipmitool options=persistent), bit 5 EFI (options=efiboot).
    [InlineData(0x80, true, false, false)]
    [InlineData(0xC0, true, true, false)]
    [InlineData(0xA0, true, false, true)]
    [InlineData(0xE0, true, true, true)]
    [InlineData(0x00, false, false, false)]
    public void Valid_persistent_and_efi_bits(byte data1, bool valid, bool persistent, bool efi)
    {
        var flags = BootFlags.Decode([data1, 0x08, 0x00, 0x00, 0x00]);
        Assert.Equal((valid, persistent, efi, BootDevice.Disk), (flags.Valid, flags.Persistent, flags.Efi, flags.Device));
        Assert.Equal(data1, BootFlags.Encode(flags)[0]);
    }

    [Fact]
    public void Every_other_field_has_its_own_bits()
    {
        // Data 2: CMOS clear 7, lock keyboard 6, screen blank 1, lock reset 0. Data 3: lock power 7, verbosity 6:5,
        // progress traps 4, password bypass 3, lock sleep 2, console redirection 1:0. Data 4: shared mode 3, mux 2:0.
        // Data 5: device instance 4:0.
        byte[] data = [0x80, 0b1100_0011, 0b1011_1110, 0b0000_1101, 0b0001_0011];
        var flags = BootFlags.Decode(data);
        Assert.Equal(
            new BootFlags(true, false, false, BootDevice.NoOverride, ClearCmos: true, LockKeyboard: true, ScreenBlank: true, LockResetButton: true,
                LockPowerButton: true, Verbosity: FirmwareVerbosity.Quiet, ForceProgressEventTraps: true, UserPasswordBypass: true, LockSleepButton: true,
                ConsoleRedirection: ConsoleRedirection.Enable, BiosSharedModeOverride: true, BiosMuxControlOverride: 5, DeviceInstance: 0x13),
            flags);
        Assert.Equal(data, BootFlags.Encode(flags));
    }

    [Fact]
    public void Short_data_throws_and_out_of_range_fields_are_refused()
    {
        Assert.Throws<IpmiDecodeException>(() => BootFlags.Decode([0x80, 0x04, 0x00, 0x00]));
        Assert.Throws<FormatException>(() => BootFlags.Encode(new BootFlags(true, false, false, (BootDevice)0x10)));
        Assert.Throws<FormatException>(() => BootFlags.Encode(new BootFlags(true, false, false, BootDevice.Pxe, DeviceInstance: 0x20)));
    }
}
