using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// Starts a process that outlives its starter: a session of its own (no signal to the starter's process group or
/// terminal reaches it), stdin and stdout on /dev/null, stderr appended to a log file. <see cref="System.Diagnostics.Process"/>
/// can do none of these three (it only redirects to pipes, which would keep the starter's client waiting for EOF
/// for as long as the server lives), hence posix_spawn.
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class DetachedProcess
{
    private const short SpawnSetSignalMask = 0x08;
    private const short SpawnSetSessionId = 0x80;
    private const int ReadWrite = 0x2;
    private const int NoHang = 1;

    // glibc's posix_spawn_file_actions_t is 80 bytes, posix_spawnattr_t 336, sigset_t 128: generous room for each.
    private const int FileActionsBytes = 512;
    private const int AttributesBytes = 1024;
    internal const int SignalSetBytes = 256;

    /// <summary>Starts <paramref name="executable"/> with <paramref name="arguments"/>; its pid, or the errno text.</summary>
    public static int Start(string executable, IReadOnlyList<string> arguments, SafeFileHandle stderr, out string? problem)
    {
        var fileActions = NativeMemory.AllocZeroed(FileActionsBytes);
        var attributes = NativeMemory.AllocZeroed(AttributesBytes);
        var emptySignalSet = NativeMemory.AllocZeroed(SignalSetBytes);
        var strings = new List<nint>();
        var added = false;
        try
        {
            FileActionsInit(fileActions);
            AttrInit(attributes);
            var logFd = (int)stderr.DangerousGetHandle();
            // Check each setup call: a silently missing redirection would give the server our stdin and stdout.
            var setup = FileActionsAddOpen(fileActions, 0, "/dev/null", ReadWrite, 0)
                | FileActionsAddOpen(fileActions, 1, "/dev/null", ReadWrite, 0)
                | FileActionsAddDup2(fileActions, logFd, 2)
                // The runtime blocks signals on some of its threads: the server starts with none blocked.
                | AttrSetSignalMask(attributes, emptySignalSet)
                | AttrSetFlags(attributes, SpawnSetSessionId | SpawnSetSignalMask);
            if (setup != 0)
            {
                problem = "cannot prepare posix_spawn";
                return -1;
            }

            stderr.DangerousAddRef(ref added);
            var argv = ToNullTerminated([executable, .. arguments], strings);
            var environment = Environment.GetEnvironmentVariables();
            var envp = ToNullTerminated(environment.Keys.Cast<string>().Select(k => k + "=" + environment[k]).ToList(), strings);
            int pid;
            var error = Spawn(&pid, executable, fileActions, attributes, argv, envp);
            if (error != 0)
            {
                problem = Marshal.GetPInvokeErrorMessage(error);
                return -1;
            }

            problem = null;
            return pid;
        }
        finally
        {
            if (added)
            {
                stderr.DangerousRelease();
            }

            FileActionsDestroy(fileActions);
            AttrDestroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(emptySignalSet);
            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }
        }
    }

    /// <summary>True once <paramref name="pid"/> (a child of this process) has exited; reaps it.</summary>
    public static bool HasExited(int pid)
    {
        int status;
        return WaitPid(pid, &status, NoHang) == pid;
    }

    /// <summary>A C array of UTF-8 strings ending in NULL (argv, envp); every allocation is added to <paramref name="strings"/> to free.</summary>
    internal static nint ToNullTerminated(IReadOnlyList<string> values, List<nint> strings)
    {
        var array = Marshal.AllocCoTaskMem((values.Count + 1) * IntPtr.Size);
        strings.Add(array);
        for (var i = 0; i < values.Count; i++)
        {
            var s = Marshal.StringToCoTaskMemUTF8(values[i]);
            strings.Add(s);
            Marshal.WriteIntPtr(array, i * IntPtr.Size, s);
        }

        Marshal.WriteIntPtr(array, values.Count * IntPtr.Size, IntPtr.Zero);
        return array;
    }

    [LibraryImport("libc", EntryPoint = "posix_spawn", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Spawn(int* pid, string path, void* fileActions, void* attributes, nint argv, nint envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    private static partial int FileActionsInit(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    private static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FileActionsAddOpen(void* fileActions, int fd, string path, int flags, uint mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    private static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    private static partial int AttrInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    private static partial int AttrDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    private static partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    private static partial int AttrSetSignalMask(void* attributes, void* signalSet);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int WaitPid(int pid, int* status, int options);
}
