using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace IpmiRpc.Bench;

/// <summary>
/// Scenario w (issue 15): a BMC that takes one request at a time. A relay in front of ipmi_sim drops every in-session
/// request that arrives while another is unanswered, as weak BMCs do (one outstanding request, the rest dropped without
/// a word). The same requests go through it one at a time and all written at once; the target is that pipelining
/// costs at most 1.2× the sequential time there, with no errors: the adaptive window has to find the BMC's limit and
/// stop paying retransmit waits to probe above it.
/// </summary>
public static class WeakBmcScenario
{
    public static async Task RunAsync(BenchOptions o, Dictionary<string, string> env, int simPort, Report report)
    {
        var n = o.Sequential;
        var rounds = Math.Max(3, o.Rounds / 2);
        using var relay = new OneAtATimeRelay(simPort);
        var p = Json.TargetParams(relay.Port);
        var calls = Enumerable.Repeat(("bmc.getDeviceId", p), n).ToArray();
        var sequential = new List<double>();
        var pipelined = new List<double>();
        var errors = 0;
        double seqCpu = 0, pipeCpu = 0;
        await using var rpc = RpcClient.Start(o.Fdd, o.PidFile, env);
        // Warm-up: the session opens, the JIT compiles both paths, and the window meets the relay's limit once.
        for (var i = 0; i < 200; i++)
        {
            await rpc.CallAsync("bmc.getDeviceId", p, TimeSpan.FromSeconds(30));
        }

        await rpc.CallManyAsync(calls.Take(200).ToArray(), TimeSpan.FromSeconds(120));
        var dropped0 = relay.Dropped;
        var counters0 = await BurstCounters.ReadAsync(rpc, () => 0, () => 0);

        // Interleaved, so a change of machine load falls on both ways alike.
        for (var round = 0; round < rounds; round++)
        {
            var cpu0 = rpc.CpuMs;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < n; i++)
            {
                if (!Json.IsResult(await rpc.CallAsync("bmc.getDeviceId", p, TimeSpan.FromSeconds(30))))
                {
                    errors++;
                }
            }

            sequential.Add(sw.Elapsed.TotalMilliseconds);
            seqCpu += rpc.CpuMs - cpu0;

            cpu0 = rpc.CpuMs;
            sw.Restart();
            var answers = await rpc.CallManyAsync(calls, TimeSpan.FromSeconds(300));
            pipelined.Add(sw.Elapsed.TotalMilliseconds);
            pipeCpu += rpc.CpuMs - cpu0;
            errors += answers.Count(a => !Json.IsResult(a)) + (n - answers.Length);
        }

        var counters = await BurstCounters.ReadAsync(rpc, () => 0, () => 0);
        var seq = Stats.Of(sequential);
        var pipe = Stats.Of(pipelined);
        var ratio = pipe.Median / seq.Median;
        report.Section("w. A BMC that takes one request at a time",
            $"A relay in front of `ipmi_sim` drops every in-session request that arrives while another is unanswered (busy until the answer passes, or 300 ms). "
            + $"{n} `bmc.getDeviceId` through one ipmirpc (framework-dependent, one pooled session), one at a time and all written at once, {rounds} rounds each, interleaved.");
        report.Table(["how", "rounds", "median", "slowest", "ipmirpc CPU per request"],
        [
            ["one at a time", sequential.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(seq.Median), Fmt.Ms(seq.Max), Fmt.Ms(seqCpu / (n * rounds))],
            ["all written at once", pipelined.Count.ToString(CultureInfo.InvariantCulture), Fmt.Ms(pipe.Median), Fmt.Ms(pipe.Max), Fmt.Ms(pipeCpu / (n * rounds))],
        ]);
        report.Text(string.Create(CultureInfo.InvariantCulture,
            $"Requests the relay dropped during the timed rounds: {relay.Dropped - dropped0}; the session's counters over them: retransmits +{counters.Retransmits - counters0.Retransmits}, "
            + $"window halvings +{counters.WindowReductions - counters0.WindowReductions} (undone +{counters.WindowUndone - counters0.WindowUndone}), window at the end {counters.Window}."));
        report.Target($"A BMC that takes one request at a time: {n} requests written at once finish within 1.2× the sequential time, no errors",
            $"{Fmt.Ms(pipe.Median)} vs {Fmt.Ms(seq.Median)} one at a time = {Fmt.Ratio(ratio)} (medians of {rounds}); {errors} errors; {relay.Dropped - dropped0} requests dropped by the relay",
            ratio <= 1.2 && errors == 0);
        if (errors > 0)
        {
            report.Fail($"weak BMC: {errors} of {2 * n * rounds} requests failed ({rpc.LastError})");
        }
    }

    /// <summary>
    /// The weak BMC: forwards an in-session request only while none is unanswered, else drops it. Busy ends when an
    /// in-session answer passes back, or after 300 ms (a real BMC finishes its work; ipmi_sim silently ignores a packet
    /// it takes for a replay, and a model that stayed busy then would never take another request). Two threads
    /// blocking on their sockets, so the relay costs a few microseconds per datagram and no thread-pool hop.
    /// </summary>
    private sealed class OneAtATimeRelay : IDisposable
    {
        private const long BusyLimitMs = 300;
        private readonly Socket _front = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly Socket _back = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly IPEndPoint _bmc;
        private readonly Thread _forward;
        private readonly Thread _backward;
        private EndPoint? _client;
        private long _busySince;
        private long _dropped;
        private volatile bool _stopped;

        public OneAtATimeRelay(int bmcPort)
        {
            _bmc = new IPEndPoint(IPAddress.Loopback, bmcPort);
            _front.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _back.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _forward = new Thread(Forward) { IsBackground = true, Name = "relay to BMC" };
            _backward = new Thread(Backward) { IsBackground = true, Name = "relay from BMC" };
            _forward.Start();
            _backward.Start();
        }

        public int Port => ((IPEndPoint)_front.LocalEndPoint!).Port;

        public long Dropped => Interlocked.Read(ref _dropped);

        public void Dispose()
        {
            _stopped = true;
            _front.Dispose();
            _back.Dispose();
            _forward.Join(TimeSpan.FromSeconds(5));
            _backward.Join(TimeSpan.FromSeconds(5));
        }

        // RMCP+ (auth type 6), payload type IPMI (0), a session ID: a request inside an established session.
        private static bool IsInSession(ReadOnlySpan<byte> d) =>
            d.Length > 16 && d[4] == 0x06 && (d[5] & 0x3F) == 0x00 && d[6..10].IndexOfAnyExcept((byte)0) >= 0;

        private delegate void DatagramHandler(ReadOnlySpan<byte> datagram, EndPoint from);

        private void Forward() => Receive(_front, (datagram, from) =>
        {
            _client = from;
            if (IsInSession(datagram))
            {
                var now = Environment.TickCount64;
                var since = Interlocked.Read(ref _busySince);
                if (since != 0 && now - since <= BusyLimitMs)
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }

                Interlocked.Exchange(ref _busySince, now);
            }

            Send(_back, datagram, _bmc);
        });

        private void Backward() => Receive(_back, (datagram, _) =>
        {
            if (IsInSession(datagram))
            {
                Interlocked.Exchange(ref _busySince, 0);
            }

            if (_client is { } client)
            {
                Send(_front, datagram, client);
            }
        });

        private void Receive(Socket socket, DatagramHandler handle)
        {
            var buffer = new byte[2048];
            while (!_stopped)
            {
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                int length;
                try
                {
                    length = socket.ReceiveFrom(buffer, ref from);
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                handle(buffer.AsSpan(0, length), from);
            }
        }

        private static void Send(Socket socket, ReadOnlySpan<byte> datagram, EndPoint to)
        {
            try
            {
                socket.SendTo(datagram, SocketFlags.None, to);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed while stopping, or the peer's port is gone: a lost datagram, as on a network.
            }
        }
    }
}
