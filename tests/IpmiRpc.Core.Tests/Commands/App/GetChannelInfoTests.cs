using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public class GetChannelInfoTests
{
    [Fact]
    public void Request_carries_the_channel_in_the_low_nibble()
    {
        var request = new GetChannelInfo(0x0E).ToRequest();
        Assert.Equal((0x06, 0x42), (request.NetFn, request.Command));
        Assert.Equal([0x0E], request.Data.ToArray());
    }

    [Theory]
    // ipmi_sim 2.0.33 `raw 6 0x42 1` and `raw 6 0x42 15`.
    [InlineData("010401 81F21B000000", 1, ChannelMediumType.Lan8023, 1, ChannelSessionSupport.MultiSession, 1)]
    [InlineData("0F0C0500F21B000000", 15, ChannelMediumType.SystemInterface, 5, ChannelSessionSupport.SessionLess, 0)]
    public void Decodes_simulator_answers(string hex, int channel, ChannelMediumType medium, int protocol, ChannelSessionSupport sessions, int active)
    {
        var r = new GetChannelInfo(1).Decode(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
        Assert.Equal(channel, r.Channel);
        Assert.Equal(medium, r.MediumType);
        Assert.Equal(protocol, r.ProtocolType);
        Assert.Equal(sessions, r.SessionSupport);
        Assert.Equal(active, r.ActiveSessionCount);
        Assert.Equal(0x1BF2, r.VendorId); // 7154: the IPMI forum's IANA number, as the spec requires
        Assert.Equal([0, 0], r.AuxiliaryInfo!);
    }
}
