using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Close Session (App 3Ch), IPMI v2.0 §22.19. The response carries only the completion code.</summary>
/// <param name="SessionId">The BMC's (managed system) session id, as the BMC assigned it.</param>
public sealed record CloseSession(uint SessionId) : IIpmiCommand<EmptyResponse>
{
    private static readonly CommandInfo Row = CommandCatalogue.Get(nameof(CloseSession));

    public CommandInfo Info => Row;

    public ReadOnlyMemory<byte> RequestData
    {
        get
        {
            var data = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(data, SessionId);
            return data;
        }
    }

    public EmptyResponse Decode(ReadOnlySpan<byte> data) => EmptyResponse.Instance;
}
