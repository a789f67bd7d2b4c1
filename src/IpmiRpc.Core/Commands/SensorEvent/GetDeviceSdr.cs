using IpmiRpc.Core.Commands.Storage;

namespace IpmiRpc.Core.Commands.SensorEvent;

/// <summary>
/// Get Device SDR (Sensor/Event 21h). IPMI v2.0 §35.3: the same request and answer as Get SDR (Storage 23h), read
/// from a controller's device SDRs on the addressed LUN.
/// </summary>
public sealed record GetDeviceSdr(ushort ReservationId, ushort RecordId, byte Offset, byte BytesToRead) : IIpmiCommand<GetSdrResponse>
{
    private GetSdr Same => new(ReservationId, RecordId, Offset, BytesToRead);

    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(GetDeviceSdr));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData => Same.RequestData;

    public GetSdrResponse Decode(ReadOnlySpan<byte> data) => Same.Decode(data);
}
