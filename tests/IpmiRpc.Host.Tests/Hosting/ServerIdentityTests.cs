using System.Text;
using IpmiRpc.Host.Hosting;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>The hello a shared server answers a <c>connect</c> client with, and what makes them disagree.</summary>
public sealed class ServerIdentityTests
{
    private static readonly ServerIdentity Mine = new("1.2.3", "/opt/ipmirpc@10:20", "targets=;maxSessionAge=600");

    [Fact]
    public void A_hello_round_trips()
    {
        var line = Encoding.UTF8.GetString(Mine.ToHelloLine(4242));
        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        var (identity, pid) = ServerIdentity.ParseHello(line.TrimEnd('\n'))!.Value;
        Assert.Equal(Mine, identity);
        Assert.Equal(4242, pid);
        Assert.Null(Mine.Mismatch(identity));
    }

    [Theory]
    [InlineData("1.2.4", "/opt/ipmirpc@10:20", "targets=;maxSessionAge=600", "version 1.2.4")]
    [InlineData("1.2.3", "/opt/ipmirpc@10:21", "targets=;maxSessionAge=600", "another build")]
    [InlineData("1.2.3", "/usr/bin/ipmirpc@10:20", "targets=;maxSessionAge=600", "another build")]
    [InlineData("1.2.3", "/opt/ipmirpc@10:20", "targets=/etc/t.json;maxSessionAge=600", "other settings")]
    public void Any_difference_is_a_mismatch_that_says_which(string version, string build, string settings, string reason)
    {
        var server = new ServerIdentity(version, build, settings);
        Assert.Contains(reason, Mine.Mismatch(server), StringComparison.Ordinal);
        Assert.NotEqual(Mine.ShortHash, server.ShortHash);
    }

    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"}}")]
    [InlineData("not json")]
    [InlineData("{\"ipmirpc\":\"hello\",\"version\":1,\"build\":\"b\",\"settings\":\"s\",\"pid\":1}")]
    public void What_an_older_server_answers_is_not_a_hello(string line) => Assert.Null(ServerIdentity.ParseHello(line));
}
