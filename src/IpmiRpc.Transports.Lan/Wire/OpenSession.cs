using System.Buffers.Binary;
using IpmiRpc.Core;

namespace IpmiRpc.Transports.Lan.Wire;

/// <summary>RMCP+ Open Session Request (IPMI v2.0 §13.17, Table 13-9), payload type 10h.</summary>
internal readonly record struct OpenSessionRequest(
    byte Tag, byte RequestedMaxPrivilege, uint ConsoleSessionId, byte AuthenticationAlgorithm, byte IntegrityAlgorithm, byte ConfidentialityAlgorithm)
{
    public const int Length = 32;

    public int Encode(Span<byte> destination)
    {
        destination[..Length].Clear();
        destination[0] = Tag;
        destination[1] = RequestedMaxPrivilege;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], ConsoleSessionId);
        WriteAlgorithmPayload(destination[8..], 0x00, AuthenticationAlgorithm);
        WriteAlgorithmPayload(destination[16..], 0x01, IntegrityAlgorithm);
        WriteAlgorithmPayload(destination[24..], 0x02, ConfidentialityAlgorithm);
        return Length;
    }

    public static OpenSessionRequest Decode(ReadOnlySpan<byte> payload)
    {
        IpmiDecodeException.ThrowIfShorter(payload, Length, "Open Session Request");
        return new OpenSessionRequest(
            payload[0], payload[1], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]),
            ReadAlgorithmPayload(payload[8..], 0x00, "authentication"),
            ReadAlgorithmPayload(payload[16..], 0x01, "integrity"),
            ReadAlgorithmPayload(payload[24..], 0x02, "confidentiality"));
    }

    /// <summary>Algorithm payload (Table 13-17/18/19): type, reserved(2), length 08h, algorithm, reserved(3).</summary>
    internal static void WriteAlgorithmPayload(Span<byte> destination, byte type, byte algorithm)
    {
        destination[..8].Clear();
        destination[0] = type;
        destination[3] = 0x08;
        destination[4] = (byte)(algorithm & 0x3F);
    }

    internal static byte ReadAlgorithmPayload(ReadOnlySpan<byte> source, byte type, string what)
    {
        if (source[0] != type || source[3] != 0x08)
        {
            throw new IpmiDecodeException($"Open Session {what} payload: type 0x{source[0]:X2} length 0x{source[3]:X2}, expected 0x{type:X2} and 0x08");
        }

        return (byte)(source[4] & 0x3F);
    }
}

/// <summary>
/// RMCP+ Open Session Response (Table 13-10), payload type 11h. On a non-zero status a BMC may stop after the
/// console session id (8 bytes), so only those are required then.
/// </summary>
internal readonly record struct OpenSessionResponse(
    byte Tag, byte Status, byte MaxPrivilege, uint ConsoleSessionId, uint BmcSessionId,
    byte AuthenticationAlgorithm, byte IntegrityAlgorithm, byte ConfidentialityAlgorithm)
{
    public const int Length = 36;
    public const int ErrorLength = 8;

    public int Encode(Span<byte> destination)
    {
        destination[..Length].Clear();
        destination[0] = Tag;
        destination[1] = Status;
        destination[2] = MaxPrivilege;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], ConsoleSessionId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], BmcSessionId);
        OpenSessionRequest.WriteAlgorithmPayload(destination[12..], 0x00, AuthenticationAlgorithm);
        OpenSessionRequest.WriteAlgorithmPayload(destination[20..], 0x01, IntegrityAlgorithm);
        OpenSessionRequest.WriteAlgorithmPayload(destination[28..], 0x02, ConfidentialityAlgorithm);
        return Length;
    }

    public static OpenSessionResponse Decode(ReadOnlySpan<byte> payload)
    {
        IpmiDecodeException.ThrowIfShorter(payload, 2, "Open Session Response");
        if (payload[1] != 0)
        {
            IpmiDecodeException.ThrowIfShorter(payload, ErrorLength, "Open Session Response (error)");
            return new OpenSessionResponse(payload[0], payload[1], payload[2], BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), 0, 0, 0, 0);
        }

        IpmiDecodeException.ThrowIfShorter(payload, Length, "Open Session Response");
        return new OpenSessionResponse(
            payload[0], payload[1], payload[2],
            BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]),
            OpenSessionRequest.ReadAlgorithmPayload(payload[12..], 0x00, "authentication"),
            OpenSessionRequest.ReadAlgorithmPayload(payload[20..], 0x01, "integrity"),
            OpenSessionRequest.ReadAlgorithmPayload(payload[28..], 0x02, "confidentiality"));
    }
}
