using System.Text;
using IpmiRpc.Core.SystemInfo;

namespace IpmiRpc.Core.Tests.SystemInfo;

public class SystemInfoServiceTests
{
    [Fact]
    public async Task Get_reads_every_block_the_length_needs()
    {
        var bmc = new FakeBmc();
        var text = "Debian GNU/Linux 12 (bookworm)"; // 30 bytes: set selectors 0..1
        var bytes = Encoding.ASCII.GetBytes(text);
        bmc.StoreSystemInfo(4, [0x00, (byte)bytes.Length, .. bytes[..14]], bytes[14..30]);
        // A stale third block must not leak in.
        bmc.SystemInfo[(4, 2)] = Encoding.ASCII.GetBytes("STALE-STALE-STAL");

        var values = await SystemInfoService.GetAsync(bmc.Send, [SystemInfoParameter.OperatingSystemName], CancellationToken.None);

        Assert.Equal(text, values[SystemInfoParameter.OperatingSystemName]);
        Assert.Equal([0, 1], bmc.Log.Select(r => (int)r.Data.Span[2]));
    }

    [Fact]
    public async Task Get_defaults_to_all_seven_in_selector_order()
    {
        var bmc = new FakeBmc();
        bmc.SystemInfoUnsupported.Add(7);

        var values = await SystemInfoService.GetAsync(bmc.Send, null, CancellationToken.None);

        Assert.Equal(SystemInfoFamily.Strings, values.Keys);
        Assert.Equal("", values[SystemInfoParameter.SystemName]);
        Assert.Null(values[SystemInfoParameter.HypervisorUrl]);
    }

    [Fact]
    public async Task A_BMC_without_the_command_gives_all_null()
    {
        var bmc = new FakeBmc { SystemInfoSupported = false };

        var values = await SystemInfoService.GetAsync(bmc.Send, null, CancellationToken.None);

        Assert.Equal(7, values.Count);
        Assert.All(values.Values, Assert.Null);
    }

    [Fact]
    public async Task Set_in_progress_is_not_a_string_parameter()
    {
        var bmc = new FakeBmc();
        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() =>
            SystemInfoService.GetAsync(bmc.Send, [SystemInfoParameter.SetInProgress], CancellationToken.None));
        Assert.Equal(nameof(SystemInfoParameter.SetInProgress), ex.Field);
        var setEx = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() =>
            SystemInfoService.SetAsync(bmc.Send, new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.SetInProgress] = "x" }, false, CancellationToken.None));
        Assert.Equal(nameof(SystemInfoParameter.SetInProgress), setEx.Field);
        Assert.Empty(bmc.Log);
    }

    [Fact]
    public async Task Set_writes_multi_block_strings_inside_the_protocol_and_reads_back()
    {
        var bmc = new FakeBmc();
        var value = "Ubuntu 24.04.1 LTS (Noble Numbat) – ünïcödé";

        var result = await SystemInfoService.SetAsync(bmc.Send, new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.OperatingSystemName] = value }, false, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.Equal([SystemInfoParameter.OperatingSystemName], result.ChangedParameters);
        Assert.Equal("", result.Previous[SystemInfoParameter.OperatingSystemName]);
        Assert.Equal(value, result.Current[SystemInfoParameter.OperatingSystemName]);
        var length = Encoding.UTF8.GetByteCount(value);
        var writes = bmc.Writes.Select(w => w.Data.ToArray()).ToList();
        Assert.Equal([0x00, 0x01], writes[0]);
        Assert.Equal(SystemInfoStringCodec.BlockCount(length), writes.Count(w => w[0] == 4));
        Assert.All(writes.Where(w => w[0] == 4), w => Assert.Equal(18, w.Length));
        Assert.Equal([0x04, 0x00, 0x01, (byte)length], writes[1][..4]);
        Assert.Equal([0x00, 0x02], writes[^2]);
        Assert.Equal([0x00, 0x00], writes[^1]);
    }

    [Fact]
    public async Task Set_is_idempotent()
    {
        var bmc = new FakeBmc();
        var values = new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.SystemName] = "node-17", [SystemInfoParameter.BmcUrl] = "https://10.1.2.3/" };
        await SystemInfoService.SetAsync(bmc.Send, values, false, CancellationToken.None);
        bmc.Log.Clear();

        var again = await SystemInfoService.SetAsync(bmc.Send, values, false, CancellationToken.None);

        Assert.False(again.Changed);
        Assert.Empty(again.ChangedParameters);
        Assert.Empty(bmc.Writes);
        Assert.Equal("node-17", again.Previous[SystemInfoParameter.SystemName]);
    }

    [Fact]
    public async Task Dry_run_writes_nothing()
    {
        var bmc = new FakeBmc();

        var result = await SystemInfoService.SetAsync(bmc.Send, new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.SystemName] = "x" }, true, CancellationToken.None);

        Assert.True(result.Changed);
        Assert.True(result.DryRun);
        Assert.Equal("x", result.Current[SystemInfoParameter.SystemName]);
        Assert.Empty(bmc.Writes);
    }

    [Fact]
    public async Task Too_long_is_rejected_before_any_io()
    {
        var bmc = new FakeBmc();
        var ex = await Assert.ThrowsAsync<IpmiInvalidArgumentException>(() =>
            SystemInfoService.SetAsync(bmc.Send, new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.SystemName] = new string('a', 256) }, false, CancellationToken.None));
        Assert.Equal(nameof(SystemInfoParameter.SystemName), ex.Field);
        Assert.Empty(bmc.Log);
    }

    [Fact]
    public async Task Without_set_in_progress_support_values_are_written_directly()
    {
        var bmc = new FakeBmc { SystemInfoSetInProgressSupported = false };

        var result = await SystemInfoService.SetAsync(bmc.Send, new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.SystemName] = "" + "node" }, false, CancellationToken.None);

        Assert.Equal("node", result.Current[SystemInfoParameter.SystemName]);
        Assert.Equal(2, bmc.Writes.Count()); // the refused "set in progress" and the one block
    }

    [Fact]
    public async Task Unsupported_parameter_write_fails_with_the_completion_code_and_rolls_back()
    {
        var bmc = new FakeBmc();
        bmc.SystemInfoUnsupported.Add(6);

        var ex = await Assert.ThrowsAsync<CompletionCodeException>(() =>
            SystemInfoService.SetAsync(bmc.Send, new Dictionary<SystemInfoParameter, string> { [SystemInfoParameter.BmcUrl] = "https://x/" }, false, CancellationToken.None));

        Assert.Equal(0x80, ex.CompletionCode);
        Assert.Equal([0x00, 0x00], bmc.Writes.Last().Data.ToArray());
    }
}
