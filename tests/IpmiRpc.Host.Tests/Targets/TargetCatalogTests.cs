using IpmiRpc.Host.Schema;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Targets;

/// <summary>
/// The schema's Target is generated from the transports' records: every field of every record is there, marked with
/// the transports that have it, its secrets flagged, and the transport a field selects (the wrappers read these).
/// </summary>
public sealed class TargetCatalogTests
{
    private static JObject Target() => (JObject)OpenRpcDocument.Generated.Document["components"]!["schemas"]!["Target"]!;

    [Fact]
    public void Every_record_field_is_a_target_property_with_the_transports_that_have_it()
    {
        var properties = (JObject)Target()["properties"]!;
        var expected = new HashSet<string>(StringComparer.Ordinal) { TargetCatalog.TransportField };
        foreach (var kind in TargetCatalog.All)
        {
            foreach (var member in kind.Binder.Members)
            {
                expected.Add(member.Name);
                var property = (JObject)properties[member.Name]!;
                var transports = property["x-transports"]?.Values<string>().ToArray();
                Assert.True(transports is null || transports.Contains(kind.Transport), $"{member.Name} lacks {kind.Transport}");
                Assert.Equal(member.IsSecret, property["x-secret"]?.Value<bool>() ?? false);
            }
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), properties.Properties().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(TargetCatalog.All.Select(k => k.Transport), properties["transport"]!["enum"]!.Values<string>());
    }

    [Fact]
    public void The_transport_inference_and_required_fields_come_from_the_records()
    {
        var target = Target();
        Assert.Equal(
            ["host:lanplus", "computerName:cim", "device:openipmi"],
            target["x-transportFrom"]!.Select(x => (string)x["field"]! + ":" + (string)x["transport"]!));
        Assert.Equal(["host"], target["x-required"]!["lanplus"]!.Values<string>());
        Assert.Contains("At most 16 bytes (UTF-8).", (string)target["properties"]!["username"]!["x-descriptions"]!["lanplus"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_two_transports_share_is_bound_by_each_transports_own_limit()
    {
        var resolver = new TargetResolver();
        Assert.Equal("CONTOSO\\svc-ipmi-admin", resolver.Resolve(JObject.Parse("""{"computerName":"w","username":"CONTOSO\\svc-ipmi-admin"}""")).Username);
        var ex = Assert.Throws<IpmiRpc.Host.Protocol.RpcParamException>(() => resolver.Resolve(JObject.Parse("""{"host":"h","username":"CONTOSO\\svc-ipmi-admin"}""")));
        Assert.Equal("target.username", ex.Field);
    }

    [Fact]
    public void No_target_is_the_default_transports_record_with_its_defaults()
    {
        var target = new TargetResolver(defaultTransport: IpmiRpc.Core.Targets.IpmiTarget.OpenIpmi).Resolve(null);
        Assert.Equal(("openipmi", "/dev/ipmi0", 1000, 4), (target.Transport, target.Device, target.TimeoutMs, target.Retries));
        Assert.Equal(new IpmiRpc.Core.Sessions.BmcKey("openipmi", "/dev/ipmi0", 0), new TargetResolver(defaultTransport: "openipmi").BmcOf(null));
        Assert.Equal(new IpmiRpc.Core.Sessions.BmcKey("cim", "w1", 0), new TargetResolver().BmcOf(JObject.Parse("""{"computerName":"W1"}""")));
    }
}
