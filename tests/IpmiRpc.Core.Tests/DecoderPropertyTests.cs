using CsCheck;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Commands.Chassis;
using IpmiRpc.Core.Commands.Transport;
using IpmiRpc.Core.Lan;
using IpmiRpc.Core.SystemInfo;

namespace IpmiRpc.Core.Tests;

/// <summary>Every decoder, fed arbitrary bytes, returns a result or throws <see cref="IpmiDecodeException"/> — nothing else.</summary>
public class DecoderPropertyTests
{
    public static TheoryData<string> Decoders => new(DecoderTable.Keys);

    private static readonly Dictionary<string, Action<byte[]>> DecoderTable = new()
    {
        ["GetDeviceId"] = b => GetDeviceId.Decode(b),
        ["GetChannelInfo"] = b => GetChannelInfo.Decode(b),
        ["GetChassisStatus"] = b => GetChassisStatus.Decode(b),
        ["GetSystemInfoParameters"] = b => GetSystemInfoParameters.Decode(b),
        ["GetLanConfigurationParameters"] = b => GetLanConfigurationParameters.Decode(b),
        ["Lan.SetInProgress"] = b => LanParameterCodec.DecodeSetInProgress(b),
        ["Lan.AuthTypeSupport"] = b => LanParameterCodec.DecodeAuthTypeSupport(b),
        ["Lan.AuthTypeEnables"] = b => LanParameterCodec.DecodeAuthTypeEnables(b),
        ["Lan.Ipv4"] = b => LanParameterCodec.DecodeIpv4(b),
        ["Lan.IpAddressSource"] = b => LanParameterCodec.DecodeIpAddressSource(b),
        ["Lan.Mac"] = b => LanParameterCodec.DecodeMac(b),
        ["Lan.Ipv4Header"] = b => LanParameterCodec.DecodeIpv4Header(b),
        ["Lan.ArpControl"] = b => LanParameterCodec.DecodeArpControl(b),
        ["Lan.GratuitousArpInterval"] = b => LanParameterCodec.DecodeGratuitousArpIntervalMs(b),
        ["Lan.CommunityString"] = b => LanParameterCodec.DecodeCommunityString(b),
        ["Lan.VlanId"] = b => LanParameterCodec.DecodeVlanId(b),
        ["Lan.VlanPriority"] = b => LanParameterCodec.DecodeVlanPriority(b),
        ["Lan.CipherSuiteEntryCount"] = b => LanParameterCodec.DecodeCipherSuiteEntryCount(b),
        ["Lan.CipherSuiteIds"] = b => LanParameterCodec.DecodeCipherSuiteIds(b, b.Length == 0 ? 0 : b[0]),
        ["Lan.CipherSuitePrivileges"] = b => LanParameterCodec.DecodeCipherSuitePrivileges(b),
        ["Lan.BadPasswordThreshold"] = b => LanParameterCodec.DecodeBadPasswordThreshold(b),
        ["Lan.Ipv6Support"] = b => LanParameterCodec.DecodeIpv6Support(b),
        ["Lan.Ipv6AddressingMode"] = b => LanParameterCodec.DecodeIpv6AddressingMode(b),
        ["Lan.Ipv6Status"] = b => LanParameterCodec.DecodeIpv6Status(b),
        ["Lan.Ipv6Address"] = b => LanParameterCodec.DecodeIpv6Address(b),
        ["SystemInfo.Header"] = b => SystemInfoStringCodec.DecodeHeader(b),
        ["SystemInfo.String"] = b => SystemInfoStringCodec.Decode(b.Chunk(16).ToList()),
    };

    [Theory]
    [MemberData(nameof(Decoders))]
    public void Random_bytes_decode_or_raise_IpmiDecodeException(string decoder)
    {
        var decode = DecoderTable[decoder];
        Gen.Byte.Array[0, 48].Sample(bytes =>
        {
            try
            {
                decode(bytes);
            }
            catch (IpmiDecodeException)
            {
            }
        }, iter: 2000);
    }

    [Fact]
    public void System_info_strings_round_trip_for_any_text_that_fits()
    {
        Gen.String[Gen.Char, 0, 120].Where(s => !s.Contains('\0', StringComparison.Ordinal) && System.Text.Encoding.UTF8.GetByteCount(s) <= 255 && !HasLoneSurrogate(s))
            .Sample(s => SystemInfoStringCodec.Decode(SystemInfoStringCodec.Encode(s, "f")) == s, iter: 2000);
    }

    [Fact]
    public void Lan_addresses_round_trip()
    {
        Gen.Byte.Array[4].Sample(b => LanParameterCodec.ParseIpv4(LanParameterCodec.DecodeIpv4(b), "f").SequenceEqual(b));
        Gen.Byte.Array[6].Sample(b => LanParameterCodec.ParseMac(LanParameterCodec.DecodeMac(b), "f").SequenceEqual(b));
        Gen.Int[0, 4095].Select(Gen.Bool).Sample((id, enabled) => LanParameterCodec.DecodeVlanId(LanParameterCodec.EncodeVlanId(id, enabled)) == new VlanSetting(id, enabled));
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
