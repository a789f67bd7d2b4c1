using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Cim.Tests;

public class CimConnectionOptionsTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    public void Omitted_computer_name_is_local(string? computerName)
    {
        var options = CimConnectionOptions.FromTarget(new IpmiTarget { Transport = "cim", ComputerName = computerName });

        Assert.True(options.IsLocal);
        Assert.Null(options.ComputerName);
        Assert.Equal("local", options.ProtocolName);
        Assert.Equal("localhost", options.DisplayName);
    }

    [Theory]
    [InlineData(null, nameof(CimProtocol.Default), "wsman")]
    [InlineData("wsman", nameof(CimProtocol.WsMan), "wsman")]
    [InlineData("WSMan", nameof(CimProtocol.WsMan), "wsman")]
    [InlineData("dcom", nameof(CimProtocol.Dcom), "dcom")]
    public void Protocol_parsing_and_remote_default(string? protocol, string expected, string name)
    {
        var options = CimConnectionOptions.FromTarget(new IpmiTarget { Transport = "cim", ComputerName = "srv01", Protocol = protocol });

        Assert.Equal(Enum.Parse<CimProtocol>(expected), options.Protocol);
        Assert.Equal(name, options.ProtocolName);
        Assert.Equal("srv01", options.ComputerName);
    }

    [Fact]
    public void Unknown_protocol_is_transport_unavailable_with_a_hint()
    {
        var ex = Assert.Throws<TransportUnavailableException>(() =>
            CimConnectionOptions.FromTarget(new IpmiTarget { Transport = "cim", Protocol = "smb" }));

        Assert.Contains("wsman", ex.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Password_without_username_is_refused_without_echoing_it()
    {
        var ex = Assert.Throws<IpmiAuthenticationException>(() => CimConnectionOptions.FromTarget(
            new IpmiTarget { Transport = "cim", ComputerName = "srv01", Password = Secret.FromString("Sup3rS3cret!") }));

        Assert.DoesNotContain("Sup3rS3cret!", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"CORP\admin", "CORP", "admin")]
    [InlineData("admin@corp.example", "", "admin@corp.example")]
    [InlineData("admin", "", "admin")]
    public void Username_splits_like_NetworkCredential(string username, string domain, string user)
    {
        var options = new CimConnectionOptions { ComputerName = "srv01", Username = username, Password = Secret.FromString("x") };

        Assert.Equal((domain, user), options.SplitUsername());
    }

    [Fact]
    public void Operation_timeout_is_the_whole_retry_budget()
    {
        var options = CimConnectionOptions.FromTarget(new IpmiTarget { Transport = "cim", TimeoutMs = 1500, Retries = 3 });

        Assert.Equal(TimeSpan.FromMilliseconds(6000), options.OperationTimeout);
    }

    [Fact]
    public void ToString_names_user_and_computer_but_never_the_password()
    {
        var options = CimConnectionOptions.FromTarget(new IpmiTarget
        {
            Transport = "cim",
            ComputerName = "srv01",
            Username = @"CORP\admin",
            Password = Secret.FromString("Sup3rS3cret!"),
        });

        var text = options.ToString();
        Assert.Equal(@"cim://CORP\admin@srv01 (wsman)", text);
        Assert.DoesNotContain("Sup3rS3cret!", text, StringComparison.Ordinal);
    }
}
