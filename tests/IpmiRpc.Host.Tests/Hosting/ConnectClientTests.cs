using IpmiRpc.Host.Hosting;

namespace IpmiRpc.Host.Tests.Hosting;

/// <summary>Where <c>connect --socket auto|PATH</c> puts the socket, and which directories it refuses.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ConnectClientTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-connect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Auto_uses_a_private_runtime_directory()
    {
        var path = ConnectClient.ResolveSocketPath("auto", name => name == "XDG_RUNTIME_DIR" ? _dir : null, out var problem);
        Assert.Null(problem);
        Assert.Equal(Path.Combine(_dir, "ipmirpc.sock"), path);
    }

    [Fact]
    public void Auto_passes_over_a_runtime_directory_others_can_enter()
    {
        File.SetUnixFileMode(_dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        var path = ConnectClient.ResolveSocketPath("auto", name => name == "XDG_RUNTIME_DIR" ? _dir : null, out var problem);
        Assert.Null(problem);
        var fallback = Path.GetDirectoryName(path)!;
        Assert.Equal($"/tmp/ipmirpc-{GetUid()}", fallback);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fallback));
    }

    [Fact]
    public void A_path_gets_its_directory_created_private()
    {
        var path = ConnectClient.ResolveSocketPath(Path.Combine(_dir, "sub", "s.sock"), _ => null, out var problem);
        Assert.Null(problem);
        Assert.Equal(Path.Combine(_dir, "sub", "s.sock"), path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_dir, "sub")));
    }

    [Fact]
    public void An_uncreatable_directory_is_a_problem_not_an_exception()
    {
        Assert.Null(ConnectClient.ResolveSocketPath("/proc/ipmirpc-none/s.sock", _ => null, out var problem));
        Assert.Contains("/proc/ipmirpc-none/s.sock", problem, StringComparison.Ordinal);
    }

    private static string GetUid() => File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[2];
}
