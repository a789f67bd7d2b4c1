using IpmiRpc.Core.Sdr;

namespace IpmiRpc.Core.Tests.Sdr;

public class IdStringTests
{
    [Theory]
    // 8-bit ASCII/Latin-1 (11b), NUL padding dropped.
    [InlineData("C8435055205465 6D70", "CPU Temp", IdStringEncoding.Latin1)]
    [InlineData("C4414200 00", "AB", IdStringEncoding.Latin1)]
    [InlineData("C2E9 E8", "éè", IdStringEncoding.Latin1)]
    // 6-bit packed ASCII (10b): "P12V" in three bytes, as the spec counts the length.
    [InlineData("83 7024D9", "P12V", IdStringEncoding.SixBitAscii)]
    // sdrcomp stores the character count (4) instead of the byte count (3): read what is there.
    [InlineData("84 F0644F", "P3V3", IdStringEncoding.SixBitAscii)]
    // BCD plus (01b): digits, space, dash, dot.
    [InlineData("42 12AB", "12 -", IdStringEncoding.BcdPlus)]
    [InlineData("43 0CD0EF", "0.:0,_", IdStringEncoding.BcdPlus)]
    // Unicode (00b) as UTF-16LE.
    [InlineData("04 41004200", "AB", IdStringEncoding.Unicode)]
    [InlineData("C0", "", IdStringEncoding.Latin1)]
    public void Decodes_each_type_length_encoding(string hex, string text, IdStringEncoding encoding)
    {
        var decoded = IdString.Decode(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));
        Assert.Equal(text, decoded.Text);
        Assert.Equal(encoding, decoded.Encoding);
    }

    [Fact]
    public void A_length_past_the_record_is_cut_to_the_bytes_present()
    {
        Assert.Equal("AB", IdString.Decode([0xDF, 0x41, 0x42]).Text);
        Assert.Equal("", IdString.Decode([]).Text);
    }
}
