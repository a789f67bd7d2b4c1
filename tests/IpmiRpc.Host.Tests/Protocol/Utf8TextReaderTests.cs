using System.Text;
using CsCheck;
using IpmiRpc.Host.Protocol;

namespace IpmiRpc.Host.Tests.Protocol;

/// <summary>Requests are decoded from their bytes straight into the JSON reader's buffer, in whatever sizes it asks.</summary>
public sealed class Utf8TextReaderTests
{
    private static string ReadAll(byte[] bytes, int start, Func<int> chunk)
    {
        var reader = new Utf8TextReader(bytes, start);
        var text = new StringBuilder();
        var buffer = new char[64];
        for (var reads = 0; reads < 100_000; reads++)
        {
            var n = reader.Read(buffer, 0, chunk());
            if (n == 0)
            {
                return text.ToString();
            }

            text.Append(buffer, 0, n);
        }

        throw new InvalidOperationException("the reader never reached the end");
    }

    [Fact]
    public void Text_reads_back_whole_in_any_chunk_sizes_even_one_char_at_a_time_across_surrogate_pairs()
    {
        Gen.Select(Gen.String, Gen.Int[1, 64].Array[1, 8]).Sample((text, sizes) =>
        {
            // Well-formed text only: requests are checked to be valid UTF-8 before they are read.
            var valid = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
            var bytes = Encoding.UTF8.GetBytes("\uFEFF" + valid);
            var next = 0;
            Assert.Equal(valid, ReadAll(bytes, 3, () => sizes[next++ % sizes.Length]));
        }, iter: 500);
    }

    [Fact]
    public void A_pair_split_over_two_reads_of_one_char_each_comes_out_as_its_two_halves()
    {
        Assert.Equal("a😀b", ReadAll(Encoding.UTF8.GetBytes("a😀b"), 0, () => 1));
    }
}
