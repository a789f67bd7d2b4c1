using IpmiRpc.Core.Fru;

namespace IpmiRpc.Core.Tests.Fru;

public class FruReaderTests
{
    /// <summary>A FRU device that refuses reads over <paramref name="limit"/> bytes with <paramref name="refusal"/>.</summary>
    private static (IpmiSend Send, List<IpmiRequest> Log) Device(byte[] image, int limit, byte refusal)
    {
        var log = new List<IpmiRequest>();
        IpmiSend send = (r, _) =>
        {
            log.Add(r);
            var d = r.Data.Span;
            return Task.FromResult(r.Command switch
            {
                0x10 => new IpmiResponse(0, new byte[] { (byte)image.Length, (byte)(image.Length >> 8), 0 }),
                0x11 when d[3] > limit => new IpmiResponse(refusal, ReadOnlyMemory<byte>.Empty),
                0x11 => new IpmiResponse(0, new[] { (byte)Math.Min(d[3], image.Length - (d[1] | (d[2] << 8))) }
                    .Concat(image.Skip(d[1] | (d[2] << 8)).Take(d[3])).ToArray()),
                _ => new IpmiResponse(0xC1, ReadOnlyMemory<byte>.Empty),
            });
        };
        return (send, log);
    }

    [Theory]
    [InlineData(0xC7)]
    [InlineData(0xC8)]
    [InlineData(0xCA)]
    public async Task Too_large_chunks_are_halved_and_the_size_that_worked_is_remembered_for_the_BMC(byte refusal)
    {
        var (send, log) = Device(FruFixture.Image, limit: 32, refusal);
        var sizes = new FruChunkSizes();

        var first = await new FruReader(send, sizes, "bmc-a").ReadAsync(0, null, CancellationToken.None);
        var firstReads = first.Reads;
        log.Clear();
        var second = await new FruReader(send, sizes, "bmc-a").ReadAsync(0, null, CancellationToken.None);

        Assert.Equal(FruFixture.Image, first.Inventory.Raw);
        Assert.Empty(first.Inventory.Problems);
        Assert.Equal(28, first.ChunkSize);                       // 224 → 112 → 56 → 28
        Assert.Equal(28, sizes.Get("bmc-a"));
        Assert.Equal(FruChunkSizes.Initial, sizes.Get("bmc-b"));
        Assert.Equal(firstReads - 3, second.Reads);              // no refused reads the second time
        Assert.DoesNotContain(log, r => r.Command == 0x11 && r.Data.Span[3] > 32);
    }

    [Fact]
    public void The_store_is_bounded()
    {
        var sizes = new FruChunkSizes(capacity: 2);
        sizes.Remember("a", 16);
        sizes.Remember("b", 16);
        sizes.Remember("c", 16);
        Assert.True(sizes.Count <= 2);
        Assert.Equal(16, sizes.Get("c"));
    }
}
