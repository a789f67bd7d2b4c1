using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests.Commands.Chassis;

public class GetSystemBootOptionsTests
{
    [Fact]
    public void Request_is_selector_set_block_as_ipmitool_bootparam_get_sends_it()
    {
        // ipmitool chassis bootparam get 5: 00 09 05 00 00.
        var request = new GetSystemBootOptions(5).ToRequest();
        Assert.Equal((0x00, 0x09), (request.NetFn, request.Command));
        Assert.Equal([0x05, 0x00, 0x00], request.Data.ToArray());
        Assert.Equal([0x7F, 0x02, 0x01], new GetSystemBootOptions(0xFF, 2, 1).RequestData.ToArray());
    }

    [Fact]
    public void Response_is_version_selector_with_valid_bit_then_data()
    {
        // Table 28-13: version 01h; byte 2 bit 7 = marked invalid/locked, bits 6:0 the selector; then the data.
        var r = new GetSystemBootOptions(5).Decode([0x01, 0x05, 0x80, 0x04, 0x00, 0x00, 0x00]);
        Assert.Equal((1, 5, false), (r.Version, r.Parameter, r.MarkedInvalid));
        Assert.Equal([0x80, 0x04, 0x00, 0x00, 0x00], r.Data);
        var locked = new GetSystemBootOptions(5).Decode([0x01, 0x85]);
        Assert.True(locked.MarkedInvalid);
        Assert.Equal(5, locked.Parameter);
        Assert.Empty(locked.Data);
        Assert.Throws<IpmiDecodeException>(() => new GetSystemBootOptions(5).Decode([0x01]));
    }
}
