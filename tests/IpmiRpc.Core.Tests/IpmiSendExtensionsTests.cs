using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Commands.Chassis;

namespace IpmiRpc.Core.Tests;

public class IpmiSendExtensionsTests
{
    [Fact]
    public async Task Execute_sends_the_catalogue_row_with_the_address_and_decodes_the_answer()
    {
        IpmiRequest? sent = null;
        IpmiSend send = (request, _) =>
        {
            sent = request;
            return Task.FromResult(new IpmiResponse(0, new byte[] { 0x21, 0x10, 0x40 }));
        };

        var status = await send.ExecuteAsync(new GetChassisStatus(), new IpmiAddress(Lun: 2, ResponderAddress: 0x30, Channel: 6), CancellationToken.None);

        Assert.Equal(new IpmiRequest(0x00, 0x01, sent!.Data, Lun: 2, ResponderAddress: 0x30, Channel: 6), sent);
        Assert.True(status.PowerOn);
        Assert.True(status.LastPowerEvent.PowerOnByCommand);
    }

    [Fact]
    public async Task A_non_zero_completion_code_throws_with_the_commands_own_text()
    {
        IpmiSend send = (request, _) => Task.FromResult(new IpmiResponse(0x81, ReadOnlyMemory<byte>.Empty));

        var ex = await Assert.ThrowsAsync<CompletionCodeException>(() => send.ExecuteAsync(new SetSystemInfoParameters(2, new byte[] { 0 }), CancellationToken.None));

        Assert.Equal((0x06, 0x58, 0x81), (ex.NetFn, ex.Command, ex.CompletionCode));
        Assert.Equal("Attempt to set the 'set in progress' value when not in the 'set complete' state", ex.CompletionText);
    }
}
