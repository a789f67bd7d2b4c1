using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Targets;

/// <summary>Groups in the targets file, and what <c>targets</c> expands to (no BMC involved).</summary>
public sealed class TargetGroupsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-groups-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TargetResolver Load(string json)
    {
        var path = Path.Combine(_dir, "targets.json");
        File.WriteAllText(path, json);
        return TargetResolver.FromFile(path);
    }

    [Fact]
    public void Groups_expand_names_nested_groups_and_ranges_in_order_without_secrets_in_labels()
    {
        var resolver = Load("""
            {"t": {"username": "u", "password": "SECRET1"},
             "a": {"host": "a.example", "passwordFile": "/nonexistent"},
             "rack": [{"hosts": "bmc[08-10]", "template": "t"}],
             "all": ["a", "rack", {"host": "b.example", "password": "SECRET2"}]}
            """);

        var expanded = resolver.ExpandTargets(new JArray("all"), "targets", 100, namesOnly: false);

        Assert.Equal(["\"a\"", "\"bmc08\"", "\"bmc09\"", "\"bmc10\"", "{\"host\":\"b.example\"}"],
            expanded.Select(t => t.Label.ToString(Newtonsoft.Json.Formatting.None)));
        Assert.Equal("bmc09", (string)expanded[2].Spec["host"]!);
        Assert.Equal("u", (string)expanded[2].Spec["username"]!);
        Assert.Equal(["a", "all", "rack", "t"], resolver.Names.Concat(resolver.GroupNames).Order());
    }

    [Theory]
    [InlineData("""{"g": ["g"]}""", "contains itself")]
    [InlineData("""{"g": ["nosuch"]}""", "no configured target or group named 'nosuch'")]
    [InlineData("""{"g": [{"hosts": "bmc[3-1]"}]}""", "runs backwards")]
    [InlineData("""{"g": 5}""", "must be a target object or a group")]
    public void A_bad_group_stops_loading_with_a_clear_message(string json, string reason) =>
        Assert.Contains(reason, Assert.Throws<InvalidDataException>(() => Load(json)).Message, StringComparison.Ordinal);

    [Fact]
    public void Names_only_refuses_objects_and_inline_ranges()
    {
        var resolver = Load("""{"t": {"host": "h"}, "g": [{"hosts": "bmc[1-2]", "template": "t"}]}""");

        Assert.Equal(3, resolver.ExpandTargets(new JArray("g", "t"), "targets", 100, namesOnly: true).Count);
        var inline = Assert.Throws<RpcParamException>(() => resolver.ExpandTargets(new JArray(new JObject { ["hosts"] = "x[1-2]", ["template"] = "t" }), "targets", 100, namesOnly: true));
        Assert.Equal("targets[0]", inline.Field);
        Assert.Throws<RpcParamException>(() => resolver.ExpandTargets(new JArray(new JObject { ["host"] = "evil" }), "targets", 100, namesOnly: true));
    }

    [Fact]
    public void The_limit_counts_every_expanded_target()
    {
        var resolver = Load("""{"t": {"host": "h"}}""");

        Assert.Equal(5, resolver.ExpandTargets(new JArray("t", new JObject { ["hosts"] = "b[1-4]" }), "targets", 5, namesOnly: false).Count);
        Assert.Throws<RpcParamException>(() => resolver.ExpandTargets(new JArray("t", new JObject { ["hosts"] = "b[1-5]" }), "targets", 5, namesOnly: false));
    }
}
