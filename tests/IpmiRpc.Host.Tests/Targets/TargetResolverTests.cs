using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Targets;

public sealed class TargetResolverTests
{
    private static readonly Dictionary<string, string> Env = new() { ["BMC_PW"] = "from-env" };

    private static TargetResolver Resolver(Dictionary<string, JObject>? named = null) =>
        new(named, IpmiTarget.OpenIpmi, name => Env.GetValueOrDefault(name));

    [Fact]
    public void Lanplus_fields_are_read_with_defaults()
    {
        var t = Resolver().Resolve(JObject.Parse("""{"host":"10.1.2.3","username":"admin","password":"pw"}"""));
        Assert.Equal(IpmiTarget.LanPlus, t.Transport);
        Assert.Equal(623, t.Port);
        Assert.Equal("admin", t.Username);
        Assert.Equal(Secret.FromString("pw"), t.Password);
        Assert.Null(t.CipherSuite);
        Assert.Equal(PrivilegeLevel.Administrator, t.Privilege);
        Assert.Equal(1000, t.TimeoutMs);
        Assert.Equal(4, t.Retries);
        Assert.False(t.AllowInsecure);
    }

    [Theory]
    [InlineData("""{"host":"h","quirks":["assumeSystemEventRecord","skipFruChecks"]}""")]
    [InlineData("""{"device":"/dev/ipmi0","quirks":["skipFruChecks","assumeSystemEventRecord"]}""")]
    [InlineData("""{"computerName":"srv","quirks":["assumeSystemEventRecord","skipFruChecks","skipFruChecks"]}""")]
    public void Every_transport_target_carries_its_quirks_as_one_flag_set(string json)
    {
        var given = JObject.Parse(json);
        var t = Resolver().Resolve(given);
        Assert.Equal(BmcQuirks.AssumeSystemEventRecord | BmcQuirks.SkipFruChecks, t.Quirks);
        // Quirks change how answers are read, not which session serves them.
        given.Remove("quirks");
        Assert.Equal(Resolver().Resolve(given).Identity, t.Identity);
    }

    [Fact]
    public void An_unknown_quirk_is_invalid_params_naming_the_field()
    {
        var ex = Assert.Throws<RpcParamException>(() => Resolver().Resolve(JObject.Parse("""{"host":"h","quirks":["noSuchQuirk"]}""")));
        Assert.StartsWith("target.quirks", ex.Field, StringComparison.Ordinal);
        // The empty set is no name: a list that names nothing is the way to say it.
        Assert.Throws<RpcParamException>(() => Resolver().Resolve(JObject.Parse("""{"host":"h","quirks":["none"]}""")));
        Assert.Equal(BmcQuirks.None, Resolver().Resolve(JObject.Parse("""{"host":"h","quirks":[]}""")).Quirks);
        Assert.Equal(BmcQuirks.None, Resolver().Resolve(JObject.Parse("""{"host":"h"}""")).Quirks);
    }

    [Theory]
    [InlineData("""{"computerName":"srv","username":"CONTOSO\\svc-ipmi-admin","passwordEnv":"BMC_PW"}""")]
    [InlineData("""{"transport":"cim","computerName":"srv","username":"CONTOSO\\svc-ipmi-admin","passwordEnv":"BMC_PW"}""")]
    public void A_cim_target_takes_windows_account_names_longer_than_16_bytes_whether_or_not_transport_is_spelled(string json)
    {
        // Regression: the 16-byte RMCP+ limit was applied unless the JSON said "transport": "cim" itself.
        var t = Resolver().Resolve(JObject.Parse(json));
        Assert.Equal(IpmiTarget.Cim, t.Transport);
        Assert.Equal("CONTOSO\\svc-ipmi-admin", t.Username);
    }

    [Fact]
    public void A_lanplus_user_name_over_16_bytes_is_invalid_params()
    {
        var ex = Assert.Throws<RpcParamException>(() => Resolver().Resolve(JObject.Parse("""{"host":"h","username":"CONTOSO\\svc-ipmi-admin"}""")));
        Assert.Equal("target.username", ex.Field);
    }

    [Fact]
    public void Password_comes_from_env_or_file_with_one_trailing_newline_trimmed()
    {
        var fromEnv = Resolver().Resolve(JObject.Parse("""{"host":"h","passwordEnv":"BMC_PW"}"""));
        Assert.Equal(Secret.FromString("from-env"), fromEnv.Password);

        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "from-file\n");
            var fromFile = Resolver().Resolve(new JObject { ["host"] = "h", ["passwordFile"] = file, ["kgHex"] = "0102" });
            Assert.Equal(Secret.FromString("from-file"), fromFile.Password);
            Assert.Equal(new Secret(new byte[] { 1, 2 }), fromFile.Kg);

            File.WriteAllText(file, "two\n\n");
            Assert.Equal(Secret.FromString("two\n"), Resolver().Resolve(new JObject { ["host"] = "h", ["passwordFile"] = file }).Password);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string, string> BadTargets => new()
    {
        { """{"host":"h","port":0}""", "target.port" },
        { """{"host":"h","port":"623"}""", "target.port" },
        { """{"host":""}""", "target.host" },
        { """{"transport":"lanplus"}""", "target.host" },
        { """{"transport":"serial"}""", "target.transport" },
        { """{"host":"h","privilege":"root"}""", "target.privilege" },
        { """{"host":"h","cipherSuite":256}""", "target.cipherSuite" },
        { """{"host":"h","password":"a","passwordEnv":"BMC_PW"}""", "target.passwordEnv" },
        { """{"host":"h","passwordEnv":"NOT_SET_ANYWHERE"}""", "target.passwordEnv" },
        { """{"host":"h","passwordFile":"/nonexistent/pw"}""", "target.passwordFile" },
        { """{"host":"h","password":"123456789012345678901"}""", "target.password" },
        { """{"host":"h","kgHex":"xyz"}""", "target.kgHex" },
        { """{"host":"h","username":"12345678901234567"}""", "target.username" },
        { """{"host":"h","username":"ÄÄÄÄÄÄÄÄÄ"}""", "target.username" },
        { """{"host":"h","kg":"a","kgHex":"01"}""", "target.kgHex" },
        { """{"host":"h\u0000.example"}""", "target.host" },
        { """{"host":"224.0.0.1"}""", "target.host" },
        { """{"computerName":"w","protocol":"ssh"}""", "target.protocol" },
        { """{"device":""}""", "target.device" },
        { """{"host":"h","device":"/dev/ipmi0"}""", "target.device" },
        { """{"host":"h","timeoutMs":0}""", "target.timeoutMs" },
        { """{"host":"h","retries":-1}""", "target.retries" },
        { """{"host":"h","allowInsecure":"yes"}""", "target.allowInsecure" },
        { """{"device":"/dev/ipmi0","host":"h","transport":"openipmi"}""", "target.host" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public void Bad_target_is_an_invalid_param_naming_the_field(string json, string field)
    {
        var ex = Assert.Throws<RpcParamException>(() => Resolver().Resolve(JObject.Parse(json)));
        Assert.Equal(field, ex.Field);
        Assert.DoesNotContain("123456789012345678901", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Named_targets_and_the_default()
    {
        var named = new Dictionary<string, JObject>
        {
            ["rack1"] = JObject.Parse("""{"host":"10.0.0.7","passwordEnv":"BMC_PW","privilege":"operator"}"""),
        };
        var t = Resolver(named).Resolve(new JValue("rack1"));
        Assert.Equal("10.0.0.7", t.Host);
        Assert.Equal(PrivilegeLevel.Operator, t.Privilege);
        Assert.Equal(IpmiTarget.OpenIpmi, Resolver(named).Resolve(null).Transport);
        Assert.Equal("rack1", Assert.Throws<RpcParamException>(() => Resolver(named).Resolve(new JValue("rack2"))).Field == "target" ? "rack1" : "");

        named[TargetResolver.DefaultName] = JObject.Parse("""{"host":"10.0.0.8"}""");
        Assert.Equal("10.0.0.8", Resolver(named).Resolve(null).Host);
    }

    [Fact]
    public void Targets_file_is_loaded_and_bad_files_are_reported()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{"a":{"host":"h1"},"b":{"device":"/dev/ipmi1"}}""");
            var resolver = TargetResolver.FromFile(file, IpmiTarget.OpenIpmi);
            Assert.Equal("/dev/ipmi1", resolver.Resolve(new JValue("b")).Device);
            File.WriteAllText(file, "[1]");
            Assert.Throws<InvalidDataException>(() => TargetResolver.FromFile(file));
            File.WriteAllText(file, "{nope");
            Assert.Throws<InvalidDataException>(() => TargetResolver.FromFile(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Default_transport_is_in_band_for_the_platform()
    {
        Assert.Equal(OperatingSystem.IsWindows() ? IpmiTarget.Cim : IpmiTarget.OpenIpmi, new TargetResolver().DefaultTransport);
    }
}
