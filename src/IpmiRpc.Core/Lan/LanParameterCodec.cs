using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Text;
using IpmiRpc.Core.Configuration;
using IpmiRpc.Core.Targets;

namespace IpmiRpc.Core.Lan;

/// <summary>
/// Codecs for the LAN configuration parameters (IPMI v2.0 Table 23-4). Each Decode takes the parameter data that
/// follows the revision byte and throws <see cref="IpmiDecodeException"/> when it is too short.
/// </summary>
public static class LanParameterCodec
{
    /// <summary>The highest 802.1Q VLAN ID a BMC may tag with (4095 is reserved).</summary>
    public const int MaxVlanId = 4094;

    private static readonly AuthType[] AuthTypes = Enum.GetValues<AuthType>();

    // Parameter 0.
    public static SetInProgressState DecodeSetInProgress(ReadOnlySpan<byte> data) => SetInProgressStates.Decode(data, "LAN");

    // Parameter 1; also one byte of parameter 2. Bit 3 is reserved (ipmi_sim sets it): ignore it like ipmitool.
    public static IReadOnlyList<AuthType> DecodeAuthTypes(byte bits) =>
        AuthTypes.Where(type => (bits & (1 << (int)type)) != 0).ToArray();

    public static IReadOnlyList<AuthType> DecodeAuthTypeSupport(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.AuthTypeSupport);
        return DecodeAuthTypes((byte)(data[0] & 0b0011_1111));
    }

    // Parameter 2: one byte per privilege level: callback, user, operator, admin, OEM.
    public static AuthTypeEnables DecodeAuthTypeEnables(ReadOnlySpan<byte> data)
    {
        Require(data, 5, LanParameter.AuthTypeEnables);
        return new AuthTypeEnables(
            DecodeAuthTypes(data[0]),
            DecodeAuthTypes(data[1]),
            DecodeAuthTypes(data[2]),
            DecodeAuthTypes(data[3]),
            DecodeAuthTypes(data[4]));
    }

    // Parameters 3, 6, 12, 14: network byte order.
    public static string DecodeIpv4(ReadOnlySpan<byte> data, LanParameter parameter = LanParameter.IpAddress)
    {
        Require(data, 4, parameter);
        return string.Create(CultureInfo.InvariantCulture, $"{data[0]}.{data[1]}.{data[2]}.{data[3]}");
    }

    // Parameter 4.
    public static IpAddressSource DecodeIpAddressSource(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.IpAddressSource);
        var source = data[0] & 0x0F;
        return source <= (int)IpAddressSource.Bios ? (IpAddressSource)source : IpAddressSource.Other;
    }

    /// <exception cref="FormatException">Neither static nor DHCP: the only sources a client may set.</exception>
    public static byte[] EncodeIpAddressSource(IpAddressSource source) => source switch
    {
        IpAddressSource.Static or IpAddressSource.Dhcp => [(byte)source],
        _ => throw new FormatException("must be static or dhcp"),
    };

    // Parameters 5, 13, 15.
    public static string DecodeMac(ReadOnlySpan<byte> data, LanParameter parameter = LanParameter.MacAddress)
    {
        Require(data, 6, parameter);
        return string.Create(CultureInfo.InvariantCulture, $"{data[0]:x2}:{data[1]:x2}:{data[2]:x2}:{data[3]:x2}:{data[4]:x2}:{data[5]:x2}");
    }

    // Parameter 7: TTL; flags in bits 7:5 of byte 2; precedence in 7:5 and type of service in 4:1 of byte 3.
    public static Ipv4HeaderParameters DecodeIpv4Header(ReadOnlySpan<byte> data)
    {
        Require(data, 3, LanParameter.Ipv4HeaderParameters);
        return new Ipv4HeaderParameters(data[0], data[1] >> 5, data[2] >> 5, (data[2] >> 1) & 0x0F);
    }

    // Parameter 10.
    public static ArpControl DecodeArpControl(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.BmcGeneratedArpControl);
        return new ArpControl((data[0] & 0b10) != 0, (data[0] & 0b01) != 0);
    }

    // Parameter 11: 500 ms units.
    public static int DecodeGratuitousArpIntervalMs(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.GratuitousArpInterval);
        return data[0] * 500;
    }

    // Parameter 16: 18 bytes, NUL padded. Latin-1 so any byte decodes.
    public static string DecodeCommunityString(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.CommunityString);
        var text = data[..Math.Min(data.Length, 18)];
        var nul = text.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul < 0 ? text : text[..nul]);
    }

    // Parameter 20: ID bits 7:0 in byte 1, bits 11:8 in byte 2 bits 3:0, enable in byte 2 bit 7.
    public static VlanSetting DecodeVlanId(ReadOnlySpan<byte> data)
    {
        Require(data, 2, LanParameter.VlanId);
        return new VlanSetting(data[0] | ((data[1] & 0x0F) << 8), (data[1] & 0b1000_0000) != 0);
    }

    /// <exception cref="FormatException">An ID outside 0–4094 (4095 is reserved by 802.1Q).</exception>
    public static byte[] EncodeVlanId(VlanSetting vlan)
    {
        if (vlan.Id is < 0 or > MaxVlanId)
        {
            throw new FormatException($"must be between 0 and {MaxVlanId}");
        }

        return [(byte)(vlan.Id & 0xFF), (byte)((vlan.Enabled ? 0b1000_0000 : 0) | ((vlan.Id >> 8) & 0x0F))];
    }

    // Parameter 21.
    public static int DecodeVlanPriority(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.VlanPriority);
        return data[0] & 0b111;
    }

    /// <exception cref="FormatException">A priority outside 0–7.</exception>
    public static byte[] EncodeVlanPriority(int priority) =>
        priority is >= 0 and <= 7 ? [(byte)priority] : throw new FormatException("must be 0–7");

    // Parameter 22.
    public static int DecodeCipherSuiteEntryCount(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.CipherSuiteEntrySupport);
        return data[0] & 0b1_1111;
    }

    // Parameter 23: a reserved byte, then up to 16 cipher suite IDs. Only the first <count> (parameter 22) are real.
    public static int[] DecodeCipherSuiteIds(ReadOnlySpan<byte> data, int count)
    {
        Require(data, 1, LanParameter.CipherSuiteEntries);
        var ids = data[1..];
        var n = Math.Min(Math.Min(count, 16), ids.Length);
        var result = new int[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = ids[i];
        }

        return result;
    }

    // Parameter 24: a reserved byte, then 8 bytes of nibbles; entry A in byte 2 bits 3:0, entry B in bits 7:4, …
    public static int[] DecodeCipherSuitePrivileges(ReadOnlySpan<byte> data)
    {
        Require(data, 9, LanParameter.CipherSuitePrivilegeLevels);
        var levels = new int[16];
        for (var i = 0; i < 16; i++)
        {
            var b = data[1 + (i / 2)];
            levels[i] = (i % 2 == 0) ? b & 0x0F : b >> 4;
        }

        return levels;
    }

    /// <summary>Pairs the IDs of parameter 23 with the privilege levels of parameter 24 (null when 24 is unanswered).</summary>
    public static IReadOnlyList<CipherSuiteEntry> CombineCipherSuites(int[] ids, int[]? privileges) =>
        ids.Select((id, i) => new CipherSuiteEntry(id, privileges is null || i >= privileges.Length ? null : Privilege(privileges[i])))
            .ToArray();

    // Levels 1–5 are privileges; 0 marks an unused entry, the rest are reserved.
    private static PrivilegeLevel? Privilege(int level) =>
        Enum.IsDefined((PrivilegeLevel)level) ? (PrivilegeLevel)level : null;

    // Parameter 26 (v2.0 rev 1.1 errata): flags, threshold, reset interval and lockout interval in 10 s units.
    public static BadPasswordThreshold DecodeBadPasswordThreshold(ReadOnlySpan<byte> data)
    {
        Require(data, 6, LanParameter.BadPasswordThreshold);
        return new BadPasswordThreshold(
            data[1],
            (data[0] & 0b1) != 0,
            BinaryPrimitives.ReadUInt16LittleEndian(data[2..4]) * 10,
            BinaryPrimitives.ReadUInt16LittleEndian(data[4..6]) * 10);
    }

    // Parameter 50.
    public static Ipv6Support DecodeIpv6Support(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.Ipv6Ipv4Support);
        return new Ipv6Support((data[0] & 0b001) != 0, (data[0] & 0b010) != 0, (data[0] & 0b100) != 0);
    }

    // Parameter 51.
    public static Ipv6AddressingMode DecodeIpv6AddressingMode(ReadOnlySpan<byte> data)
    {
        Require(data, 1, LanParameter.Ipv6Ipv4AddressingEnables);
        return data[0] <= (int)Ipv6AddressingMode.Dual ? (Ipv6AddressingMode)data[0] : Ipv6AddressingMode.Reserved;
    }

    // Parameter 55.
    public static Ipv6Status DecodeIpv6Status(ReadOnlySpan<byte> data)
    {
        Require(data, 3, LanParameter.Ipv6Status);
        return new Ipv6Status(data[0], data[1], (data[2] & 0b01) != 0, (data[2] & 0b10) != 0);
    }

    // Parameters 56 and 59: set selector, source/type, 16 address bytes, prefix length, status.
    public static Ipv6AddressEntry DecodeIpv6Address(ReadOnlySpan<byte> data, LanParameter parameter = LanParameter.Ipv6StaticAddresses)
    {
        Require(data, 20, parameter);
        var address = new IPAddress(data[2..18]).ToString();
        return new Ipv6AddressEntry(
            Index: data[0],
            Address: address,
            PrefixLength: data[18],
            Source: (data[1] & 0x0F) <= (int)Ipv6AddressSource.Dhcpv6 ? (Ipv6AddressSource)(data[1] & 0x0F) : Ipv6AddressSource.Other,
            Enabled: (data[1] & 0b1000_0000) != 0,
            Status: data[19] <= (int)Ipv6AddressStatus.Invalid ? (Ipv6AddressStatus)data[19] : Ipv6AddressStatus.Reserved);
    }

    /// <summary>Parses a dotted-quad IPv4 address strictly (four decimal parts 0–255; no shorthand forms).</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static byte[] ParseIpv4(string? text)
    {
        var parts = text?.Split('.') ?? [];
        if (parts.Length != 4)
        {
            throw new FormatException("not an IPv4 address (a.b.c.d)");
        }

        var bytes = new byte[4];
        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit) || !byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw new FormatException("not an IPv4 address (a.b.c.d)");
            }
        }

        return bytes;
    }

    /// <summary>Parses a subnet mask: an IPv4 address whose one-bits are contiguous from the top.</summary>
    /// <exception cref="FormatException">Not an address, or its one-bits are not contiguous.</exception>
    public static byte[] ParseSubnetMask(string? text)
    {
        var bytes = ParseIpv4(text);
        var value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        var inverted = ~value;
        if ((inverted & (inverted + 1)) != 0)
        {
            throw new FormatException("not a subnet mask (ones must be contiguous)");
        }

        return bytes;
    }

    /// <summary>Parses a MAC address written as six hex pairs separated by ':' or '-'.</summary>
    /// <exception cref="FormatException">Anything else.</exception>
    public static byte[] ParseMac(string? text)
    {
        var parts = text?.Split(text.Contains('-', StringComparison.Ordinal) ? '-' : ':') ?? [];
        if (parts.Length != 6)
        {
            throw new FormatException("not a MAC address (aa:bb:cc:dd:ee:ff)");
        }

        var bytes = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            if (parts[i].Length is not (1 or 2) || !byte.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[i]))
            {
                throw new FormatException("not a MAC address (aa:bb:cc:dd:ee:ff)");
            }
        }

        return bytes;
    }

    private static void Require(ReadOnlySpan<byte> data, int length, LanParameter parameter) =>
        IpmiDecodeException.ThrowIfShorter(data, length, $"LAN parameter {(int)parameter} ({parameter})");
}
