using IpmiRpc.Host.Methods;
using IpmiRpc.Host.Methods.Declarations;

namespace IpmiRpc.Host.Tests.Methods.Declarations;

public sealed class ParamMemberTests
{
    /// <summary>
    /// Regression: the first requests of a fresh process bind the same records at once; a shared NullabilityInfoContext
    /// (not thread-safe) threw "An item with the same key has already been added" and answered -32603.
    /// </summary>
    [Fact]
    public void Reading_a_params_record_from_many_threads_at_once_gives_the_same_members()
    {
        var results = new IReadOnlyList<ParamMember>[256];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
            results[i] = ParamMember.Of(typeof(SystemInfoMethods.SystemInfoValues)));
        Assert.All(results, r => Assert.Equal(
            ["systemFirmwareVersion", "systemName", "primaryOperatingSystemName", "operatingSystemName", "presentOperatingSystemVersion", "bmcUrl", "hypervisorUrl"],
            r.Select(m => m.Name)));
        Assert.All(results, r => Assert.All(r, m => Assert.True(m.IsNullable)));
    }
}
