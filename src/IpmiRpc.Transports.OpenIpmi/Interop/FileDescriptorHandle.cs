using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace IpmiRpc.Transports.OpenIpmi.Interop;

/// <summary>Owns one Linux file descriptor; close(2) on release. -1 is the invalid value (0 is a real fd).</summary>
[SupportedOSPlatform("linux")]
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle() : base(invalidHandleValue: -1, ownsHandle: true) { }

    public FileDescriptorHandle(int fd) : this() => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => LibC.Close((int)handle) == 0;
}
