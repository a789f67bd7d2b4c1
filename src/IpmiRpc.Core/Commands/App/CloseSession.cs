using System.Buffers.Binary;

namespace IpmiRpc.Core.Commands.App;

/// <summary>Close Session (App 3Ch), IPMI v2.0 §22.19. The response carries only the completion code.</summary>
public static class CloseSession
{
    public const byte NetFn = 0x06;
    public const byte Command = 0x3C;

    /// <param name="sessionId">The BMC's (managed system) session id, as the BMC assigned it.</param>
    public static IpmiRequest CreateRequest(uint sessionId) => new(NetFn, Command, Encode(sessionId));

    public static byte[] Encode(uint sessionId)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(data, sessionId);
        return data;
    }

    /// <summary>Reads the session id back from request data (for tests and BMC-side tooling).</summary>
    public static uint DecodeRequest(ReadOnlySpan<byte> data)
    {
        IpmiDecodeException.ThrowIfShorter(data, 4, "Close Session request");
        return BinaryPrimitives.ReadUInt32LittleEndian(data);
    }
}
