using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// <c>ipmirpc mcp</c> in the NativeAOT image, which is built without the MCP server: the server's SDK,
/// Microsoft.Extensions.AI and their System.Text.Json contracts were 46% of the image's relocations, which the dynamic
/// loader applies at every start of every command (tests/bench/README.md, "Fifth pass: cold start"). The server is the
/// sibling executable <see cref="FileName"/> — the same sources built with it — run in this process's place: same pid,
/// same stdin/stdout/stderr, same environment (passwordEnv variables), the original arguments.
/// </summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class McpSibling
{
    public const string FileName = "ipmirpc-mcp";

    private const int SetMask = 2;

    /// <summary>Where the sibling must be: beside the running executable (symbolic links resolved, as the kernel reports it).</summary>
    public static string PathBesideExecutable =>
        Path.Combine(Path.GetDirectoryName(Environment.ProcessPath) ?? AppContext.BaseDirectory, FileName);

    /// <summary>Replaces this process with the sibling; returns (an exit code) only when that is impossible, after saying why on stderr.</summary>
    public static int Exec(IReadOnlyList<string> arguments)
    {
        var path = PathBesideExecutable;
        if (!File.Exists(path))
        {
            return Fail($"'mcp' is served by {path}, which is missing: this build of ipmirpc leaves the MCP server out, "
                + $"and {FileName} ships beside it in the same release archive");
        }

        var strings = new List<nint>();
        try
        {
            var argv = DetachedProcess.ToNullTerminated([path, .. arguments], strings);
            // The runtime blocks signals on some of its threads, and a blocked mask survives exec: the server would never
            // see SIGTERM. Cleared on this thread, the one that execs.
            var emptySignalSet = stackalloc byte[DetachedProcess.SignalSetBytes];
            new Span<byte>(emptySignalSet, DetachedProcess.SignalSetBytes).Clear();
            _ = PthreadSigmask(SetMask, emptySignalSet, null);
            _ = ExecV(path, argv);
            return Fail($"cannot run {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        finally
        {
            foreach (var s in strings)
            {
                Marshal.FreeCoTaskMem(s);
            }
        }
    }

    private static int Fail(string message)
    {
        using var stderr = Console.OpenStandardError();
        stderr.Write(Encoding.UTF8.GetBytes("ipmirpc: " + message + "\n"));
        return 1;
    }

    [LibraryImport("libc", EntryPoint = "execv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ExecV(string path, nint argv);

    [LibraryImport("libc", EntryPoint = "pthread_sigmask")]
    private static partial int PthreadSigmask(int how, void* set, void* oldSet);
}
