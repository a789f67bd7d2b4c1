using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using IpmiRpc.Core;
using IpmiRpc.Transports.OpenIpmi.Interop;

namespace IpmiRpc.Transports.OpenIpmi;

/// <summary>/dev/ipmiN through the OpenIPMI ioctls, plus an eventfd to wake the reader thread for shutdown.</summary>
[SupportedOSPlatform("linux")]
internal sealed unsafe class LinuxIpmiDevice : IIpmiDevice
{
    private const string TransportName = "openipmi";
    private readonly FileDescriptorHandle _fd;
    private readonly FileDescriptorHandle _wake;
    private readonly byte* _recvData;
    private readonly byte* _recvAddr;
    private int _disposed;

    private LinuxIpmiDevice(string path, FileDescriptorHandle fd, FileDescriptorHandle wake)
    {
        Path = path;
        _fd = fd;
        _wake = wake;
        _recvData = (byte*)NativeMemory.AllocZeroed(IpmiIoctl.ReceiveBufferSize);
        _recvAddr = (byte*)NativeMemory.AllocZeroed(IpmiIoctl.MaxAddressSize);
    }

    public string Path { get; }

    /// <summary>Opens and probes the device; maps errno to the errors a client can act on.</summary>
    public static LinuxIpmiDevice Open(string path)
    {
        var fd = new FileDescriptorHandle(LibC.Open(path, LibC.O_RDWR | LibC.O_CLOEXEC));
        if (fd.IsInvalid)
        {
            var errno = LibC.LastErrno;
            fd.Dispose();
            throw errno switch
            {
                LibC.EACCES or LibC.EPERM => new IpmiPermissionDeniedException(
                    $"Permission denied opening {path}: run as root or grant access to {path}"),
                LibC.ENOENT or LibC.ENODEV or LibC.ENXIO => OpenIpmiTransport.NoDevice($"{path}: {LibC.Describe(errno)}"),
                _ => new TransportUnavailableException(TransportName, $"Cannot open {path}: {LibC.Describe(errno)}", OpenIpmiTransport.ModuleHint),
            };
        }

        uint address;
        if (LibC.Ioctl(fd, IpmiIoctl.GetMyAddress, &address) != 0)
        {
            var errno = LibC.LastErrno;
            fd.Dispose();
            throw new TransportUnavailableException(
                TransportName,
                $"{path} is not an OpenIPMI device: {LibC.Describe(errno)}",
                "point 'device' at the IPMI character device, e.g. /dev/ipmi0");
        }

        var wake = new FileDescriptorHandle(LibC.EventFd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK));
        if (wake.IsInvalid)
        {
            var errno = LibC.LastErrno;
            fd.Dispose();
            wake.Dispose();
            throw new TransportUnavailableException(TransportName, $"eventfd failed: {LibC.Describe(errno)}", "the system is out of file descriptors");
        }

        return new LinuxIpmiDevice(path, fd, wake);
    }

    public void Send(long msgId, IpmiRequest request)
    {
        OpenIpmiSession.CheckDataLength(request);
        var bridged = request.IsBridged;

        // The kernel copies address and data during the ioctl, so stack memory is enough.
        IpmiSystemInterfaceAddr si = default;
        IpmiIpmbAddr ipmb = default;
        nint addr;
        uint addrLen;
        if (bridged)
        {
            ipmb.AddrType = IpmiIoctl.IpmbAddrType;
            ipmb.Channel = request.Channel ?? 0;
            ipmb.SlaveAddr = request.ResponderAddress;
            ipmb.Lun = (byte)(request.Lun & 0b11);
            addr = (nint)(&ipmb);
            addrLen = (uint)sizeof(IpmiIpmbAddr);
        }
        else
        {
            si.AddrType = IpmiIoctl.SystemInterfaceAddrType;
            si.Channel = IpmiIoctl.BmcChannel;
            si.Lun = (byte)(request.Lun & 0b11);
            addr = (nint)(&si);
            addrLen = (uint)sizeof(IpmiSystemInterfaceAddr);
        }

        var data = request.Data.Span;
        fixed (byte* dataPtr = data)
        {
            var req = new IpmiReq
            {
                Addr = addr,
                AddrLen = addrLen,
                MsgId = msgId,
                Msg = new IpmiMsg { NetFn = request.NetFn, Cmd = request.Command, DataLen = (ushort)data.Length, Data = (nint)dataPtr },
            };
            if (LibC.Ioctl(_fd, IpmiIoctl.SendCommand, &req) == 0)
            {
                return;
            }
        }

        var errno = LibC.LastErrno;
        throw errno switch
        {
            LibC.EBUSY or LibC.EAGAIN => new DeviceBusyException(),
            LibC.EPERM or LibC.EACCES => new IpmiPermissionDeniedException($"{Path} refused the request: {LibC.Describe(errno)}"),
            LibC.EINVAL when bridged => new IpmiNotSupportedException(
                $"{Path} cannot bridge to channel {request.Channel ?? 0} address 0x{request.ResponderAddress:X2}: {LibC.Describe(errno)}"),
            _ => new TransportUnavailableException(TransportName, $"Sending to {Path} failed: {LibC.Describe(errno)}", ModuleHintOrRetry(errno)),
        };
    }

    private static string ModuleHintOrRetry(int errno) =>
        errno is LibC.ENODEV or LibC.ENXIO or LibC.EBADF ? OpenIpmiTransport.ModuleHint : "retry; the kernel IPMI driver rejected the request";

    public bool WaitReadable()
    {
        var fds = stackalloc LibC.PollFd[2];
        while (true)
        {
            fds[0] = new LibC.PollFd { Fd = _fd.Fd, Events = LibC.POLLIN };
            fds[1] = new LibC.PollFd { Fd = _wake.Fd, Events = LibC.POLLIN };
            var rc = LibC.Poll(fds, 2, -1);
            if (rc < 0)
            {
                var errno = LibC.LastErrno;
                if (errno == LibC.EINTR)
                {
                    continue;
                }

                throw new TransportUnavailableException(TransportName, $"poll on {Path} failed: {LibC.Describe(errno)}", OpenIpmiTransport.ModuleHint);
            }

            if (fds[1].REvents != 0)
            {
                return false;
            }

            if ((fds[0].REvents & (LibC.POLLERR | LibC.POLLHUP | LibC.POLLNVAL)) != 0)
            {
                throw new TransportUnavailableException(TransportName, $"{Path} reported an error (poll revents 0x{fds[0].REvents:X})", OpenIpmiTransport.ModuleHint);
            }

            if ((fds[0].REvents & LibC.POLLIN) != 0)
            {
                return true;
            }
        }
    }

    public bool TryReceive(out DeviceReply reply)
    {
        var recv = new IpmiRecv
        {
            Addr = (nint)_recvAddr,
            AddrLen = IpmiIoctl.MaxAddressSize,
            Msg = new IpmiMsg { Data = (nint)_recvData, DataLen = IpmiIoctl.ReceiveBufferSize },
        };

        // EMSGSIZE with the _TRUNC variant still hands over the (cut) message.
        if (LibC.Ioctl(_fd, IpmiIoctl.ReceiveMessageTrunc, &recv) != 0)
        {
            var errno = LibC.LastErrno;
            if (errno is LibC.EAGAIN or LibC.EINTR)
            {
                reply = default;
                return false;
            }

            if (errno != LibC.EMSGSIZE)
            {
                throw new TransportUnavailableException(TransportName, $"Receiving from {Path} failed: {LibC.Describe(errno)}", OpenIpmiTransport.ModuleHint);
            }
        }

        var length = Math.Min((int)recv.Msg.DataLen, IpmiIoctl.ReceiveBufferSize);
        reply = new DeviceReply(recv.RecvType, recv.MsgId, recv.Msg.NetFn, recv.Msg.Cmd, new ReadOnlySpan<byte>(_recvData, length).ToArray());
        return true;
    }

    public void Wake()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        ulong one = 1;
        _ = LibC.Write(_wake, &one, sizeof(ulong));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _fd.Dispose();
        _wake.Dispose();
        NativeMemory.Free(_recvData);
        NativeMemory.Free(_recvAddr);
    }
}
