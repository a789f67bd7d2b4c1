using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public class SetSystemInfoParametersTests
{
    [Fact]
    public void Request_prefixes_the_parameter()
    {
        var request = new SetSystemInfoParameters(4, new byte[] { 0x00, 0x00, 0x03 }).ToRequest();
        Assert.Equal((0x06, 0x58), (request.NetFn, request.Command));
        Assert.Equal([0x04, 0x00, 0x00, 0x03], request.Data.ToArray());
    }

    [Fact]
    public void Data_longer_than_one_request_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SetSystemInfoParameters(4, new byte[IpmiRequest.MaxDataLength]).RequestData);
}
