using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Core.Tests.Commands.App;

public sealed class GetChannelCipherSuitesTests
{
    // ipmi_sim 2.0.33's answers to list indexes 0..4 (captured session-less over UDP); index 4 is short = last.
    private static readonly string[] SimChunks =
    [
        "01c000004080c001014080c002014180c0",
        "0103014181c004014182c005014183c006",
        "01024080c007024280c008024281c00902",
        "014282c00a024283c00b024380c00c0243",
        "0181c00d024382c00e024383",
    ];

    [Fact]
    public void Request_lists_by_cipher_suite()
    {
        var request = new GetChannelCipherSuites(3).ToRequest();
        Assert.Equal((0x06, 0x54), (request.NetFn, request.Command));
        Assert.Equal(new byte[] { 0x0E, 0x00, 0x83 }, request.Data.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GetChannelCipherSuites(0x40).RequestData);
    }

    [Fact]
    public void Parses_ipmi_sims_whole_list()
    {
        var records = new List<byte>();
        foreach (var chunk in SimChunks)
        {
            var response = new GetChannelCipherSuites(0).Decode(Convert.FromHexString(chunk));
            Assert.Equal(1, response.Channel);
            records.AddRange(response.RecordData);
            Assert.Equal(chunk == SimChunks[^1], response.IsLastChunk);
        }

        var suites = GetChannelCipherSuites.ParseRecords(records.ToArray());
        Assert.Equal(Enumerable.Range(0, 15), suites.Select(s => s.Id));
        var three = suites.Single(s => s.Id == 3);
        Assert.Equal((byte)1, three.Authentication);
        Assert.Equal(new byte[] { 1 }, three.Integrity);
        Assert.Equal(new byte[] { 1 }, three.Confidentiality);
        var zero = suites.Single(s => s.Id == 0);
        Assert.Equal((byte)0, zero.Authentication);
        Assert.Equal(new byte[] { 0 }, zero.Integrity);
        Assert.DoesNotContain(suites, s => s.Id == 17);
    }

    [Fact]
    public void Parses_oem_records_and_suite_17()
    {
        var suites = GetChannelCipherSuites.ParseRecords(Convert.FromHexString("c0110344" + "81" + "c1ff570100014080"));
        Assert.Equal(17, suites[0].Id);
        Assert.Equal((byte)3, suites[0].Authentication);
        Assert.Equal(new byte[] { 4 }, suites[0].Integrity);
        Assert.Equal(0xFF, suites[1].Id);
        Assert.Equal(0x000157, suites[1].OemIana);
    }

    [Theory]
    [InlineData("c0")]
    [InlineData("c1ff5701")]
    [InlineData("01")]
    public void Malformed_records_throw_decode_exception(string hex) =>
        Assert.Throws<IpmiDecodeException>(() => GetChannelCipherSuites.ParseRecords(Convert.FromHexString(hex)).ToList().ForEach(_ => { }));

    [Fact]
    public void Empty_answer_and_oversized_answer()
    {
        Assert.Throws<IpmiDecodeException>(() => new GetChannelCipherSuites(0).Decode([]));
        Assert.Throws<IpmiDecodeException>(() => new GetChannelCipherSuites(0).Decode(new byte[18]));
        Assert.True(new GetChannelCipherSuites(0).Decode([0x01]).IsLastChunk);
        Assert.Empty(GetChannelCipherSuites.ParseRecords([]));
    }
}
