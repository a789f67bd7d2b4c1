using IpmiRpc.Host.Hosting;

namespace IpmiRpc.Host.Targets;

/// <summary>
/// Reads passwordFile/kgFile/--targets: regular files only, never more than a stated size. A FIFO, a device,
/// /dev/stdin or /dev/zero is refused without blocking or reading it (see <see cref="UnixFile"/>).
/// </summary>
internal static class SecretFiles
{
    public static byte[]? Read(string path, int maxBytes, out string? problem)
    {
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            problem = "not a valid path";
            return null;
        }

        if (OperatingSystem.IsLinux())
        {
            return UnixFile.TryReadSmallRegularFile(path, maxBytes, out problem);
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[maxBytes + 1];
            var total = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            problem = total > maxBytes ? $"larger than {maxBytes} bytes" : null;
            return total > maxBytes ? null : buffer[..total];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = ex.Message;
            return null;
        }
    }
}
