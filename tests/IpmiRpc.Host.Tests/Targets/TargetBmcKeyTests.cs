using IpmiRpc.Core.Sessions;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Targets;

/// <summary>The BMC a request is ordered by (no secrets read), and the freshSession field.</summary>
public sealed class TargetBmcKeyTests
{
    private static readonly TargetResolver Resolver = new(new Dictionary<string, JObject>
    {
        ["rack1"] = new() { ["host"] = "BMC-1.example", ["username"] = "admin", ["passwordFile"] = "/nonexistent/never-read" },
    }, defaultTransport: IpmiTarget.OpenIpmi);

    [Fact]
    public void Users_and_credentials_do_not_split_a_bmc_but_ports_and_transports_do()
    {
        var admin = Resolver.BmcOf(JObject.Parse("""{"host":"bmc-1.example","username":"admin","password":"a"}"""));
        var other = Resolver.BmcOf(JObject.Parse("""{"host":"BMC-1.EXAMPLE","username":"op","passwordEnv":"X","port":623}"""));
        var named = Resolver.BmcOf(new JValue("rack1"));

        Assert.Equal(new BmcKey(IpmiTarget.LanPlus, "bmc-1.example", 623), admin);
        Assert.Equal(admin, other);
        Assert.Equal(admin, named);
        Assert.NotEqual(admin, Resolver.BmcOf(JObject.Parse("""{"host":"bmc-1.example","port":624}""")));
        Assert.Equal(new BmcKey(IpmiTarget.OpenIpmi, "/dev/ipmi0", 0), Resolver.BmcOf(null));
        Assert.Equal(new BmcKey(IpmiTarget.Cim, "localhost", 0), Resolver.BmcOf(JObject.Parse("""{"transport":"cim"}""")));
    }

    [Fact]
    public void Malformed_targets_have_no_bmc()
    {
        Assert.Null(Resolver.BmcOf(new JValue("no-such-name")));
        Assert.Null(Resolver.BmcOf(new JArray()));
        Assert.Null(Resolver.BmcOf(JObject.Parse("""{"transport":"lanplus"}""")));
        // Runs on the read loop: integers beyond Int64 must not throw there.
        Assert.NotNull(Resolver.BmcOf(JObject.Parse("""{"host":"h","port":123456789012345678901234567890}""")));
        Assert.Equal(IpmiRpc.Host.Methods.Declarations.BmcAccess.Write, IpmiRpc.Host.Methods.Declarations.MethodCatalog.All["ipmi.requestResponse"].AccessOf(
            JObject.Parse("""{"netFn":123456789012345678901234567890,"command":123456789012345678901234567890}""")));
    }

    [Fact]
    public void FreshSession_is_read_but_is_not_part_of_the_pool_identity()
    {
        var fresh = Resolver.Resolve(JObject.Parse("""{"host":"h","username":"u","password":"p","freshSession":true}"""));
        var pooled = Resolver.Resolve(JObject.Parse("""{"host":"h","username":"u","password":"p"}"""));

        Assert.True(fresh.FreshSession);
        Assert.False(pooled.FreshSession);
        Assert.Equal(pooled.Identity, fresh.Identity);
        Assert.True(Resolver.Resolve(JObject.Parse("""{"device":"/dev/ipmi0","freshSession":true}""")).FreshSession);
    }
}
