using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace IpmiRpc.TestSupport;

/// <summary>
/// Free loopback ports for test servers. ipmi_sim binds with SO_REUSEADDR, so a port that is merely
/// "probably free" can end up shared by two simulators: each port handed out is checked by binding it
/// without reuse, and reserved for the rest of this process with an exclusive lock file so that test
/// assemblies running in parallel (separate processes) never pick the same one.
/// </summary>
public static class Ports
{
    private const int Low = 20000;
    private const int High = 60000; // exclusive
    private static readonly ConcurrentDictionary<string, FileStream> Reserved = new();
    private static readonly string LockDir = Path.Combine(Path.GetTempPath(), "ipmirpc-test-ports");

    public static int GetFreeUdpPort() => GetFree(ProtocolType.Udp);

    public static int GetFreeTcpPort() => GetFree(ProtocolType.Tcp);

    /// <summary>True when nothing is bound to the UDP port (on any local address).</summary>
    public static bool IsUdpPortFree(int port) => CanBind(ProtocolType.Udp, port);

    public static bool IsTcpPortFree(int port) => CanBind(ProtocolType.Tcp, port);

    private static int GetFree(ProtocolType protocol)
    {
        Directory.CreateDirectory(LockDir);
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(Low, High);
            var key = $"{protocol}-{port}".ToLowerInvariant();
            if (Reserved.ContainsKey(key) || !CanBind(protocol, port))
                continue;
            FileStream lockFile;
            try
            {
                // FileShare.None takes an exclusive flock on Unix; it dies with the process.
                lockFile = new FileStream(Path.Combine(LockDir, key + ".lock"), FileMode.OpenOrCreate,
                    FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // another test process holds it
            }

            if (!Reserved.TryAdd(key, lockFile))
            {
                lockFile.Dispose();
                continue;
            }

            // Re-check after taking the lock: someone may have bound it in between.
            if (CanBind(protocol, port))
                return port;
        }

        throw new InvalidOperationException($"no free {protocol} port found in {Low}-{High - 1}");
    }

    private static bool CanBind(ProtocolType protocol, int port)
    {
        var type = protocol == ProtocolType.Udp ? SocketType.Dgram : SocketType.Stream;
        try
        {
            // Binding the wildcard address without reuse fails if anything holds the port on any address.
            using var s = new Socket(AddressFamily.InterNetwork, type, protocol);
            s.ExclusiveAddressUse = true;
            s.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
