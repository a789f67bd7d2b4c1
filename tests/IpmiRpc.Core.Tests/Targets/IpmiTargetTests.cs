using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Tests.Targets;

/// <summary>The pool key a target makes of itself once, and the copies made from it.</summary>
public sealed class IpmiTargetTests
{
    private static IpmiTarget Target() => new()
    {
        Transport = IpmiTarget.LanPlus, Host = "10.0.0.1", Port = 623, Username = "admin", Password = Secret.FromString("pw"), CipherSuite = 3,
    };

    [Fact]
    public void The_identity_is_made_once_per_target()
    {
        var target = Target();
        Assert.Same(target.Identity, target.Identity);
        Assert.Equal(Target().Identity, target.Identity);
    }

    [Fact]
    public void A_copy_with_other_members_has_its_own_identity()
    {
        var target = Target();
        var before = target.Identity;
        var otherHost = target with { Host = "10.0.0.2" };
        var otherPassword = target with { Password = Secret.FromString("other") };
        Assert.Equal("10.0.0.2", otherHost.Identity.Address);
        Assert.NotEqual(before.CredentialFingerprint, otherPassword.Identity.CredentialFingerprint);
        Assert.Equal("10.0.0.1", target.Identity.Address);
    }

    [Fact]
    public void Equality_does_not_depend_on_whether_the_identity_was_asked_for()
    {
        var asked = Target();
        _ = asked.Identity;
        var fresh = Target();
        Assert.Equal(fresh, asked);
        Assert.Equal(fresh.GetHashCode(), asked.GetHashCode());
        Assert.NotEqual(asked with { Port = 624 }, asked);
    }
}
