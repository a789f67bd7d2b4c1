using IpmiRpc.TestSupport;

namespace IpmiRpc.Transports.OpenIpmi.Tests.InBand;

/// <summary>
/// The kernel, initramfs and published ipmirpc for the guests, built once per test run by tests/inband/build-assets.sh
/// (which caches across runs and rebuilds only what changed).
/// </summary>
public sealed class InBandAssets : IAsyncLifetime
{
    public static string ScriptDirectory => Path.Combine(RepoPaths.Root, "tests", "inband");

    /// <summary>e.g. "aot 9876543": how ipmirpc was published for the guest and the executable's size.</summary>
    public string PublishInfo { get; private set; } = "";

    public async Task InitializeAsync()
    {
        foreach (var tool in new[] { "qemu-system-x86_64", "busybox", "cpio", "ipmitool", "apt-get", "dpkg-deb", "xz" })
        {
            Require.Tool(tool);
        }

        // A cold build publishes NativeAOT and downloads the kernel package: minutes, not seconds.
        var result = await ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(ScriptDirectory, "build-assets.sh")],
            timeout: TimeSpan.FromMinutes(15));
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("tests/inband/build-assets.sh failed:\n" + result);
        }

        PublishInfo = result.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("publish=", StringComparison.Ordinal))?["publish=".Length..] ?? "";
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class InBandCollection : ICollectionFixture<InBandAssets>
{
    // One guest at a time: each wants a whole core under TCG.
    public const string Name = "inband";
}
