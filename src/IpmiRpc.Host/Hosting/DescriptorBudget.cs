using System.Globalization;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// How many client connections the socket server may hold without running the process out of file descriptors. At
/// the limit the runtime itself fails (reading /proc for the GC's memory figures, starting threads) and the process
/// died with "Out of memory."; so connections stop a reserve short of it, and further clients wait in the listen
/// backlog until one leaves.
/// </summary>
internal static class DescriptorBudget
{
    /// <summary>Descriptors kept free for everything but connections: the runtime, the UDP socket, log files, /proc reads.</summary>
    public const int Reserve = 48;

    public static int ConnectionsAllowed(int configured)
    {
        if (!OperatingSystem.IsLinux() || SoftLimit() is not { } limit)
        {
            return configured;
        }

        int open;
        try
        {
            open = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return configured;
        }

        return Math.Clamp((int)Math.Min(int.MaxValue, limit - open - Reserve), 1, configured);
    }

    /// <summary>The soft RLIMIT_NOFILE from /proc/self/limits ("Max open files  SOFT  HARD  files"); null if unknown or unlimited.</summary>
    private static long? SoftLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }
}
