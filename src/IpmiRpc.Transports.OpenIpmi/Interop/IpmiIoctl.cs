using System.Runtime.InteropServices;

namespace IpmiRpc.Transports.OpenIpmi.Interop;

/// <summary>
/// The OpenIPMI character device ABI from &lt;linux/ipmi.h&gt; for LP64 Linux (x86-64, arm64). Layouts are explicit so
/// a test can hold them against the kernel header (sizeof ipmi_req = 40, ipmi_recv = 48).
/// </summary>
internal static class IpmiIoctl
{
    /// <summary>_IOR('i', 13, struct ipmi_req).</summary>
    public const uint SendCommand = 0x8028690D;

    /// <summary>_IOWR('i', 11, struct ipmi_recv): delivers a too-long reply cut to the buffer instead of keeping it queued.</summary>
    public const uint ReceiveMessageTrunc = 0xC030690B;

    /// <summary>_IOR('i', 18, unsigned int): harmless probe that the fd is an IPMI device at all.</summary>
    public const uint GetMyAddress = 0x80046912;

    public const int SystemInterfaceAddrType = 0x0c;
    public const int IpmbAddrType = 0x01;

    /// <summary>IPMI_BMC_CHANNEL: the channel number the kernel uses for the local system interface.</summary>
    public const short BmcChannel = 0x0f;

    /// <summary>IPMI_MAX_ADDR_SIZE.</summary>
    public const int MaxAddressSize = 32;

    /// <summary>IPMI_MAX_MSG_LENGTH is 272; a larger buffer never truncates.</summary>
    public const int ReceiveBufferSize = 1024;

    public const int ResponseRecvType = 1;
}

/// <summary>struct ipmi_msg.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct IpmiMsg
{
    [FieldOffset(0)] public byte NetFn;
    [FieldOffset(1)] public byte Cmd;
    [FieldOffset(2)] public ushort DataLen;
    [FieldOffset(8)] public nint Data;
}

/// <summary>struct ipmi_req.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal struct IpmiReq
{
    [FieldOffset(0)] public nint Addr;
    [FieldOffset(8)] public uint AddrLen;
    [FieldOffset(16)] public long MsgId;
    [FieldOffset(24)] public IpmiMsg Msg;
}

/// <summary>struct ipmi_recv.</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct IpmiRecv
{
    [FieldOffset(0)] public int RecvType;
    [FieldOffset(8)] public nint Addr;
    [FieldOffset(16)] public uint AddrLen;
    [FieldOffset(24)] public long MsgId;
    [FieldOffset(32)] public IpmiMsg Msg;
}

/// <summary>struct ipmi_system_interface_addr.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct IpmiSystemInterfaceAddr
{
    [FieldOffset(0)] public int AddrType;
    [FieldOffset(4)] public short Channel;
    [FieldOffset(6)] public byte Lun;
}

/// <summary>struct ipmi_ipmb_addr.</summary>
[StructLayout(LayoutKind.Explicit, Size = 8)]
internal struct IpmiIpmbAddr
{
    [FieldOffset(0)] public int AddrType;
    [FieldOffset(4)] public short Channel;
    [FieldOffset(6)] public byte SlaveAddr;
    [FieldOffset(7)] public byte Lun;
}
