using IpmiRpc.Core.Commands.Transport;

namespace IpmiRpc.Core.Tests.Commands.Transport;

public class LanConfigurationParametersCommandTests
{
    [Fact]
    public void Get_request_matches_ipmitool_raw_layout()
    {
        // ipmitool lan print sends 0c 02 [channel] [param] [set] [block]
        var request = GetLanConfigurationParameters.CreateRequest(1, 3);
        Assert.Equal((0x0C, 0x02), (request.NetFn, request.Command));
        Assert.Equal([0x01, 0x03, 0x00, 0x00], request.Data.ToArray());
        Assert.Equal([0x82, 0x38, 0x01, 0x00], GetLanConfigurationParameters.Encode(0x12, 56, 1, 0, revisionOnly: true));
    }

    [Fact]
    public void Get_response_splits_revision_and_data()
    {
        var r = GetLanConfigurationParameters.Decode([0x11, 0x0A, 0x01, 0x02, 0x03]);
        Assert.Equal(0x11, r.Revision);
        Assert.Equal([0x0A, 0x01, 0x02, 0x03], r.Data);
        Assert.Throws<IpmiDecodeException>(() => GetLanConfigurationParameters.Decode([]));
    }

    [Fact]
    public void Set_request_is_channel_parameter_data()
    {
        var request = SetLanConfigurationParameters.CreateRequest(1, 3, [10, 1, 2, 3]);
        Assert.Equal((0x0C, 0x01), (request.NetFn, request.Command));
        Assert.Equal([0x01, 0x03, 10, 1, 2, 3], request.Data.ToArray());
    }
}
