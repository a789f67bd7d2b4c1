using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Tests.Methods.Declarations;

/// <summary>
/// A one-shot <c>ipmirpc call</c> looks its method up alone (<see cref="MethodCatalog.Find"/>) instead of scanning the
/// whole catalog: it must find the same declaration the scan does, for every method.
/// </summary>
public class MethodCatalogTests
{
    public static TheoryData<string> Names => [.. MethodCatalog.All.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_method_looked_up_alone_is_the_one_the_scan_declares(string name)
    {
        var scanned = MethodCatalog.All[name];
        var alone = MethodCatalog.Find(name);
        Assert.NotNull(alone);
        Assert.Equal(scanned.Name, alone.Name);
        Assert.Equal(scanned.ResultType, alone.ResultType);
        Assert.Equal(scanned.ParamsType, alone.ParamsType);
        Assert.Same(scanned.Attribute.GetType(), alone.Attribute.GetType());
        Assert.Equal(scanned.Attribute.Description, alone.Attribute.Description);
    }

    [Theory]
    [InlineData("no.such")]
    [InlineData("")]
    [InlineData("BMC.GETDEVICEID")]
    public void An_unknown_name_is_found_neither_alone_nor_in_the_catalog(string name)
    {
        Assert.Null(MethodCatalog.Find(name));
        Assert.False(MethodCatalog.TryGet(name, out _));
    }

    [Fact]
    public void A_method_looked_up_by_name_is_the_catalogs_declaration_once_the_catalog_is_built()
    {
        _ = MethodCatalog.All;
        Assert.True(MethodCatalog.TryGet("bmc.getDeviceId", out var declaration));
        Assert.Same(MethodCatalog.All["bmc.getDeviceId"], declaration);
    }
}
