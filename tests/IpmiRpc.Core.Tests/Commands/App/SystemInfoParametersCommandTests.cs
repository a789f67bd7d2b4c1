using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public class SystemInfoParametersCommandTests
{
    [Fact]
    public void Get_request_layout_is_revision_flag_parameter_set_block()
    {
        var request = GetSystemInfoParameters.CreateRequest(4, setSelector: 2);
        Assert.Equal((0x06, 0x59), (request.NetFn, request.Command));
        Assert.Equal([0x00, 0x04, 0x02, 0x00], request.Data.ToArray());
        Assert.Equal([0x80, 0x01, 0x00, 0x00], GetSystemInfoParameters.Encode(1, 0, 0, revisionOnly: true));
    }

    [Fact]
    public void Get_response_splits_revision_and_data()
    {
        var r = GetSystemInfoParameters.Decode([0x11, 0x00, 0x00, 0x03, 0x61, 0x62, 0x63]);
        Assert.Equal(0x11, r.Revision);
        Assert.Equal([0x00, 0x00, 0x03, 0x61, 0x62, 0x63], r.Data);
        Assert.Throws<IpmiDecodeException>(() => GetSystemInfoParameters.Decode([]));
    }

    [Fact]
    public void Set_request_prefixes_the_parameter()
    {
        var request = SetSystemInfoParameters.CreateRequest(4, [0x00, 0x00, 0x03]);
        Assert.Equal((0x06, 0x58), (request.NetFn, request.Command));
        Assert.Equal([0x04, 0x00, 0x00, 0x03], request.Data.ToArray());
    }
}
