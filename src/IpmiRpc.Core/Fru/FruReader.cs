using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Fru;

/// <summary>One FRU device read: the decoded inventory, the area info, and how the read went.</summary>
/// <param name="ChunkSize">The chunk size (bytes) that worked and is remembered for this BMC.</param>
/// <param name="Reads">Read FRU Data commands sent, including the ones that failed and were retried smaller.</param>
public sealed record FruReadResult(byte DeviceId, FruInventoryAreaInfo AreaInfo, FruInventory Inventory, int ChunkSize, int Reads);

/// <summary>
/// Reads a FRU device's whole inventory area in chunks and decodes it. A chunk the BMC refuses as too large (C7h, C8h,
/// CAh) is retried at half the size down to <see cref="FruChunkSizes.Minimum"/>; the size that worked is remembered per
/// BMC in <see cref="FruChunkSizes"/>. FRU device busy (81h) is retried a few times.
/// </summary>
public sealed class FruReader(IpmiSend send, FruChunkSizes chunkSizes, string bmcKey, TimeProvider? timeProvider = null)
{
    private const int MaxBusyRetries = 5;
    private static readonly TimeSpan BusyDelay = TimeSpan.FromMilliseconds(100);
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public async Task<FruReadResult> ReadAsync(byte deviceId, FruDecodeOptions? options, CancellationToken ct)
    {
        var info = await send.ExecuteAsync(new GetFruInventoryAreaInfo(deviceId), ct).ConfigureAwait(false);
        var unit = info.AccessByWords ? 2 : 1;
        var image = new byte[info.SizeBytes];
        var chunk = chunkSizes.Get(bmcKey);
        var reads = 0;
        var busy = 0;
        var offset = 0;
        while (offset < image.Length)
        {
            var want = Math.Min(chunk, image.Length - offset) / unit * unit;
            if (want == 0)
                want = unit;
            byte[] data;
            try
            {
                reads++;
                data = await send.ExecuteAsync(new ReadFruData(deviceId, (ushort)(offset / unit), (byte)(want / unit)), ct).ConfigureAwait(false);
            }
            catch (CompletionCodeException e) when (e.CompletionCode is 0xC7 or 0xC8 or 0xCA && chunk > FruChunkSizes.Minimum)
            {
                chunk = Math.Max(FruChunkSizes.Minimum, chunk / 2);
                continue;
            }
            catch (CompletionCodeException e) when (e.CompletionCode == 0x81 && busy < MaxBusyRetries)
            {
                busy++;
                await Task.Delay(BusyDelay, _time, ct).ConfigureAwait(false);
                continue;
            }

            if (data.Length == 0)
                throw new IpmiDecodeException($"Read FRU Data returned no bytes at offset {offset} of device {deviceId}");
            var n = Math.Min(data.Length, image.Length - offset);
            data.AsSpan(0, n).CopyTo(image.AsSpan(offset));
            offset += n;
        }

        chunkSizes.Remember(bmcKey, chunk);
        return new FruReadResult(deviceId, info, FruDecoder.Decode(image, options), chunk, reads);
    }
}
