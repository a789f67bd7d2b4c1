using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Get Device ID (App 01h). IPMI v2.0 §20.1.</summary>
public sealed record GetDeviceId : IIpmiCommand<GetDeviceIdResponse>
{
    /// <summary>Bytes up to and including the product ID; the auxiliary firmware revision (4 bytes) is optional.</summary>
    public const int MinimumLength = 11;

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetDeviceId));

    // What a BMC answers the same way poll after poll, made once per value instead of once per answer: the version
    // strings (IPMI version by its byte; firmware by major, a row of minor bytes made when a major is first seen) and
    // the support bits. Races only make a value twice; every copy is equal.
    private static readonly string?[] IpmiVersions = new string?[256];
    private static readonly string?[]?[] FirmwareVersions = new string?[]?[128];
    private static readonly DeviceSupport?[] Supports = new DeviceSupport?[256];

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => ReadOnlyMemory<byte>.Empty;

    public GetDeviceIdResponse Decode(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, MinimumLength, "Get Device ID response");

        var firmwareMajor = data[2] & 0b0111_1111;
        var firmwareMinorRaw = data[3];
        var support = data[5];
        int[]? auxiliary = null;
        if (data.Length >= 15)
        {
            auxiliary = [data[11], data[12], data[13], data[14]];
        }

        return new GetDeviceIdResponse(
            DeviceId: data[0],
            DeviceRevision: data[1] & 0b0000_1111,
            ProvidesDeviceSdrs: (data[1] & 0b1000_0000) != 0,
            // Bit 7 set: firmware/SDR update or self-initialization in progress.
            DeviceAvailable: (data[2] & 0b1000_0000) == 0,
            FirmwareMajor: firmwareMajor,
            FirmwareMinor: Bcd.TryDecode(firmwareMinorRaw, out var minor) ? minor : firmwareMinorRaw,
            // As ipmitool prints it: the minor revision byte's BCD digits ("9.08").
            FirmwareVersion: FirmwareVersion(firmwareMajor, firmwareMinorRaw),
            IpmiVersion: IpmiVersions[data[4]] ??= $"{data[4] & 0x0F}.{data[4] >> 4}",
            Support: Supports[support] ??= SupportOf(support),
            // 20-bit IANA enterprise number, least significant byte first; bits 23:20 are reserved.
            ManufacturerId: (data[6] | (data[7] << 8) | (data[8] << 16)) & 0x0F_FFFF,
            ProductId: BinaryPrimitives.ReadUInt16LittleEndian(data[9..11]),
            AuxiliaryFirmwareInfo: auxiliary);
    }

    private static string FirmwareVersion(int major, byte minorRaw)
    {
        var row = FirmwareVersions[major] ??= new string?[256];
        return row[minorRaw] ??= $"{major}.{minorRaw:x2}";
    }

    private static DeviceSupport SupportOf(byte support) => new(
        Chassis: (support & 0b1000_0000) != 0,
        Bridge: (support & 0b0100_0000) != 0,
        IpmbEventGenerator: (support & 0b0010_0000) != 0,
        IpmbEventReceiver: (support & 0b0001_0000) != 0,
        FruInventory: (support & 0b0000_1000) != 0,
        Sel: (support & 0b0000_0100) != 0,
        SdrRepository: (support & 0b0000_0010) != 0,
        Sensor: (support & 0b0000_0001) != 0);
}

/// <summary>The "Additional Device Support" bits of Get Device ID.</summary>
public sealed record DeviceSupport(
    bool Chassis,
    bool Bridge,
    bool IpmbEventGenerator,
    bool IpmbEventReceiver,
    bool FruInventory,
    bool Sel,
    bool SdrRepository,
    bool Sensor);

/// <summary>Decoded Get Device ID response.</summary>
/// <param name="FirmwareMinor">The minor revision as a number (BCD decoded; the raw byte if it is not valid BCD).</param>
/// <param name="FirmwareVersion">Major.minor as ipmitool shows it, e.g. <c>9.08</c>.</param>
/// <param name="IpmiVersion">The IPMI specification version, e.g. <c>2.0</c>.</param>
/// <param name="AuxiliaryFirmwareInfo">The optional 4 bytes of auxiliary firmware revision information, or null.</param>
public sealed record GetDeviceIdResponse(
    int DeviceId,
    int DeviceRevision,
    bool ProvidesDeviceSdrs,
    bool DeviceAvailable,
    int FirmwareMajor,
    int FirmwareMinor,
    string FirmwareVersion,
    string IpmiVersion,
    DeviceSupport Support,
    int ManufacturerId,
    int ProductId,
    int[]? AuxiliaryFirmwareInfo)
{
    /// <summary>True while the device is updating firmware/SDRs or self-initializing (the inverse of <see cref="DeviceAvailable"/>).</summary>
    public bool UpdateInProgress => !DeviceAvailable;
}
