using System.Text;
using IpmiRpc.Core.SystemInfo;

namespace IpmiRpc.Core.Tests.SystemInfo;

public class SystemInfoStringCodecTests
{
    [Fact]
    public void First_block_is_encoding_length_and_fourteen_bytes()
    {
        // IPMI v2.0 §22.14a: set selector 0 = [encoding, length, data 1..14].
        var blocks = SystemInfoStringCodec.Encode("Debian 12", "f");
        var block = Assert.Single(blocks);
        Assert.Equal("0009" + Convert.ToHexString(Encoding.ASCII.GetBytes("Debian 12")) + "0000000000", Convert.ToHexString(block));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(14, 1)]
    [InlineData(15, 2)]
    [InlineData(30, 2)]
    [InlineData(31, 3)]
    [InlineData(255, 17)]
    public void Block_count_follows_length(int length, int blocks)
    {
        Assert.Equal(blocks, SystemInfoStringCodec.BlockCount(length));
        Assert.Equal(blocks, SystemInfoStringCodec.Encode(new string('x', length), "f").Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("exactly14chars")]
    [InlineData("fifteen chars!!")]
    [InlineData("Debian GNU/Linux 12 (bookworm) with a name longer than two blocks")]
    [InlineData("Grüße, 世界 — ünïcödé")]
    public void Round_trips(string value)
    {
        var blocks = SystemInfoStringCodec.Encode(value, "f");
        Assert.All(blocks, b => Assert.Equal(16, b.Length));
        Assert.Equal(value.All(char.IsAscii) ? 0 : 1, blocks[0][0]);
        Assert.Equal(Encoding.UTF8.GetByteCount(value), blocks[0][1]);
        Assert.Equal(value, SystemInfoStringCodec.Decode(blocks));
    }

    [Fact]
    public void Length_is_limited_to_255_encoded_bytes()
    {
        Assert.Equal(17, SystemInfoStringCodec.Encode(new string('a', 255), "f").Length);
        var ex = Assert.Throws<IpmiInvalidArgumentException>(() => SystemInfoStringCodec.Encode(new string('a', 256), nameof(SystemInfoParameter.SystemName)));
        Assert.Equal(nameof(SystemInfoParameter.SystemName), ex.Field);
        // 128 two-byte characters are 256 bytes.
        Assert.Throws<IpmiInvalidArgumentException>(() => SystemInfoStringCodec.Encode(new string('ü', 128), "f"));
    }

    [Fact]
    public void Decode_tolerates_ipmitools_length_of_62_for_shorter_strings()
    {
        // ipmitool 1.8.19 `mc setsysinfo os_name <50 chars>` stores length 62 and NUL padding.
        var text = new string('k', 50);
        var bytes = Encoding.ASCII.GetBytes(text);
        var padded = new byte[62];
        bytes.CopyTo(padded, 0);
        byte[] first = [0x00, 62, .. padded[..14]];
        var blocks = new List<byte[]> { first };
        for (var offset = 14; offset < 62; offset += 16)
        {
            blocks.Add(padded[offset..Math.Min(offset + 16, 62)].Concat(new byte[16]).Take(16).ToArray());
        }

        Assert.Equal(text, SystemInfoStringCodec.Decode(blocks));
    }

    [Fact]
    public void Decode_stops_at_the_data_available_when_the_length_overstates_it()
    {
        Assert.Equal("abc", SystemInfoStringCodec.Decode([[0x00, 200, 0x61, 0x62, 0x63]]));
    }

    [Fact]
    public void Decodes_ucs2_and_latin1()
    {
        byte[] ucs2 = [0x02, 6, 0x48, 0x00, 0x69, 0x00, 0x1F, 0x4E, 0, 0, 0, 0, 0, 0, 0, 0];
        Assert.Equal("Hi丟", SystemInfoStringCodec.Decode([ucs2]));
        Assert.Equal("café", SystemInfoStringCodec.Decode([[0x00, 4, 0x63, 0x61, 0x66, 0xE9]]));
        // UTF-8 bytes stored under encoding 0 (what ipmitool does with non-ASCII input) read back as UTF-8.
        Assert.Equal("café", SystemInfoStringCodec.Decode([[0x00, 5, 0x63, 0x61, 0x66, 0xC3, 0xA9]]));
    }

    [Fact]
    public void Unknown_encoding_is_a_decode_error()
    {
        Assert.Throws<IpmiDecodeException>(() => SystemInfoStringCodec.Decode([[0x03, 1, 0x41]]));
        Assert.Throws<IpmiDecodeException>(() => SystemInfoStringCodec.Decode([[0x00]]));
    }
}
