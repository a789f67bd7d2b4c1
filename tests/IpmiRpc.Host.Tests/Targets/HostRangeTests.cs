using System.Globalization;
using CsCheck;
using IpmiRpc.Host.Targets;

namespace IpmiRpc.Host.Tests.Targets;

public sealed class HostRangeTests
{
    [Theory]
    [InlineData("bmc[1-3]", "bmc1 bmc2 bmc3")]
    [InlineData("bmc[08-10]", "bmc08 bmc09 bmc10")]
    [InlineData("bmc[001-002]x", "bmc001x bmc002x")]
    [InlineData("10.1.[0-1].[1-2]", "10.1.0.1 10.1.0.2 10.1.1.1 10.1.1.2")]
    [InlineData("node[1,3,5-6]", "node1 node3 node5 node6")]
    [InlineData("127.0.0.1:[9001-9002],mgmt", "127.0.0.1:9001 127.0.0.1:9002 mgmt")]
    [InlineData("plain", "plain")]
    public void Expands_as_pdsh_does(string range, string expected) =>
        Assert.Equal(expected.Split(' '), HostRange.Expand(range));

    [Theory]
    [InlineData("")]
    [InlineData("bmc[")]
    [InlineData("bmc]")]
    [InlineData("bmc[[1]]")]
    [InlineData("bmc[]")]
    [InlineData("bmc[3-1]")]
    [InlineData("bmc[a-b]")]
    [InlineData("bmc[1-]")]
    [InlineData("a,,b")]
    [InlineData("bmc [1-2]")]
    [InlineData("bmc[1-9999999999]")]
    public void Refuses_what_is_not_a_range(string range) =>
        Assert.Throws<FormatException>(() => HostRange.Expand(range));

    [Fact]
    public void A_range_past_the_limit_is_refused_before_anything_is_built() =>
        // 10^9 × 10^9 hosts would never fit in memory: the count is checked first.
        Assert.Throws<FormatException>(() => HostRange.Expand("h[0-999999999].[0-999999999]", maxHosts: 100_000));

    /// <summary>Brackets of number lists and ranges: the expansion is the product, in order, each number padded as written.</summary>
    [Fact]
    public void Expansion_is_the_ordered_product_of_the_brackets()
    {
        var item = Gen.Select(Gen.Int[0, 50], Gen.Int[0, 5], Gen.Int[0, 3]).Select((low, span, pad) => (Low: low, High: low + span, Pad: pad));
        var bracket = item.Array[1, 3];
        var prefix = Gen.String[Gen.Char["abcxyz.-"], 0, 3];
        Gen.Select(prefix, bracket.Array[1, 3]).Sample((text, brackets) =>
        {
            var expression = text + string.Concat(brackets.Select(b => "[" + string.Join(",", b.Select(Item)) + "]x"));
            IEnumerable<string> expected = [text];
            foreach (var b in brackets)
            {
                var numbers = b.SelectMany(r => Enumerable.Range(r.Low, r.High - r.Low + 1).Select(n => Pad(n, r))).ToArray();
                expected = expected.SelectMany(head => numbers.Select(n => head + n + "x")).ToArray();
            }

            Assert.Equal(expected, HostRange.Expand(expression));
        });
    }

    [Fact]
    public void Never_throws_anything_but_a_format_error_and_never_exceeds_the_limit() =>
        Gen.String[Gen.Char["ab0129[]-,:."], 0, 24].Sample(text =>
        {
            try
            {
                Assert.InRange(HostRange.Expand(text, maxHosts: 500).Count, 1, 500);
            }
            catch (FormatException)
            {
            }
        });

    private static string Item((int Low, int High, int Pad) r) =>
        r.Low == r.High && r.Pad == 0 ? r.Low.ToString(CultureInfo.InvariantCulture) : Pad(r.Low, r) + "-" + r.High.ToString(CultureInfo.InvariantCulture);

    // A lower bound written with leading zeros pads the whole range to its width (pdsh).
    private static string Pad(int n, (int Low, int High, int Pad) r)
    {
        var lowText = new string('0', r.Pad) + r.Low.ToString(CultureInfo.InvariantCulture);
        var width = lowText.Length > 1 && lowText[0] == '0' ? lowText.Length : 0;
        return n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
    }
}
