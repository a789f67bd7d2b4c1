using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.Host.Hosting;

/// <summary>
/// What a shared server and a <c>connect</c> client must agree on before any request passes between them: the build
/// (version, executable path, size and modification time of the files it runs from) and the settings that change
/// answers (the targets file, the session age). A client of another build, or one pointed at another binary, must
/// never be served by an old server that happens to own the socket.
/// </summary>
/// <remarks>
/// The handshake is one line each way, before JSON-RPC starts: the client sends <see cref="HelloRequest"/>, the
/// server answers <see cref="ToHelloLine"/>. '#' is never the first byte of a JSON-RPC message (JSON starts with
/// '{' or '[', header framing with a header name), so the server tells a hello from a plain client by its first byte.
/// A server that predates the handshake answers the line with a JSON-RPC parse error, which is not a hello.
/// </remarks>
public sealed record ServerIdentity(string Version, string Build, string Settings)
{
    public const byte HelloMarker = (byte)'#';

    /// <summary>The client's first line on the socket.</summary>
    public static readonly byte[] HelloRequest = "#ipmirpc-hello 1\n"u8.ToArray();

    /// <summary>Longest hello line either side reads; anything longer is not a hello.</summary>
    public const int MaxHelloBytes = 4096;

    private static readonly Lazy<string> CurrentBuild = new(DescribeBuild);

    /// <summary>This process's identity for the given settings (the build is read once, at first use).</summary>
    public static ServerIdentity Current(string settings) => new(CurrentVersion, CurrentBuild.Value, settings);

    public static string CurrentVersion { get; } =
        typeof(ServerIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServerIdentity).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The settings part: what the server is started with that changes its answers.</summary>
    public static string DescribeSettings(string? targetsFile, int maxSessionAgeSeconds) =>
        $"targets={(targetsFile is null ? "" : Path.GetFullPath(targetsFile))};maxSessionAge={maxSessionAgeSeconds}";

    /// <summary>Eight hex digits naming this identity: the suffix of the socket a mismatching client starts instead.</summary>
    public string ShortHash
    {
        get
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Version + "\n" + Build + "\n" + Settings));
            return Convert.ToHexStringLower(hash.AsSpan(0, 4));
        }
    }

    /// <summary>Why <paramref name="server"/> must not serve this client, or null when they agree.</summary>
    public string? Mismatch(ServerIdentity server)
    {
        if (server.Version != Version)
        {
            return $"the server is version {server.Version}, this is {Version}";
        }

        if (server.Build != Build)
        {
            return $"the server runs another build ({server.Build}; this is {Build})";
        }

        return server.Settings != Settings ? $"the server was started with other settings ({server.Settings}; this has {Settings})" : null;
    }

    /// <summary>The server's answer to a hello: one JSON line.</summary>
    public byte[] ToHelloLine(int pid)
    {
        var hello = new JObject
        {
            ["ipmirpc"] = "hello",
            ["version"] = Version,
            ["build"] = Build,
            ["settings"] = Settings,
            ["pid"] = pid,
        };
        return Encoding.UTF8.GetBytes(hello.ToString(Formatting.None) + "\n");
    }

    /// <summary>The identity and pid in a server's hello line; null when the line is not one.</summary>
    public static (ServerIdentity Identity, int Pid)? ParseHello(string line)
    {
        try
        {
            if (JToken.Parse(line) is JObject { } hello && (string?)hello["ipmirpc"] == "hello"
                && hello["version"] is JValue { Type: JTokenType.String } version
                && hello["build"] is JValue { Type: JTokenType.String } build
                && hello["settings"] is JValue { Type: JTokenType.String } settings
                && hello["pid"] is JValue { Type: JTokenType.Integer } pid)
            {
                return (new ServerIdentity((string)version!, (string)build!, (string)settings!), (int)pid);
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>
    /// The executable (and, when not a single-file build, the host assembly beside it) with its size and modification
    /// time: replacing the binary in place (an upgrade) or pointing at another one changes it.
    /// </summary>
    /// <summary>
    /// ipmirpc.dll beside the executable when the build has one (framework-dependent); null for NativeAOT and single-file
    /// builds, whose code is inside the executable (found by its directory: Assembly.Location is empty there).
    /// </summary>
    internal static string? HostAssemblyFile =>
        Path.Combine(AppContext.BaseDirectory, "ipmirpc.dll") is var dll && File.Exists(dll) ? dll : null;

    private static string DescribeBuild()
    {
        var parts = new List<string>();
        foreach (var file in new[] { Environment.ProcessPath, HostAssemblyFile })
        {
            if (string.IsNullOrEmpty(file))
            {
                // NativeAOT and single-file builds have no assembly location: the executable describes them.
                continue;
            }

            var info = new FileInfo(file);
            parts.Add(info.Exists ? $"{info.FullName}@{info.Length}:{info.LastWriteTimeUtc.Ticks}" : info.FullName);
        }

        return string.Join(";", parts);
    }
}
