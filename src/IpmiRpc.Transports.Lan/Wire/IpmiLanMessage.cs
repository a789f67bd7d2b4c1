using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;

namespace IpmiRpc.Transports.Lan.Wire;

/// <summary>
/// The IPMI LAN message inside a session payload (IPMI v2.0 §13.8, Table 13-4): rsAddr, netFn/rsLUN, checksum,
/// rqAddr, rqSeq/rqLUN, cmd, data, checksum.
/// </summary>
internal static class IpmiLanMessage
{
    /// <summary>Software id 81h: the remote console's requester address for LAN (IPMI v2.0 §5.5).</summary>
    public const byte ConsoleAddress = 0x81;

    public const int RequestOverhead = 7;

    /// <summary>Send Message's own framing, its channel byte, then the inner IPMB message's framing.</summary>
    public const int BridgedRequestOverhead = RequestOverhead + 1 + RequestOverhead;

    /// <summary>rsAddr(1)+netFn(1)+chk1(1)+rqAddr(1)+rqSeq(1)+cmd(1)+cc(1)+chk2(1).</summary>
    public const int MinResponseLength = 8;

    public static int EncodeRequest(Span<byte> destination, byte rsAddr, byte netFn, byte rsLun, byte rqSeq, byte command, ReadOnlySpan<byte> data) =>
        Encode(destination, rsAddr, netFn, rsLun, ConsoleAddress, rqSeq, command, data);

    /// <summary>
    /// A request for another controller, wrapped in Send Message to the BMC with tracking (IPMI v2.0 §6.13, §22.7):
    /// the inner IPMB message names the BMC (20h) as requester, as pyghmi and FreeIPMI do, so the target answers the
    /// BMC and the BMC routes the answer back to this session. The inner rqSeq equals the outer one: BMCs that send
    /// the answer as a separate message keep it, which is how the answer finds its request.
    /// </summary>
    public static int EncodeBridgedRequest(
        Span<byte> destination, byte channelByte, byte rsAddr, byte netFn, byte rsLun, byte rqSeq, byte command, ReadOnlySpan<byte> data)
    {
        Span<byte> sendMessageData = stackalloc byte[1 + RequestOverhead + data.Length];
        sendMessageData[0] = channelByte;
        var innerLength = Encode(sendMessageData[1..], rsAddr, netFn, rsLun, IpmiRequest.BmcAddress, rqSeq, command, data);
        return Encode(destination, IpmiRequest.BmcAddress, SendMessage.Info.NetFn, 0, ConsoleAddress, rqSeq, SendMessage.Info.Command, sendMessageData[..(1 + innerLength)]);
    }

    private static int Encode(Span<byte> destination, byte rsAddr, byte netFn, byte rsLun, byte rqAddr, byte rqSeq, byte command, ReadOnlySpan<byte> data)
    {
        destination[0] = rsAddr;
        destination[1] = (byte)((netFn << 2) | (rsLun & 0x03));
        destination[2] = Checksum(destination[..2]);
        destination[3] = rqAddr;
        destination[4] = (byte)((rqSeq & 0x3F) << 2);
        destination[5] = command;
        data.CopyTo(destination[6..]);
        var end = 6 + data.Length;
        destination[end] = Checksum(destination[3..end]);
        return end + 1;
    }

    /// <summary>Decodes a response, verifying both checksums (a bad one means a corrupt packet: discard it).</summary>
    public static LanResponse DecodeResponse(ReadOnlySpan<byte> message)
    {
        IpmiDecodeException.ThrowIfShorter(message, MinResponseLength, "IPMI LAN response message");
        if (Checksum(message[..2]) != message[2])
        {
            throw new IpmiDecodeException("IPMI LAN response message: header checksum mismatch");
        }

        if (Checksum(message[3..^1]) != message[^1])
        {
            throw new IpmiDecodeException("IPMI LAN response message: data checksum mismatch");
        }

        return new LanResponse(
            RqAddr: message[0],
            NetFn: (byte)(message[1] >> 2),
            RqLun: (byte)(message[1] & 0x03),
            RsAddr: message[3],
            RqSeq: (byte)(message[4] >> 2),
            RsLun: (byte)(message[4] & 0x03),
            Command: message[5],
            CompletionCode: message[6],
            DataOffset: 7,
            DataLength: message.Length - MinResponseLength);
    }

    /// <summary>Decodes a request as a BMC sees it (tests play BMCs with it). Checksums are verified.</summary>
    internal static LanRequest DecodeRequest(ReadOnlySpan<byte> message)
    {
        IpmiDecodeException.ThrowIfShorter(message, RequestOverhead, "IPMI LAN request message");
        if (Checksum(message[..2]) != message[2] || Checksum(message[3..^1]) != message[^1])
        {
            throw new IpmiDecodeException("IPMI LAN request message: checksum mismatch");
        }

        return new LanRequest(message[0], (byte)(message[1] >> 2), (byte)(message[4] >> 2), message[5], message[6..^1].ToArray());
    }

    /// <summary>Two's complement checksum: the bytes plus the checksum sum to zero mod 256.</summary>
    public static byte Checksum(ReadOnlySpan<byte> bytes)
    {
        var sum = 0;
        foreach (var b in bytes)
        {
            sum += b;
        }

        return (byte)(-sum & 0xFF);
    }
}

/// <summary>A decoded response header; the data lies at <see cref="DataOffset"/> of the message.</summary>
internal readonly record struct LanResponse(
    byte RqAddr, byte NetFn, byte RqLun, byte RsAddr, byte RqSeq, byte RsLun, byte Command, byte CompletionCode, int DataOffset, int DataLength);

/// <summary>A decoded request as a BMC sees it.</summary>
internal sealed record LanRequest(byte RsAddr, byte NetFn, byte RqSeq, byte Command, byte[] Data);
