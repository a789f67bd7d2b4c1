namespace IpmiRpc.TestSupport;

/// <summary>What an external tool printed and how it exited.</summary>
public sealed record ToolResult(int ExitCode, string StdOut, string StdErr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>For assertion messages: everything a reader needs to see why a tool call failed.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{StdOut}\n--- stderr ---\n{StdErr}";
}
