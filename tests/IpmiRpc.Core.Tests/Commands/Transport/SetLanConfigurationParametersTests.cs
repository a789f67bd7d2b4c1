using IpmiRpc.Core.Commands.Transport;

namespace IpmiRpc.Core.Tests.Commands.Transport;

public class SetLanConfigurationParametersTests
{
    [Fact]
    public void Request_is_channel_parameter_data()
    {
        // As `ipmitool lan set 1 ipaddr 10.1.2.3` sends it: 0c 01 01 03 0a 01 02 03.
        var request = new SetLanConfigurationParameters(1, 3, new byte[] { 10, 1, 2, 3 }).ToRequest();
        Assert.Equal((0x0C, 0x01), (request.NetFn, request.Command));
        Assert.Equal([0x01, 0x03, 10, 1, 2, 3], request.Data.ToArray());
    }
}
