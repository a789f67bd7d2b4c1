using System.Diagnostics;
using IpmiRpc.Core.Targets;
using IpmiRpc.Host.Protocol;
using IpmiRpc.Host.Targets;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Tests.Targets;

/// <summary>
/// Issue 20: a FIFO as passwordFile hung the connection for good, /dev/zero took 4 GB, /dev/stdin ate protocol
/// bytes; --targets /dev/zero threw OutOfMemoryException and a FIFO hung start-up. Regular files only, read bounded.
/// </summary>
public sealed class SecretFilesTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("ipmirpc-secret-").FullName;

    private static TargetResolver Resolver() => new(null, IpmiTarget.OpenIpmi, _ => null);

    private string Fifo()
    {
        var path = Path.Combine(_dir, "fifo");
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }

    /// <summary>Resolves on another thread so a blocking read fails the test instead of hanging it.</summary>
    private static async Task<RpcParamException> RefusedAsync(string path, string field = "passwordFile")
    {
        var resolving = Task.Run(() => Resolver().Resolve(new JObject { ["host"] = "h", [field] = path }));
        var ex = await Assert.ThrowsAsync<RpcParamException>(() => resolving.WaitAsync(Bound));
        Assert.Equal("target." + field, ex.Field);
        return ex;
    }

    [Fact]
    public async Task A_fifo_device_or_stdin_is_refused_without_blocking_or_reading_it()
    {
        var fifo = Fifo();
        var fromFifo = await RefusedAsync(fifo);
        await RefusedAsync(fifo, "kgFile");
        await RefusedAsync("/dev/zero");
        await RefusedAsync("/dev/stdin");
        await RefusedAsync("/dev/null");

        // The same answer for a FIFO as for a path that does not exist: no oracle for the server's files.
        var missing = await RefusedAsync(Path.Combine(_dir, "missing"));
        Assert.Equal(missing.Reason, fromFifo.Reason);
    }

    [Fact]
    public async Task A_large_regular_file_is_refused_and_a_small_one_read()
    {
        var big = Path.Combine(_dir, "big");
        await File.WriteAllBytesAsync(big, new byte[64 * 1024]);
        await RefusedAsync(big);

        var small = Path.Combine(_dir, "pw");
        await File.WriteAllTextAsync(small, "secret\n");
        Assert.Equal(Secret.FromString("secret"), Resolver().Resolve(new JObject { ["host"] = "h", ["passwordFile"] = small }).Password);
    }

    [Fact]
    public async Task Targets_file_must_be_a_regular_file_of_at_most_1_MiB()
    {
        var fifo = Fifo();
        foreach (var path in new[] { fifo, "/dev/zero", "/dev/stdin" })
        {
            var loading = Task.Run(() => TargetResolver.FromFile(path));
            await Assert.ThrowsAsync<InvalidDataException>(() => loading.WaitAsync(Bound));
        }

        var huge = Path.Combine(_dir, "targets.json");
        await File.WriteAllTextAsync(huge, "{\"a\":{\"host\":\"" + new string('x', 1024 * 1024) + "\"}}");
        Assert.Throws<InvalidDataException>(() => TargetResolver.FromFile(huge));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
