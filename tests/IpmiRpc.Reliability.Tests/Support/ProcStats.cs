using System.Globalization;

namespace IpmiRpc.Reliability.Tests.Support;

/// <summary>Resource use of a Linux process, read from /proc (fds, threads, resident memory).</summary>
public readonly record struct ProcStats(int FileDescriptors, int Threads, long RssKb)
{
    public static ProcStats Of(int pid)
    {
        var fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
        int threads = 0;
        long rss = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("Threads:", StringComparison.Ordinal))
                threads = int.Parse(line["Threads:".Length..].Trim(), CultureInfo.InvariantCulture);
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }

        return new ProcStats(fds, threads, rss);
    }

    /// <summary>Peak resident memory so far (VmHWM), in kB.</summary>
    public static long PeakRssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        }

        return 0;
    }

    public override string ToString() => $"fds {FileDescriptors}, threads {Threads}, RSS {RssKb / 1024.0:0.0} MB";
}
