using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Commands.App;

public sealed class SetSessionPrivilegeLevelTests
{
    [Fact]
    public void Request_and_response()
    {
        var command = new SetSessionPrivilegeLevel(PrivilegeLevel.Operator);
        var request = command.ToRequest();
        Assert.Equal((0x06, 0x3B), (request.NetFn, request.Command));
        Assert.Equal(new byte[] { 0x03 }, request.Data.ToArray());
        Assert.Equal(PrivilegeLevel.Administrator, command.Decode([0x04]));
        Assert.Throws<IpmiDecodeException>(() => command.Decode([]));
    }
}
