using System.Net;
using System.Net.Sockets;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// A BMC that never answers (issue 20): a loopback UDP socket that counts what reaches it. Requests waiting for the
/// same session share one open attempt, and each keeps its own deadline.
/// </summary>
public sealed class DeadBmcTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Swallows every datagram and counts them.</summary>
    private sealed class BlackHole : IDisposable
    {
        private readonly UdpClient _udp = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly Task _pump;
        private int _received;

        public BlackHole() => _pump = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await _udp.ReceiveAsync();
                    Interlocked.Increment(ref _received);
                }
            }
            catch (ObjectDisposedException)
            {
            }
            catch (SocketException)
            {
            }
        });

        public int Port => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

        public int Received => Volatile.Read(ref _received);

        public void Dispose() => _udp.Dispose();
    }

    private static JObject Target(int port, int timeoutMs, int retries) => new()
    {
        ["host"] = "127.0.0.1",
        ["port"] = port,
        ["username"] = "nobody",
        ["password"] = "unused",
        ["cipherSuite"] = 3,
        ["timeoutMs"] = timeoutMs,
        ["retries"] = retries,
    };

    private static string Line(string id, JObject @params) =>
        new JObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "bmc.getDeviceId", ["params"] = @params }.ToString(Formatting.None);

    [Fact]
    public async Task Ten_requests_to_a_dead_bmc_share_one_open_attempt_and_all_fail_with_32004()
    {
        using var bmc = new BlackHole();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var target = Target(bmc.Port, timeoutMs: 200, retries: 1);

        await rpc.SendRawAsync(string.Concat(Enumerable.Range(0, 10).Select(i => Line($"r{i}", new JObject { ["target"] = target }) + "\n")));
        var codes = new List<int?>();
        for (var i = 0; i < 10; i++)
        {
            var answer = await rpc.ReadMessageAsync(Wait) ?? throw new TimeoutException(rpc.StdErrText);
            codes.Add((int?)answer["error"]?["code"]);
        }

        Assert.All(codes, c => Assert.Equal(-32004, c));
        // One open is 2 datagrams (a try and a retransmit); a second open needs the 2 s back-off to pass first.
        // One open per request, as before the fix, is 20.
        Assert.InRange(bmc.Received, 2, 4);
    }

    [Fact]
    public async Task A_short_budget_request_is_answered_while_a_patient_one_still_waits_for_the_same_dead_bmc()
    {
        using var bmc = new BlackHole();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var patient = Target(bmc.Port, timeoutMs: 60_000, retries: 20);

        // The patient request's open is under way before the hurried one comes: the open runs with the settings of the
        // request that started it, so written together either could start it (they are dispatched concurrently).
        await rpc.SendRawAsync(Line("patient", new JObject { ["target"] = patient }) + "\n");
        await Poll.UntilAsync(() => bmc.Received > 0, "the patient request's first open datagram");
        await rpc.SendRawAsync(Line("hurried", new JObject { ["target"] = Target(bmc.Port, timeoutMs: 200, retries: 0) }) + "\n");

        var first = await rpc.ReadMessageAsync(Wait) ?? throw new TimeoutException(rpc.StdErrText);
        Assert.Equal("hurried", (string?)first["id"]);
        Assert.Equal(-32004, (int?)first["error"]?["code"]);
        // The patient one is still waiting for the shared open (60 s per try): one datagram so far.
        Assert.Equal(1, bmc.Received);
        await rpc.SendLineAsync("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":\"patient\"}}");
        var cancelled = await rpc.ReadMessageAsync(Wait) ?? throw new TimeoutException(rpc.StdErrText);
        Assert.Equal("patient", (string?)cancelled["id"]);
    }
}
