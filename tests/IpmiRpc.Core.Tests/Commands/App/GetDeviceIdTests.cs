using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public class GetDeviceIdTests
{
    [Fact]
    public void Request_is_app_01_without_data()
    {
        var request = new GetDeviceId().ToRequest();
        Assert.Equal((0x06, 0x01, 0), (request.NetFn, request.Command, request.Data.Length));
    }

    // ipmi_sim 2.0.33 with `mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02`: `ipmitool raw 6 1` printed these bytes
    // and `ipmitool mc info` printed: Device ID 0, Device Revision 3, Firmware 9.08, IPMI 2.0, Manufacturer 4753,
    // Product 3842 (0x0f02), available, no device SDRs, support: sensor, SDR repository, SEL, FRU, event receiver, chassis.
    [Fact]
    public void Decodes_what_ipmitool_shows_for_ipmi_sim()
    {
        var r = new GetDeviceId().Decode(Convert.FromHexString("000309080 29f9112000 20f00000000".Replace(" ", "", StringComparison.Ordinal)));

        Assert.Equal(0, r.DeviceId);
        Assert.Equal(3, r.DeviceRevision);
        Assert.False(r.ProvidesDeviceSdrs);
        Assert.True(r.DeviceAvailable);
        Assert.False(r.UpdateInProgress);
        Assert.Equal(9, r.FirmwareMajor);
        Assert.Equal(8, r.FirmwareMinor);
        Assert.Equal("9.08", r.FirmwareVersion);
        Assert.Equal("2.0", r.IpmiVersion);
        Assert.Equal(4753, r.ManufacturerId);
        Assert.Equal(3842, r.ProductId);
        Assert.Equal(new DeviceSupport(Chassis: true, Bridge: false, IpmbEventGenerator: false, IpmbEventReceiver: true,
            FruInventory: true, Sel: true, SdrRepository: true, Sensor: true), r.Support);
        Assert.Equal([0, 0, 0, 0], r.AuxiliaryFirmwareInfo!);
    }

    [Theory]
    // IPMI 1.5 BMC (version byte 51h), BCD minor 10h, update in progress, SDRs provided, manufacturer with reserved bits set.
    [InlineData("2081811051FF5701F0AB12", 0x20, 1, true, false, 1, 10, "1.10", "1.5", 0x157, 0x12AB)]
    // Minor revision byte not valid BCD: shown as ipmitool does, number kept raw.
    [InlineData("01000A3A02004201F03412", 1, 0, false, true, 10, 0x3A, "10.3a", "2.0", 0x00142, 0x1234)]
    public void Decodes_spec_layout(string hex, int deviceId, int revision, bool sdrs, bool available, int major, int minor,
        string firmware, string ipmi, int manufacturer, int product)
    {
        var r = new GetDeviceId().Decode(Convert.FromHexString(hex));

        Assert.Equal(deviceId, r.DeviceId);
        Assert.Equal(revision, r.DeviceRevision);
        Assert.Equal(sdrs, r.ProvidesDeviceSdrs);
        Assert.Equal(available, r.DeviceAvailable);
        Assert.Equal(major, r.FirmwareMajor);
        Assert.Equal(minor, r.FirmwareMinor);
        Assert.Equal(firmware, r.FirmwareVersion);
        Assert.Equal(ipmi, r.IpmiVersion);
        Assert.Equal(manufacturer, r.ManufacturerId);
        Assert.Equal(product, r.ProductId);
        Assert.Null(r.AuxiliaryFirmwareInfo);
    }

    [Fact]
    public void Support_bits_map_one_to_one()
    {
        for (var bit = 0; bit < 8; bit++)
        {
            var data = new byte[11];
            data[5] = (byte)(1 << bit);
            var s = new GetDeviceId().Decode(data).Support;
            bool[] flags = [s.Sensor, s.SdrRepository, s.Sel, s.FruInventory, s.IpmbEventReceiver, s.IpmbEventGenerator, s.Bridge, s.Chassis];
            Assert.Equal(bit, Array.IndexOf(flags, true));
            Assert.Single(flags, f => f);
        }
    }

    [Fact]
    public void Version_strings_and_support_bits_match_their_bytes_for_every_value_and_repeat_as_one_instance()
    {
        // Made once per value and shared: a value cached under the wrong byte would show here as another's text.
        var command = new GetDeviceId();
        var data = new byte[11];
        for (var major = 0; major < 128; major++)
        {
            for (var minor = 0; minor < 256; minor++)
            {
                data[2] = (byte)major;
                data[3] = (byte)minor;
                data[4] = (byte)minor;
                data[5] = (byte)minor;
                var first = command.Decode(data);
                var again = command.Decode(data);
                Assert.Equal($"{major}.{minor:x2}", first.FirmwareVersion);
                Assert.Equal($"{minor & 0x0F}.{minor >> 4}", first.IpmiVersion);
                Assert.Equal((minor & 0x80) != 0, first.Support.Chassis);
                Assert.Equal((minor & 0x01) != 0, first.Support.Sensor);
                Assert.Equal((minor & 0x0C) == 0x0C, first.Support.FruInventory && first.Support.Sel);
                Assert.Same(first.FirmwareVersion, again.FirmwareVersion);
                Assert.Same(first.IpmiVersion, again.IpmiVersion);
                Assert.Same(first.Support, again.Support);
            }
        }
    }

    [Fact]
    public void Short_response_is_a_decode_error_naming_the_lengths()
    {
        var ex = Assert.Throws<IpmiDecodeException>(() => new GetDeviceId().Decode(new byte[10]));
        Assert.Contains("10 bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("11", ex.Message, StringComparison.Ordinal);
    }
}
