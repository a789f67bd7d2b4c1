using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class SetSystemBootOptionsTests
{
    [Fact]
    public void Request_is_selector_then_data_as_ipmitool_bootdev_pxe_sends_it()
    {
        // ipmitool chassis bootdev pxe, boot flags write: 00 08 05 80 04 00 00 00.
        var request = new SetSystemBootOptions(5, new byte[] { 0x80, 0x04, 0x00, 0x00, 0x00 }).ToRequest();
        Assert.Equal((0x00, 0x08), (request.NetFn, request.Command));
        Assert.Equal([0x05, 0x80, 0x04, 0x00, 0x00, 0x00], request.Data.ToArray());
    }

    [Fact]
    public void Mark_invalid_sets_bit_7_of_the_selector_byte() =>
        Assert.Equal([0x85, 0x00], new SetSystemBootOptions(5, new byte[] { 0x00 }, MarkInvalid: true).RequestData.ToArray());
}
