using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public class GetSystemInfoParametersTests
{
    [Fact]
    public void Request_layout_is_revision_flag_parameter_set_block()
    {
        var request = new GetSystemInfoParameters(4, SetSelector: 2).ToRequest();
        Assert.Equal((0x06, 0x59), (request.NetFn, request.Command));
        Assert.Equal([0x00, 0x04, 0x02, 0x00], request.Data.ToArray());
        Assert.Equal([0x80, 0x01, 0x00, 0x00], new GetSystemInfoParameters(1, RevisionOnly: true).RequestData.ToArray());
    }

    [Fact]
    public void Response_splits_revision_and_data()
    {
        var r = new GetSystemInfoParameters(2).Decode([0x11, 0x00, 0x00, 0x03, 0x61, 0x62, 0x63]);
        Assert.Equal(0x11, r.Revision);
        Assert.Equal([0x00, 0x00, 0x03, 0x61, 0x62, 0x63], r.Data);
        Assert.Throws<IpmiDecodeException>(() => new GetSystemInfoParameters(2).Decode([]));
    }
}
