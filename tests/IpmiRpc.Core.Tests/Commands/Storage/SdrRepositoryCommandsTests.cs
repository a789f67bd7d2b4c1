using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Tests.Commands.Storage;

public class SdrRepositoryCommandsTests
{
    [Fact]
    public void Get_SDR_Repository_Info_decodes_ipmi_sims_answer()
    {
        // ipmitool raw 0x0a 0x20 on the board fixture: SDR 1.5, 25 records, free space FFFEh, addition 0x249, reserve only.
        var full = GetSdrRepositoryInfo.Instance.Decode(Convert.FromHexString("511900FEFF490200000000000002"));

        Assert.Equal((0x51, 0x19, 0xFFFE, 0x249u, 0u), (full.SdrVersion, full.RecordCount, full.FreeSpaceBytes, full.MostRecentAddition, full.MostRecentErase));
        Assert.True(full.ReserveSupported);
        Assert.False(full.DeleteSupported || full.PartialAddSupported || full.AllocationInfoSupported || full.Overflow);
        Assert.Equal(SdrUpdateMode.Unspecified, full.UpdateMode);
        Assert.False(full.TimestampsUnusable);
    }

    [Theory]
    [InlineData(0u, 0u, true)]
    [InlineData(0xFFFF_FFFFu, 0u, true)]
    [InlineData(0xFFFF_FFFFu, 0xFFFF_FFFFu, true)]
    [InlineData(0x249u, 0u, false)]
    [InlineData(0u, 5u, false)]
    public void Timestamps_are_unusable_only_when_both_are_zero_or_unspecified(uint addition, uint erase, bool unusable)
    {
        var info = new SdrRepositoryInfo(0x51, 1, 0, addition, erase, false, SdrUpdateMode.NonModal, false, false, true, false);
        Assert.Equal(unusable, info.TimestampsUnusable);
    }

    [Fact]
    public void Operation_support_bits_decode_by_name()
    {
        var info = GetSdrRepositoryInfo.Instance.Decode([0x51, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0b1110_1111]);
        Assert.True(info.Overflow && info.DeleteSupported && info.PartialAddSupported && info.ReserveSupported && info.AllocationInfoSupported);
        Assert.Equal(SdrUpdateMode.ModalAndNonModal, info.UpdateMode);
    }

    [Fact]
    public void Short_answers_raise_the_decode_exception()
    {
        Assert.Throws<IpmiDecodeException>(() => GetSdrRepositoryInfo.Instance.Decode(new byte[13]));
        Assert.Throws<IpmiDecodeException>(() => ReserveSdrRepository.Instance.Decode(new byte[1]));
        Assert.Throws<IpmiDecodeException>(() => new GetSdr(0, 0, 0, 0xFF).Decode(new byte[1]));
    }

    [Fact]
    public void Get_SDR_request_is_reservation_record_offset_count_little_endian()
    {
        var command = new GetSdr(0x1234, 0xABCD, 5, 16);
        Assert.Equal(new byte[] { 0x34, 0x12, 0xCD, 0xAB, 5, 16 }, command.RequestData.ToArray());
        Assert.Equal((NetFns.Storage, (byte)0x23, "GetSdr"), (command.Info.NetFn, command.Info.Command, command.Info.Name));
        Assert.Equal((NetFns.Storage, (byte)0x22), (ReserveSdrRepository.Instance.Info.NetFn, ReserveSdrRepository.Instance.Info.Command));
        Assert.Equal((NetFns.Storage, (byte)0x20), (GetSdrRepositoryInfo.Instance.Info.NetFn, GetSdrRepositoryInfo.Instance.Info.Command));
    }

    [Fact]
    public void Get_SDR_answer_is_next_record_id_then_the_bytes()
    {
        var response = new GetSdr(0, 1, 0, 5).Decode([0x02, 0x00, 0x01, 0x00, 0x51, 0x12, 0x14]);
        Assert.Equal(2, response.NextRecordId);
        Assert.Equal(new byte[] { 0x01, 0x00, 0x51, 0x12, 0x14 }, response.Data);
        Assert.Equal(0x0403, ReserveSdrRepository.Instance.Decode([0x03, 0x04]));
    }
}
