using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Commands.App;

public sealed class GetChannelAuthenticationCapabilitiesTests
{
    private static readonly GetChannelAuthenticationCapabilities Command = new(PrivilegeLevel.Administrator);

    [Fact]
    public void Request_sets_the_ipmi20_bit_current_channel_and_privilege()
    {
        var request = new GetChannelAuthenticationCapabilities(PrivilegeLevel.Administrator).ToRequest();
        Assert.Equal((0x06, 0x38), (request.NetFn, request.Command));
        // ipmitool lanplus sends exactly 8E 04 (captured against ipmi_sim).
        Assert.Equal(new byte[] { 0x8E, 0x04 }, request.Data.ToArray());
        Assert.Equal(new byte[] { 0x01, 0x02 }, new GetChannelAuthenticationCapabilities(PrivilegeLevel.User, 1, Ipmi20ExtendedData: false).RequestData.ToArray());
    }

    [Fact]
    public void Decodes_ipmi_sims_answer()
    {
        // Captured from ipmi_sim 2.0.33: channel 1, auth types 97h (2.0 data, MD5, MD2, none, straight), 04h, 03h.
        var caps = Command.Decode([0x01, 0x97, 0x04, 0x03, 0x00, 0x00, 0x00, 0x00]);
        Assert.Equal(1, caps.Channel);
        Assert.True(caps.Ipmi20ExtendedData);
        Assert.True(caps.SupportsIpmi20);
        Assert.True(caps.SupportsIpmi15);
        Assert.True(caps.AuthTypeNone && caps.AuthTypeMd2 && caps.AuthTypeMd5 && caps.AuthTypeStraightPassword);
        Assert.False(caps.AuthTypeOem);
        Assert.True(caps.NonNullUsernamesEnabled);
        Assert.False(caps.KgStatusNonZero);
    }

    [Fact]
    public void Ipmi15_answer_without_extended_data_does_not_claim_rmcp_plus()
    {
        var caps = Command.Decode([0x01, 0x15, 0x24, 0x03, 0x57, 0x01, 0x00, 0x00]);
        Assert.False(caps.SupportsIpmi20);
        Assert.True(caps.SupportsIpmi15);
        Assert.True(caps.KgStatusNonZero);
        Assert.Equal(0x157, caps.OemId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void Short_answers_throw_decode_exception(int length) =>
        Assert.Throws<IpmiDecodeException>(() => Command.Decode(new byte[length]));
}
