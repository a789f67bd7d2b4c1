using IpmiRpc.Core.Commands.Transport;

namespace IpmiRpc.Core.Tests.Commands.Transport;

public class GetLanConfigurationParametersTests
{
    [Fact]
    public void Request_matches_ipmitool_raw_layout()
    {
        // ipmitool lan print sends 0c 02 [channel] [param] [set] [block]
        var request = new GetLanConfigurationParameters(1, 3).ToRequest();
        Assert.Equal((0x0C, 0x02), (request.NetFn, request.Command));
        Assert.Equal([0x01, 0x03, 0x00, 0x00], request.Data.ToArray());
        Assert.Equal([0x82, 0x38, 0x01, 0x00], new GetLanConfigurationParameters(0x12, 56, 1, 0, RevisionOnly: true).RequestData.ToArray());
    }

    [Fact]
    public void Response_splits_revision_and_data()
    {
        var r = new GetLanConfigurationParameters(1, 3).Decode([0x11, 0x0A, 0x01, 0x02, 0x03]);
        Assert.Equal(0x11, r.Revision);
        Assert.Equal([0x0A, 0x01, 0x02, 0x03], r.Data);
        Assert.Throws<IpmiDecodeException>(() => new GetLanConfigurationParameters(1, 3).Decode([]));
    }
}
