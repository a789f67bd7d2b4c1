namespace IpmiRpc.Core.Tests;

public class IpmiRequestTests
{
    [Theory]
    [InlineData(IpmiRequest.BmcAddress, null, false)]
    [InlineData(IpmiRequest.BmcAddress, (byte)0, true)]
    [InlineData((byte)0x30, null, true)]
    [InlineData((byte)0x30, (byte)6, true)]
    public void Another_responder_or_any_channel_is_bridged(byte responder, byte? channel, bool bridged) =>
        Assert.Equal(bridged, new IpmiRequest(0x06, 0x01, ReadOnlyMemory<byte>.Empty, ResponderAddress: responder, Channel: channel).IsBridged);
}
