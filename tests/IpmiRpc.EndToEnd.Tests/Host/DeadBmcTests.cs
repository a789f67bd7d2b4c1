using System.Net;
using System.Net.Sockets;
using IpmiRpc.TestSupport;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace IpmiRpc.EndToEnd.Tests.Host;

/// <summary>
/// A BMC that never answers (issue 20): a loopback UDP socket that counts what reaches it. Requests waiting for the
/// same session share one open attempt, and each keeps its own deadline; one whose settings are more patient than the
/// open's does not take that open's timeout for its answer.
/// </summary>
public sealed class DeadBmcTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The address of a BMC that swallows the datagrams the console sends, counting them: all of them (a dead BMC), or
    /// the first few before it relays the rest to a real BMC and its answers back (a BMC briefly silent: busy,
    /// restarting its network stack).
    /// </summary>
    private sealed class SilentBmc : IDisposable
    {
        private readonly UdpClient _front = new(new IPEndPoint(IPAddress.Loopback, 0));
        private readonly UdpClient? _back;
        private readonly IPEndPoint? _bmc;
        private readonly int _silentFor;
        private IPEndPoint? _console;
        private int _received;

        /// <param name="relayTo">The real BMC's port, for the datagrams after the first <paramref name="silentFor"/>; null: none.</param>
        public SilentBmc(int? relayTo = null, int silentFor = int.MaxValue)
        {
            _silentFor = silentFor;
            _ = PumpAsync(_front, FromConsoleAsync);
            if (relayTo is { } port)
            {
                _bmc = new IPEndPoint(IPAddress.Loopback, port);
                _back = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                _ = PumpAsync(_back, FromBmcAsync);
            }
        }

        public int Port => ((IPEndPoint)_front.Client.LocalEndPoint!).Port;

        public int Received => Volatile.Read(ref _received);

        public int Swallowed => Math.Min(Received, _silentFor);

        public void Dispose()
        {
            _front.Dispose();
            _back?.Dispose();
        }

        private async Task FromConsoleAsync(UdpReceiveResult datagram)
        {
            Volatile.Write(ref _console, datagram.RemoteEndPoint);
            if (Interlocked.Increment(ref _received) > _silentFor && _back is not null)
            {
                await SendQuietlyAsync(_back, datagram.Buffer, _bmc!);
            }
        }

        private Task FromBmcAsync(UdpReceiveResult datagram) =>
            Volatile.Read(ref _console) is { } console ? SendQuietlyAsync(_front, datagram.Buffer, console) : Task.CompletedTask;

        private static async Task PumpAsync(UdpClient from, Func<UdpReceiveResult, Task> onDatagram)
        {
            // Ends when the socket is disposed: every receive after that throws ObjectDisposedException.
            while (true)
            {
                UdpReceiveResult datagram;
                try
                {
                    datagram = await from.ReceiveAsync();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (SocketException)
                {
                    continue;
                }

                await onDatagram(datagram);
            }
        }

        private static async Task SendQuietlyAsync(UdpClient from, byte[] datagram, IPEndPoint to)
        {
            try
            {
                await from.SendAsync(datagram, to);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // The test is over or the peer went away: the datagram is lost, as on a network.
            }
        }
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
        using var bmc = new SilentBmc();
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
        using var bmc = new SilentBmc();
        await using var rpc = await IpmiRpcProcess.StartAsync();
        var patient = Target(bmc.Port, timeoutMs: 60_000, retries: 20);

        // The patient request's open is under way before the hurried one comes: the open runs with the settings of the
        // request that started it, so written together either could start it (they are dispatched concurrently), and
        // after a hurried open the patient one would open again (a second datagram).
        await rpc.SendRawAsync(Line("patient", new JObject { ["target"] = patient }) + "\n");
        await Poll.UntilAsync(() => bmc.Received > 0, "the patient request's first open datagram", Wait);
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

    [Fact]
    public async Task A_patient_request_that_joined_a_hurried_open_gets_its_answer_when_the_bmc_answers_after_the_hurried_one_gave_up()
    {
        await using var sim = await IpmiSim.StartAsync();
        using var bmc = new SilentBmc(relayTo: sim.Port, silentFor: 1);
        await using var rpc = await IpmiRpcProcess.StartAsync();
        JObject SimTarget(int timeoutMs, int retries) => new()
        {
            ["host"] = "127.0.0.1",
            ["port"] = bmc.Port,
            ["username"] = sim.User,
            ["password"] = sim.Password,
            ["cipherSuite"] = 3,
            ["timeoutMs"] = timeoutMs,
            ["retries"] = retries,
        };

        // The hurried request starts the open, and its one try is swallowed: it times out after 3 s.
        await rpc.SendRawAsync(Line("hurried", new JObject { ["target"] = SimTarget(3000, 0) }) + "\n");
        await Poll.UntilAsync(() => bmc.Received > 0, "the hurried request's first open datagram", Wait);
        // The patient one joins that open (it allows 4 tries of 3 s per exchange). Before, the hurried open's timeout
        // was its answer too, though the BMC answers everything from the second datagram on.
        await rpc.SendRawAsync(Line("patient", new JObject { ["target"] = SimTarget(3000, 3) }) + "\n");

        var answers = new Dictionary<string, JObject>(StringComparer.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            var answer = await rpc.ReadMessageAsync(Wait) ?? throw new TimeoutException(rpc.StdErrText);
            answers.Add((string)answer["id"]!, answer);
        }

        Assert.Equal(-32004, (int?)answers["hurried"]["error"]?["code"]);
        var device = answers["patient"]["result"] as JObject;
        Assert.True(device is not null, answers["patient"].ToString());
        Assert.NotNull(device["manufacturerId"]);
        Assert.Equal(1, bmc.Swallowed);
    }
}
