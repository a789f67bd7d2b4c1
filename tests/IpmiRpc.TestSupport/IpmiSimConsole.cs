using System.Net.Sockets;
using System.Text;

namespace IpmiRpc.TestSupport;

/// <summary>
/// ipmi_sim's TCP console (lan.conf <c>console ADDR PORT</c>): runs emu commands on a live simulator, e.g.
/// <c>main_sdr_add</c> or <c>sensor_set_value</c>. Every wait is bounded.
/// </summary>
public static class IpmiSimConsole
{
    /// <summary>Runs <paramref name="command"/> and returns the console's answer; throws if the console reports an error.</summary>
    public static async Task<string> RunAsync(int port, string command, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cts.Token);
        var stream = client.GetStream();
        await ReadUntilPromptAsync(stream, cts.Token);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\n"), cts.Token);
        var answer = await ReadUntilPromptAsync(stream, cts.Token);
        if (answer.Contains("**", StringComparison.Ordinal))
            throw new InvalidOperationException($"ipmi_sim console rejected '{command}': {answer}");
        return answer;
    }

    // Reads (skipping telnet negotiation bytes) until the "> " prompt that follows a command's output.
    private static async Task<string> ReadUntilPromptAsync(NetworkStream stream, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        while (true)
        {
            var n = await stream.ReadAsync(buffer, ct);
            if (n == 0)
                throw new IOException($"ipmi_sim console closed: {text}");
            foreach (var b in buffer.AsSpan(0, n))
            {
                if (b < 0x80)
                    text.Append((char)b);
            }

            if (text.ToString().EndsWith("> ", StringComparison.Ordinal))
                return text.ToString();
        }
    }
}
