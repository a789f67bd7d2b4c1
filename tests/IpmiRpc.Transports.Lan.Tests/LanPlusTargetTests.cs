using IpmiRpc.Core;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Transports.Lan.Tests;

/// <summary>
/// The transport's own check of a resolved target uses the lanplus target record's limits and refuses with an invalid
/// argument (-32602 in the host), as the binder does, never with another kind (it was -32007 for timeoutMs and -32003
/// for the user name).
/// </summary>
public sealed class LanPlusTargetTests
{
    private static IpmiTarget Target() => new()
    {
        Transport = IpmiTarget.LanPlus, Host = "127.0.0.1", Port = 9, Username = "u", Password = Secret.FromString("p"), CipherSuite = 3,
    };

    public static TheoryData<string, IpmiTarget> BadTargets() => new()
    {
        { "target.timeoutMs", Target() with { TimeoutMs = 0 } },
        { "target.retries", Target() with { Retries = -1 } },
        { "target.username", Target() with { Username = "12345678901234567" } },
        { "target.username", Target() with { Username = "ÄÄÄÄÄÄÄÄÄ" } }, // 9 characters, 18 bytes
        { "target.password", Target() with { Password = Secret.FromString("123456789012345678901") } },
        { "target.kg", Target() with { Kg = new Secret(new byte[21]) } },
        { "target.host", Target() with { Host = " " } },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public async Task A_bad_field_is_an_invalid_argument_naming_it_and_nothing_is_sent(string field, IpmiTarget target)
    {
        await using var transport = new LanPlusTransport();
        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() => transport.OpenAsync(target, CancellationToken.None));
        Assert.Equal(field, ex.Field);
        Assert.DoesNotContain("123456789012345678901", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, transport.DatagramsSent);
    }

    [Fact]
    public void The_record_gives_the_resolved_target_its_fields_and_secrets()
    {
        var declaration = new LanPlusTarget { Host = "bmc1", Port = 6230, Username = "admin", Privilege = LanPlusPrivilege.Operator, CipherSuite = 17, TimeoutMs = 500, Retries = 2 };
        var password = Secret.FromString("pw");
        var target = declaration.ToTarget(name => name == "password" ? password : null);
        Assert.Equal(IpmiTarget.LanPlus, target.Transport);
        Assert.Equal(("bmc1", 6230, "admin", PrivilegeLevel.Operator, 17), (target.Host, target.Port, target.Username, target.Privilege, target.CipherSuite));
        Assert.Equal((500, 2), (target.TimeoutMs, target.Retries));
        Assert.Same(password, target.Password);
        Assert.Null(target.Kg);
    }

    [Theory]
    [InlineData("127.0.0.1\u0000.allowed.example")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("[::]")]
    public void Validate_refuses_a_host_that_is_not_one_bmc(string host)
    {
        var ex = Assert.Throws<IpmiInvalidArgumentException>(() => new LanPlusTarget { Host = host }.Validate());
        Assert.Equal("host", ex.Field);
    }
}
