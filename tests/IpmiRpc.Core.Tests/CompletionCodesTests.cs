namespace IpmiRpc.Core.Tests;

public class CompletionCodesTests
{
    [Theory]
    [InlineData(0xC1, 0x06, 0x59, "Invalid command")]
    [InlineData(0x80, 0x0C, 0x02, "Parameter not supported")]
    [InlineData(0x80, 0x0D, 0x02, "Parameter not supported")]
    [InlineData(0x82, 0x0C, 0x01, "Attempt to write a read-only parameter")]
    [InlineData(0x81, 0x06, 0x58, "Attempt to set the 'set in progress' value when not in the 'set complete' state")]
    [InlineData(0x80, 0x00, 0x09, "Parameter not supported")]
    [InlineData(0x81, 0x0A, 0x43, "Cannot execute command, SEL erase in progress")]
    [InlineData(0x80, 0x06, 0x01, "Command-specific completion code")]
    [InlineData(0x05, 0x06, 0x01, "OEM completion code")]
    [InlineData(0xE0, 0x06, 0x01, "Reserved completion code")]
    public void Describes_generic_and_command_specific_codes(byte code, byte netFn, byte command, string text) =>
        Assert.Equal(text, CompletionCodes.Describe(code, netFn, command));
}
