using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Tests.Commands.Storage;

public class SelCommandsTests
{
    [Fact]
    public void Get_SEL_Info_decodes_what_ipmi_sim_answered_and_ipmitool_printed()
    {
        // ipmitool sel info: Version 1.5, Entries 4, Free Space 15936 bytes, Last Add S+ 00:07:14 (434 s),
        // Supported Cmds 'Delete' 'Reserve'.
        var info = GetSelInfo.Instance.Decode(Convert.FromHexString("510400403EB2010000000000000A"));

        Assert.Equal("1.5", info.VersionText);
        Assert.Equal(4, info.Entries);
        Assert.Equal(15936, info.FreeSpaceBytes);
        Assert.Equal(434u, info.MostRecentAddition);
        Assert.Equal(0u, info.MostRecentErase);
        Assert.True(info.SupportsDelete);
        Assert.True(info.SupportsReserve);
        Assert.False(info.SupportsPartialAdd);
        Assert.False(info.SupportsAllocationInfo);
        Assert.False(info.Overflow);
        Assert.Throws<IpmiDecodeException>(() => GetSelInfo.Instance.Decode(new byte[13]));
    }

    [Fact]
    public void Request_bytes_follow_the_spec()
    {
        Assert.Equal(Convert.FromHexString("3412CDAB04FF"), new GetSelEntry(0x1234, 0xABCD, 4).RequestData.ToArray());
        Assert.Equal(Convert.FromHexString("3412434C52AA"), new ClearSel(0x1234, ClearSelOperation.InitiateErase).RequestData.ToArray());
        Assert.Equal(Convert.FromHexString("3412434C5200"), new ClearSel(0x1234, ClearSelOperation.GetErasureStatus).RequestData.ToArray());
        Assert.Equal(Convert.FromHexString("00000060"), new SetSelTime(0x60000000).RequestData.ToArray());
        Assert.Equal((0x0A, 0x43), (new GetSelEntry(0, 0).Info.NetFn, new GetSelEntry(0, 0).Info.Command));
        Assert.Equal(0x47, new ClearSel(0, ClearSelOperation.InitiateErase).Info.Command);
    }

    [Fact]
    public void Responses_decode()
    {
        Assert.Equal(0x0201, ReserveSel.Instance.Decode([0x01, 0x02]));
        Assert.Equal(434u, GetSelTime.Instance.Decode([0xB2, 0x01, 0, 0]));
        Assert.Equal(ClearSelProgress.Completed, new ClearSel(1, ClearSelOperation.GetErasureStatus).Decode([0x01]));
        Assert.Equal(ClearSelProgress.InProgress, new ClearSel(1, ClearSelOperation.GetErasureStatus).Decode([0x00]));
        var chunk = new GetSelEntry(0, 0).Decode([0x02, 0x00, 0xAA, 0xBB]);
        Assert.Equal(2, chunk.NextRecordId);
        Assert.Equal(new byte[] { 0xAA, 0xBB }, chunk.Data);
        var alloc = GetSelAllocationInfo.Instance.Decode(Convert.FromHexString("E8031000C8006400 10".Replace(" ", "", StringComparison.Ordinal)));
        Assert.Equal(1000, alloc.PossibleAllocationUnits);
        Assert.Equal(16, alloc.AllocationUnitSizeBytes);
        Assert.Equal(16, alloc.MaximumRecordSizeUnits);
    }

    [Fact]
    public void Set_SEL_Time_refuses_instants_a_timecode_cannot_hold()
    {
        Assert.Equal(0x60000000u, SetSelTime.At(DateTimeOffset.FromUnixTimeSeconds(0x60000000)).Timecode);
        Assert.Throws<IpmiInvalidArgumentException>(() => SetSelTime.At(DateTimeOffset.FromUnixTimeSeconds(100)));
        Assert.Throws<IpmiInvalidArgumentException>(() => SetSelTime.At(new DateTimeOffset(2200, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
