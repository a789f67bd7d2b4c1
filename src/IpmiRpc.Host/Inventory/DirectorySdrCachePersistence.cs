using IpmiRpc.Core.Sdr;

namespace IpmiRpc.Host.Inventory;

/// <summary>
/// <c>--sdr-cache DIR</c>: SDR repositories as files in a directory only the user can enter (0700), each file 0600,
/// written to a temporary name and renamed over the old one so a reader never sees half a file. The bytes are
/// <see cref="SdrCacheFormat"/>'s, which carry their own SHA-256: a damaged or foreign file is ignored and the
/// repository read from the BMC again. It lives in the host because Core does no I/O.
/// </summary>
public sealed class DirectorySdrCachePersistence : ISdrCachePersistence
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Files above this size are not cache files (a repository is at most a few tens of KiB).</summary>
    private const long MaxFileBytes = 4 * 1024 * 1024;

    public DirectorySdrCachePersistence(string directory)
    {
        Directory = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
            return;
        }

        System.IO.Directory.CreateDirectory(Directory, DirectoryMode);
        // An existing directory keeps its mode on create: tighten it, as the cache may hold a fleet's inventory.
        File.SetUnixFileMode(Directory, DirectoryMode);
    }

    public string Directory { get; }

    public async Task<byte[]?> LoadAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxFileBytes)
            {
                return null;
            }

            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async Task SaveAsync(string name, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        try
        {
            var stream = new FileStream(temporary, options);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // Names come from SdrCache.FileName (hex); anything else could climb out of the directory.
    private string PathOf(string name)
    {
        if (name.Length == 0 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '.') || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"not a cache file name: {name}", nameof(name));
        }

        return Path.Combine(Directory, name);
    }
}
