using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// A remote UDP endpoint as a value (IPv4 held as IPv4-mapped IPv6), readable straight from a received
/// <see cref="SocketAddress"/> so the receive loop can dispatch without allocating an <see cref="IPEndPoint"/>.
/// </summary>
internal readonly record struct EndpointKey(ulong High, ulong Low, ushort Port)
{
    public static EndpointKey From(IPEndPoint endpoint)
    {
        Span<byte> bytes = stackalloc byte[16];
        var address = endpoint.Address.AddressFamily == AddressFamily.InterNetwork ? endpoint.Address.MapToIPv6() : endpoint.Address;
        if (!address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException("Unsupported address", nameof(endpoint));
        }

        return new EndpointKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), (ushort)endpoint.Port);
    }

    /// <summary>Reads a Linux/Windows/macOS sockaddr_in or sockaddr_in6 (port at offset 2, big-endian on every OS).</summary>
    public static bool TryFrom(SocketAddress address, out EndpointKey key)
    {
        var raw = address.Buffer.Span[..address.Size];
        key = default;
        switch (address.Family)
        {
            case AddressFamily.InterNetwork when raw.Length >= 8:
                key = new EndpointKey(0, 0x0000_FFFF_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(raw[4..]), BinaryPrimitives.ReadUInt16BigEndian(raw[2..]));
                return true;
            case AddressFamily.InterNetworkV6 when raw.Length >= 24:
                key = new EndpointKey(BinaryPrimitives.ReadUInt64BigEndian(raw[8..]), BinaryPrimitives.ReadUInt64BigEndian(raw[16..]), BinaryPrimitives.ReadUInt16BigEndian(raw[2..]));
                return true;
            default:
                return false;
        }
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, High);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Low);
        var address = new IPAddress(bytes);
        return new IPEndPoint(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address, Port).ToString();
    }
}
