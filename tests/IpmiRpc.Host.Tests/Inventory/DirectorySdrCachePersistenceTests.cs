using IpmiRpc.Core;
using IpmiRpc.Core.Sdr;
using IpmiRpc.Host.Inventory;

namespace IpmiRpc.Host.Tests.Inventory;

public sealed class DirectorySdrCachePersistenceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ipmirpc-sdrcache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static IpmiSend Bmc(int[] getSdrCount)
    {
        byte[] record = [0x01, 0x00, 0x51, 0xC0, 0x04, 0x57, 0x01, 0x00, 0x2A];
        return (r, _) => Task.FromResult((r.NetFn, r.Command) switch
        {
            (0x06, 0x01) => new IpmiResponse(0, new byte[] { 0x20, 0x81, 0x01, 0x23, 0x02, 0xBF, 0x57, 0x01, 0x00, 0x34, 0x12 }),
            (0x0A, 0x20) => new IpmiResponse(0, new byte[] { 0x51, 0x01, 0x00, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0x02 }),
            (0x0A, 0x22) => new IpmiResponse(0, new byte[] { 0x01, 0x00 }),
            (0x0A, 0x23) => new IpmiResponse(0, new byte[] { 0xFF, 0xFF }.Concat(record).ToArray()).Also(() => getSdrCount[0]++),
            _ => new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty),
        });
    }

    [Fact]
    public async Task A_second_process_reads_the_repository_from_the_directory_and_files_are_private()
    {
        var dir = Path.Combine(_root, "cache");
        var count = new int[1];
        await new SdrCache(new SdrCacheOptions { Persistence = new DirectorySdrCachePersistence(dir) }).GetAsync("a", Bmc(count), default, CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(dir));
        Assert.EndsWith(".sdr", file, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        var again = await new SdrCache(new SdrCacheOptions { Persistence = new DirectorySdrCachePersistence(dir) }).GetAsync("a", Bmc(count), default, CancellationToken.None);
        Assert.Equal(SdrCacheOutcome.PersistedHit, again.Outcome);
        Assert.Equal(2 + 1, count[0]); // first process: probe + full read; second: the probe only
    }

    [Fact]
    public async Task A_corrupt_file_is_ignored_and_replaced()
    {
        var dir = Path.Combine(_root, "cache");
        var count = new int[1];
        var persistence = new DirectorySdrCachePersistence(dir);
        await new SdrCache(new SdrCacheOptions { Persistence = persistence }).GetAsync("a", Bmc(count), default, CancellationToken.None);
        var file = Assert.Single(Directory.GetFiles(dir));
        var good = await File.ReadAllBytesAsync(file);
        await File.WriteAllBytesAsync(file, good[..(good.Length / 2)]);

        var result = await new SdrCache(new SdrCacheOptions { Persistence = persistence }).GetAsync("a", Bmc(count), default, CancellationToken.None);

        Assert.Equal(SdrCacheOutcome.Read, result.Outcome);
        Assert.Equal(good, await File.ReadAllBytesAsync(file));
        Assert.Single(Directory.GetFiles(dir)); // no temporary file left behind
    }

    [Fact]
    public async Task An_existing_directory_is_tightened_to_0700_and_names_cannot_escape_it()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "open")).FullName;
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);

        var persistence = new DirectorySdrCachePersistence(dir);

        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        await Assert.ThrowsAsync<ArgumentException>(() => persistence.LoadAsync("../x.sdr", CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => persistence.SaveAsync("/etc/passwd", new byte[1], CancellationToken.None));
        Assert.Null(await persistence.LoadAsync("ABC.sdr", CancellationToken.None));
    }
}

internal static class ResponseExtensions
{
    public static IpmiResponse Also(this IpmiResponse response, Action action)
    {
        action();
        return response;
    }
}
