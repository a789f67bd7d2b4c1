using System.Globalization;

namespace IpmiRpc.TestSupport;

/// <summary>FreeIPMI tools against an <see cref="IpmiSim"/> with the workarounds tests/fixtures/ipmi_sim/peers.md lists.</summary>
public static class FreeIpmi
{
    public static Task<ToolResult> RunAsync(string tool, IpmiSim sim, params string[] args) =>
        RunAsync(tool, sim, args, timeout: null);

    public static async Task<ToolResult> RunAsync(string tool, IpmiSim sim, IEnumerable<string> args, TimeSpan? timeout)
    {
        var path = Require.Tool(tool);
        // FreeIPMI reads the password from its config file; a 0600 file per call keeps it off argv.
        var config = Path.Combine(sim.Directory, $"freeipmi-{Guid.NewGuid():N}.conf");
        var create = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using (var writer = new StreamWriter(config, create))
            await writer.WriteAsync($"password {sim.Password}\n");

        try
        {
            var all = new List<string>
            {
                "--config-file", config,
                "-D", "LAN_2_0",
                "-h", $"{sim.Host}:{sim.Port.ToString(CultureInfo.InvariantCulture)}",
                "-u", sim.User,
                "-l", "ADMIN",
                "-I", "3",
                "-W", "opensesspriv",
            };
            all.AddRange(args);
            return await ProcessRunner.RunAsync(path, all, null, null, timeout ?? TimeSpan.FromSeconds(60));
        }
        finally
        {
            File.Delete(config);
        }
    }
}
