using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public sealed class CloseSessionTests
{
    [Fact]
    public void Session_id_is_little_endian()
    {
        var request = new CloseSession(0xA0A2A3A4).ToRequest();
        Assert.Equal((0x06, 0x3C), (request.NetFn, request.Command));
        Assert.Equal(new byte[] { 0xA4, 0xA3, 0xA2, 0xA0 }, request.Data.ToArray());
    }
}
