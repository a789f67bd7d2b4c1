namespace IpmiRpc.TestSupport;

/// <summary>ipmitool against an <see cref="IpmiSim"/>; the password goes through IPMI_PASSWORD (-E), never argv.</summary>
public static class IpmiTool
{
    public static Task<ToolResult> RunAsync(IpmiSim sim, params string[] args) =>
        RunAsync(sim, args, stdin: null, timeout: null);

    public static Task<ToolResult> RunAsync(IpmiSim sim, IEnumerable<string> args, string? stdin, TimeSpan? timeout) =>
        RunAsUserAsync(sim, sim.User, sim.Password, args, stdin, timeout);

    /// <summary>As another user (e.g. one of <see cref="IpmiSimOptions.ExtraUsers"/>, or a wrong password).</summary>
    public static Task<ToolResult> RunAsUserAsync(IpmiSim sim, string user, string password, IEnumerable<string> args,
        string? stdin = null, TimeSpan? timeout = null)
    {
        var path = Require.Tool("ipmitool");
        var all = new List<string>
        {
            "-I", "lanplus", "-C", "3", "-H", sim.Host, "-p", sim.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", user, "-E",
        };
        all.AddRange(args);
        var env = new Dictionary<string, string> { ["IPMI_PASSWORD"] = password };
        return ProcessRunner.RunAsync(path, all, stdin, env, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Many commands over one ipmitool session (<c>ipmitool exec FILE</c>).</summary>
    public static async Task<ToolResult> ExecAsync(IpmiSim sim, IEnumerable<string> commandLines, TimeSpan? timeout = null)
    {
        var file = Path.Combine(sim.Directory, $"ipmitool-exec-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(file, commandLines);
        try
        {
            return await RunAsync(sim, ["exec", file], stdin: null, timeout);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
