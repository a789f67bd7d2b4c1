namespace IpmiRpc.Core.BootOptions;

/// <summary>
/// Boot info acknowledge, boot option parameter 4 (IPMI v2.0 Table 28-14): one bit per boot initiator (0 BIOS/POST,
/// 1 OS loader, 2 OS/service partition, 3 SMS, 4 OEM). A write changes only the bits set in <see cref="WriteMask"/>;
/// a remote console sets the boot flags and then marks the boot info unacknowledged for the BIOS.
/// </summary>
/// <param name="WriteMask">Data 1: which initiator bits a write changes (reads answer it as the BMC keeps it).</param>
/// <param name="Acknowledge">Data 2: the initiator bits.</param>
public sealed record BootInfoAcknowledge(byte WriteMask, byte Acknowledge)
{
    public static BootInfoAcknowledge Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 2, "Boot option parameter 4 (boot info acknowledge)");
        return new BootInfoAcknowledge(data[0], data[1]);
    }

    public static byte[] Encode(BootInfoAcknowledge value) => [value.WriteMask, value.Acknowledge];
}
