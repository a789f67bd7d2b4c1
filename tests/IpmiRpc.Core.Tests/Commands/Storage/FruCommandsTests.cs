using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Tests.Commands.Storage;

public class FruCommandsTests
{
    [Fact]
    public void Inventory_area_info_and_read_requests_follow_the_spec()
    {
        var info = new GetFruInventoryAreaInfo(0).Decode([0x00, 0x01, 0x00]);
        Assert.Equal(256, info.SizeBytes);
        Assert.False(info.AccessByWords);
        Assert.True(new GetFruInventoryAreaInfo(0).Decode([0x00, 0x01, 0x01]).AccessByWords);
        Assert.Equal(new byte[] { 0x05 }, new GetFruInventoryAreaInfo(5).RequestData.ToArray());
        Assert.Equal(new byte[] { 0x00, 0x34, 0x12, 0x20 }, new ReadFruData(0, 0x1234, 0x20).RequestData.ToArray());
        Assert.Equal(new byte[] { 0xAA, 0xBB }, new ReadFruData(0, 0, 2).Decode([0x02, 0xAA, 0xBB]));
        Assert.Throws<IpmiDecodeException>(() => new ReadFruData(0, 0, 2).Decode([]));
    }
}
