using IpmiRpc.TestSupport;

namespace IpmiRpc.EndToEnd.Tests.Packaging;

/// <summary>
/// artifacts/release/ as <c>src/IpmiRpc.Packaging/release.sh</c> builds it. tests/run.sh builds it before the tests
/// (a NativeAOT publish takes minutes); here release.sh runs with <c>--if-stale</c>, a cache hit when nothing changed.
/// </summary>
public sealed class ReleaseArtifacts : IAsyncLifetime
{
    public static string Dir => Path.Combine(RepoPaths.Root, "artifacts", "release");

    public string Version { get; } = VersionTests.ProjectVersion();

    public string Artifact(string name)
    {
        var path = System.IO.Path.Combine(Dir, name);
        Assert.True(File.Exists(path), $"release.sh did not produce {name}");
        return path;
    }

    public async Task InitializeAsync()
    {
        var release = await ProcessRunner.RunAsync("/bin/bash",
            [System.IO.Path.Combine(RepoPaths.Root, "src", "IpmiRpc.Packaging", "release.sh"), "--if-stale"],
            timeout: TimeSpan.FromMinutes(30));
        Assert.True(release.Succeeded, release.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
