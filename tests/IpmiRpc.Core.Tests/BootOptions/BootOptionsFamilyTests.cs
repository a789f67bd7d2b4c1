using IpmiRpc.Core.BootOptions;
using IpmiRpc.Core.Configuration;

namespace IpmiRpc.Core.Tests.BootOptions;

public class BootOptionsFamilyTests
{
    private readonly List<IpmiRequest> _log = [];
    private readonly Dictionary<byte, byte[]> _stored = new() { [5] = [0x00, 0x00, 0x00, 0x00, 0x00] };

    // A BMC holding boot options 0, 4 and 5 (Get answers version 01h, selector, data); anything else is 80h.
    private Task<IpmiResponse> Send(IpmiRequest request, CancellationToken ct)
    {
        _log.Add(request);
        var d = request.Data.Span;
        if (request.Command == 0x09)
        {
            return Task.FromResult(_stored.TryGetValue(d[0], out var data)
                ? new IpmiResponse(0, (byte[])[0x01, d[0], .. data])
                : new IpmiResponse(0x80, ReadOnlyMemory<byte>.Empty));
        }

        if (d[0] is 0 or 4 or 5)
        {
            _stored[d[0]] = d[1..].ToArray();
            return Task.FromResult(new IpmiResponse(0, ReadOnlyMemory<byte>.Empty));
        }

        return Task.FromResult(new IpmiResponse(0x80, ReadOnlyMemory<byte>.Empty));
    }

    [Fact]
    public async Task Setting_the_next_boot_device_writes_ipmitools_parameters_inside_set_in_progress()
    {
        // ipmitool chassis bootdev pxe: param 0 = 1, param 4 = 01 01 (BIOS has not handled the boot info), param 5 =
        // 80 04 00 00 00, param 0 = 0. This protocol also asks for commit (2), which the spec makes optional.
        var writes = new[]
        {
            BootOptionsFamily.BootInfoAcknowledge.Write(new BootInfoAcknowledge(0x01, 0x01)),
            BootOptionsFamily.BootFlags.Write(new BootFlags(Valid: true, Persistent: false, Efi: false, BootDevice.Pxe)),
        };

        await BootOptionsFamily.Family.WriteAsync(Send, writes, CancellationToken.None);

        Assert.All(_log, r => Assert.Equal((0x00, 0x08), (r.NetFn, r.Command)));
        Assert.Equal(["0001", "040101", "058004000000", "0002", "0000"], _log.Select(r => Convert.ToHexString(r.Data.Span)));
    }

    [Fact]
    public async Task Reads_decode_through_the_descriptors_and_refused_parameters_are_absent()
    {
        _stored[5] = [0xE0, 0x18, 0x00, 0x00, 0x00];

        var values = await BootOptionsFamily.Family.ReadAllAsync(Send, [BootOptionsFamily.BootFlags, BootOptionsFamily.SetInProgress], CancellationToken.None);

        Assert.Equal(new BootFlags(true, true, true, BootDevice.BiosSetup), values.Get(BootOptionsFamily.BootFlags));
        Assert.Null(values.GetValue(BootOptionsFamily.SetInProgress));
        Assert.Equal(["050000", "000000"], _log.Select(r => Convert.ToHexString(r.Data.Span)));
    }

    [Fact]
    public void Read_only_descriptors_cannot_be_written() =>
        Assert.Throws<InvalidOperationException>(() => BootOptionsFamily.SetInProgress.Write(SetInProgressState.Complete));
}
