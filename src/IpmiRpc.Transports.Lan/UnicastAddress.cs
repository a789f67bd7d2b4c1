using System.Net;
using System.Net.Sockets;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// A BMC is one host: a multicast, broadcast or unspecified address would send session packets (and RAKP exchanges
/// that an attacker can crack offline) to whoever listens there.
/// </summary>
public static class UnicastAddress
{
    public static bool Is(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? !address.IsIPv6Multicast
            : (address.GetAddressBytes()[0] & 0xF0) != 0xE0; // 224.0.0.0/4
    }
}
