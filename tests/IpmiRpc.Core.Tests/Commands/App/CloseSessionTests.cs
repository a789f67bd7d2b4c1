using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public sealed class CloseSessionTests
{
    [Fact]
    public void Session_id_is_little_endian()
    {
        var request = CloseSession.CreateRequest(0x00000102);
        Assert.Equal((0x06, 0x3C), (request.NetFn, request.Command));
        Assert.Equal(new byte[] { 0x02, 0x01, 0x00, 0x00 }, request.Data.ToArray());
        Assert.Equal(0xA0A2A3A4u, CloseSession.DecodeRequest([0xA4, 0xA3, 0xA2, 0xA0]));
        Assert.Throws<IpmiDecodeException>(() => CloseSession.DecodeRequest([1, 2, 3]));
    }
}
