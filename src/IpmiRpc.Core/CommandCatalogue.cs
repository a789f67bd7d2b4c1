namespace IpmiRpc.Core;

/// <summary>One row of the spec's command table (IPMI v2.0 Appendix G).</summary>
/// <param name="Name">PascalCase name, e.g. <c>GetDeviceId</c>.</param>
/// <param name="NetFn">Request network function.</param>
/// <param name="Command">Command number.</param>
public sealed record CommandInfo(string Name, byte NetFn, byte Command);

/// <summary>Command names ↔ (NetFn, Cmd), so a caller can name a command and have its NetFn derived.</summary>
public static class CommandCatalogue
{
    private static readonly CommandInfo[] Rows =
    [
        new("GetDeviceId", 0x06, 0x01),
    ];

    private static readonly Dictionary<string, CommandInfo> ByName =
        Rows.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<CommandInfo> All => Rows;

    /// <summary>Looks a command up by name; case and separators (<c>Get Device ID</c>, <c>get-device-id</c>) are ignored.</summary>
    public static bool TryGet(string name, out CommandInfo info) =>
        ByName.TryGetValue(Normalize(name), out info!);

    public static CommandInfo? Find(byte netFn, byte command) =>
        Rows.FirstOrDefault(r => r.NetFn == (netFn & 0xFE) && r.Command == command);

    private static string Normalize(string name) =>
        new(name.Where(char.IsLetterOrDigit).ToArray());
}
