using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// The few POSIX file calls .NET does not expose: open without following symlinks or blocking (a FIFO must not
/// hang the caller), the type and owner of what was actually opened (statx on the descriptor, not a second path
/// lookup), flock, umask. statx is used because its layout, unlike struct stat, is the same on every architecture.
/// </summary>
[SupportedOSPlatform("linux")]
internal static partial class UnixFile
{
    private const int ReadOnly = 0x0;
    private const int ReadWrite = 0x2;
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Append = 0x400;
    private const int NoControllingTty = 0x100;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasic = 0x7ff;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int TypeMask = 0xF000;
    private const int TypeRegular = 0x8000;
    private const int TypeSocket = 0xC000;
    private const int TypeDirectory = 0x4000;
    private const uint GroupOrOtherAccess = 0x3F;

    // O_NOFOLLOW is 0400000 on x86 and most architectures, 0100000 on arm and arm64.
    private static int NoFollow =>
        RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>What a descriptor or path is: type and permission bits, owner, size.</summary>
    public readonly record struct Status(uint Mode, uint Uid, long Size)
    {
        public bool IsRegularFile => (Mode & TypeMask) == TypeRegular;

        public bool IsSocket => (Mode & TypeMask) == TypeSocket;

        public bool IsDirectory => (Mode & TypeMask) == TypeDirectory;

        /// <summary>Group or others may read, write or search it.</summary>
        public bool IsSharedWithOthers => (Mode & GroupOrOtherAccess) != 0;
    }

    /// <summary>
    /// Reads a small regular file whole: opened non-blocking (a FIFO or device never blocks the open), checked to be
    /// a regular file on the descriptor itself, and read up to <paramref name="maxBytes"/> only. Null with the reason
    /// in <paramref name="problem"/> when it is missing, unreadable, not a regular file or larger.
    /// </summary>
    public static byte[]? TryReadSmallRegularFile(string path, int maxBytes, out string? problem)
    {
        using var handle = Open(path, ReadOnly | NonBlocking | NoControllingTty | CloseOnExec, 0, out var errno);
        if (handle.IsInvalid)
        {
            problem = Marshal.GetPInvokeErrorMessage(errno);
            return null;
        }

        if (TryGetStatus(handle) is not { } status)
        {
            problem = "cannot stat it";
            return null;
        }

        if (!status.IsRegularFile)
        {
            problem = "not a regular file";
            return null;
        }

        if (status.Size > maxBytes)
        {
            problem = $"larger than {maxBytes} bytes";
            return null;
        }

        var buffer = new byte[maxBytes + 1];
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        // The size may have changed since statx; what was read decides.
        if (total > maxBytes)
        {
            problem = $"larger than {maxBytes} bytes";
            return null;
        }

        problem = null;
        return buffer[..total];
    }

    /// <summary>Opens or creates (mode 0600) a lock file without following a symlink at <paramref name="path"/>.</summary>
    public static SafeFileHandle OpenLockFile(string path, out int errno) =>
        Open(path, ReadWrite | Create | NoFollow | NoControllingTty | CloseOnExec, 0x180, out errno);

    /// <summary>
    /// Opens a log file for appending (created 0600, never through a symlink), checked to be a regular file this user
    /// owns, mode 0600, emptied first when it is larger than <paramref name="maxBytes"/>. Null with the reason otherwise.
    /// </summary>
    public static SafeFileHandle? TryOpenLog(string path, long maxBytes, out string? problem)
    {
        var handle = Open(path, WriteOnly | Create | Append | NoFollow | NoControllingTty | NonBlocking | CloseOnExec, 0x180, out var errno);
        if (handle.IsInvalid)
        {
            problem = Marshal.GetPInvokeErrorMessage(errno);
            handle.Dispose();
            return null;
        }

        if (TryGetStatus(handle) is not { IsRegularFile: true } status || status.Uid != EffectiveUserId)
        {
            problem = "not a regular file owned by this user";
            handle.Dispose();
            return null;
        }

        if ((status.Size > maxBytes && FTruncate(handle, 0) != 0) || ((status.Mode & 0x1FF) != 0x180 && FChmod(handle, 0x180) != 0))
        {
            problem = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            handle.Dispose();
            return null;
        }

        problem = null;
        return handle;
    }

    /// <summary>flock(LOCK_EX|LOCK_NB): false when another process holds the lock.</summary>
    public static bool TryLockExclusive(SafeFileHandle handle) => FLock(handle, LockExclusive | LockNonBlocking) == 0;

    public static Status? TryGetStatus(SafeFileHandle handle)
    {
        Span<byte> buffer = stackalloc byte[256];
        return StatX(handle, "", AtEmptyPath, StatxBasic, buffer) == 0 ? Decode(buffer) : null;
    }

    /// <summary>lstat: what is at <paramref name="path"/> itself (a symlink is reported as one, not followed). Null when nothing is.</summary>
    public static Status? TryGetLinkStatus(string path)
    {
        Span<byte> buffer = stackalloc byte[256];
        return StatXPath(AtFdCwd, path, AtSymlinkNoFollow, StatxBasic, buffer) == 0 ? Decode(buffer) : null;
    }

    /// <summary>Sets the process umask and returns the previous one (process-wide: only for a moment at start-up).</summary>
    public static uint SetUmask(uint mask) => Umask(mask);

    public static uint EffectiveUserId => GetEffectiveUserId();

    private static Status Decode(ReadOnlySpan<byte> statx) =>
        new(MemoryMarshal.Read<ushort>(statx[28..]), MemoryMarshal.Read<uint>(statx[20..]), MemoryMarshal.Read<long>(statx[40..]));

    private static SafeFileHandle Open(string path, int flags, uint mode, out int errno)
    {
        var fd = OpenNative(path, flags, mode);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNative(string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatX(SafeFileHandle dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatXPath(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FLock(SafeFileHandle fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(SafeFileHandle fd, long length);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmod(SafeFileHandle fd, uint mode);

    [LibraryImport("libc", EntryPoint = "umask")]
    private static partial uint Umask(uint mask);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
