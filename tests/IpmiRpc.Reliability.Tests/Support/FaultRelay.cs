using System.Net;
using System.Net.Sockets;

namespace IpmiRpc.Reliability.Tests.Support;

/// <summary>Fault rates (0–1) applied to each datagram passing the relay in one direction.</summary>
public sealed record FaultProfile
{
    public static readonly FaultProfile None = new();

    public double Drop { get; init; }
    public double Duplicate { get; init; }
    public double Delay { get; init; }
    public int MaxDelayMs { get; init; } = 150;
    public double Reorder { get; init; }
    public double Truncate { get; init; }
    public double Corrupt { get; init; }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Drop > 0) parts.Add($"drop {Drop:P0}");
        if (Duplicate > 0) parts.Add($"duplicate {Duplicate:P0}");
        if (Delay > 0) parts.Add($"delay {Delay:P0} (0–{MaxDelayMs} ms)");
        if (Reorder > 0) parts.Add($"reorder {Reorder:P0}");
        if (Truncate > 0) parts.Add($"truncate {Truncate:P0}");
        if (Corrupt > 0) parts.Add($"corrupt {Corrupt:P0}");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}

/// <summary>What a <see cref="FaultRelay"/> intercept hook does with one datagram.</summary>
/// <param name="Forward">Sent on (through the direction's fault profile); null drops it (counted as dropped).</param>
/// <param name="Reply">Sent straight back to where the datagram came from, unmangled.</param>
public readonly record struct Interception(byte[]? Forward, byte[]? Reply = null)
{
    public static Interception Drop => default;

    public static Interception Pass(byte[] datagram) => new(datagram);

    /// <summary>Answer in the peer's place instead of forwarding.</summary>
    public static Interception Answer(byte[] reply) => new(null, reply);
}

/// <summary>
/// A loopback UDP relay between one console (ipmirpc or a LanPlusTransport) and one BMC that drops, delays,
/// duplicates, reorders, truncates and corrupts datagrams at set rates from a seeded RNG. 127.0.0.1 only; every
/// loop ends on dispose. Counts what it did, and how many handshake (not in-session) datagrams it mangled.
/// Intercept hooks see each datagram before the faults, for scripted losses and forged answers.
/// </summary>
public sealed class FaultRelay : IAsyncDisposable
{
    private readonly Socket _front = Bind();
    private readonly Socket _back = Bind();
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random;
    private readonly Lock _lock = new();
    private readonly Task _toBmc;
    private readonly Task _toConsole;
    private readonly IPEndPoint _bmc;
    private readonly Held _heldToBmc = new();
    private readonly Held _heldToConsole = new();
    private IPEndPoint? _console;
    private long _forwarded;
    private long _dropped;
    private long _duplicated;
    private long _delayed;
    private long _reordered;
    private long _truncated;
    private long _corrupted;
    private long _mangledHandshake;
    private long _refusalsDelivered;

    public FaultRelay(int bmcPort, int seed)
    {
        _bmc = new IPEndPoint(IPAddress.Loopback, bmcPort);
        _random = new Random(seed);
        _toBmc = Task.Run(() => PumpAsync(_front, toBmc: true));
        _toConsole = Task.Run(() => PumpAsync(_back, toBmc: false));
    }

    /// <summary>Port the console should use as the BMC's.</summary>
    public int Port => ((IPEndPoint)_front.LocalEndPoint!).Port;

    public FaultProfile ToBmc { get; set; } = FaultProfile.None;

    public FaultProfile ToConsole { get; set; } = FaultProfile.None;

    /// <summary>Called on the relay's thread with each datagram from the console, before <see cref="ToBmc"/> applies.</summary>
    public Func<byte[], Interception>? InterceptToBmc { get; set; }

    /// <summary>Called on the relay's thread with each datagram from the BMC, before <see cref="ToConsole"/> applies.</summary>
    public Func<byte[], Interception>? InterceptToConsole { get; set; }

    /// <summary>Both directions at once.</summary>
    public FaultProfile Faults
    {
        set
        {
            ToBmc = value;
            ToConsole = value;
        }
    }

    public long Forwarded => Interlocked.Read(ref _forwarded);
    public long Dropped => Interlocked.Read(ref _dropped);
    public long Duplicated => Interlocked.Read(ref _duplicated);
    public long Delayed => Interlocked.Read(ref _delayed);
    public long Reordered => Interlocked.Read(ref _reordered);
    public long Truncated => Interlocked.Read(ref _truncated);
    public long Corrupted => Interlocked.Read(ref _corrupted);

    /// <summary>Truncated or corrupted datagrams that were not in-session RMCP+ packets (no integrity code protects them).</summary>
    public long MangledHandshake => Interlocked.Read(ref _mangledHandshake);

    /// <summary>
    /// Open Session Responses and RAKP 2/4 messages delivered to the console with a credential-refusal status, whether the
    /// BMC sent it (it refused a corrupted RAKP 1 or 3) or this relay mangled the byte: either way ipmirpc must take it
    /// as the BMC counting a failed login and hold those credentials back.
    /// </summary>
    public long RefusalsDelivered => Interlocked.Read(ref _refusalsDelivered);

    public string Describe() =>
        $"forwarded {Forwarded}, dropped {Dropped}, duplicated {Duplicated}, delayed {Delayed}, reordered {Reordered}, truncated {Truncated}, corrupted {Corrupted} ({MangledHandshake} outside a session)";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _front.Dispose();
        _back.Dispose();
        try
        {
            await Task.WhenAll(_toBmc, _toConsole).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }

    private static Socket Bind()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }

    /// <summary>True for an RMCP+ packet inside a session (payload type IPMI, non-zero session id): its HMAC covers it.</summary>
    private static bool IsCredentialRefusal(byte[] d) =>
        d.Length >= 18 && d[4] == 0x06 && (d[5] & 0x3F) is 0x11 or 0x13 or 0x15 && BitConverter.ToUInt32(d, 6) == 0
        && IpmiRpc.Transports.Lan.Wire.RmcpPlusStatus.IsCredentialRefusal(d[17]);

    private static bool IsInSession(byte[] d) =>
        d.Length >= 16 && d[4] == 0x06 && (d[5] & 0x3F) == 0 && BitConverter.ToUInt32(d, 6) != 0;

    private double Next()
    {
        lock (_lock)
            return _random.NextDouble();
    }

    private int Next(int min, int max)
    {
        lock (_lock)
            return _random.Next(min, max);
    }

    private async Task PumpAsync(Socket from, bool toBmc)
    {
        var buffer = new byte[65536];
        var remote = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await from.ReceiveFromAsync(buffer, SocketFlags.None, remote, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP unreachable from a killed peer: keep relaying
            }

            if (toBmc)
                _console = (IPEndPoint)r.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
            if ((toBmc ? InterceptToBmc : InterceptToConsole) is { } intercept)
            {
                var verdict = intercept(datagram);
                if (verdict.Reply is { } reply)
                    await SendNowAsync(reply, !toBmc);
                if (verdict.Forward is null)
                {
                    if (verdict.Reply is null)
                        Interlocked.Increment(ref _dropped);
                    continue;
                }

                datagram = verdict.Forward;
            }

            var profile = toBmc ? ToBmc : ToConsole;
            var held = toBmc ? _heldToBmc : _heldToConsole;
            foreach (var d in Apply(datagram, profile))
            {
                if (profile.Reorder > 0 && Next() < profile.Reorder && held.TryHold(d))
                {
                    Interlocked.Increment(ref _reordered);
                    // Released after the next datagram in this direction, or after a short while at the latest.
                    _ = ReleaseLaterAsync(held, toBmc);
                    continue;
                }

                await SendAsync(d, toBmc, profile);
                if (held.Take() is { } earlier)
                    await SendAsync(earlier, toBmc, FaultProfile.None);
            }
        }
    }

    private IEnumerable<byte[]> Apply(byte[] datagram, FaultProfile p)
    {
        if (p.Drop > 0 && Next() < p.Drop)
        {
            Interlocked.Increment(ref _dropped);
            yield break;
        }

        var inSession = IsInSession(datagram);
        if (p.Truncate > 0 && datagram.Length > 1 && Next() < p.Truncate)
        {
            datagram = datagram[..Next(0, datagram.Length)];
            Interlocked.Increment(ref _truncated);
            if (!inSession)
                Interlocked.Increment(ref _mangledHandshake);
        }

        if (p.Corrupt > 0 && datagram.Length > 0 && Next() < p.Corrupt)
        {
            datagram = (byte[])datagram.Clone();
            var flips = Next(1, 4);
            for (var i = 0; i < flips; i++)
                datagram[Next(0, datagram.Length)] ^= (byte)Next(1, 256);
            Interlocked.Increment(ref _corrupted);
            if (!inSession)
                Interlocked.Increment(ref _mangledHandshake);
        }

        yield return datagram;
        if (p.Duplicate > 0 && Next() < p.Duplicate)
        {
            Interlocked.Increment(ref _duplicated);
            yield return datagram;
        }
    }

    private async Task SendAsync(byte[] d, bool toBmc, FaultProfile p)
    {
        if (p.Delay > 0 && Next() < p.Delay)
        {
            Interlocked.Increment(ref _delayed);
            var ms = Next(1, Math.Max(2, p.MaxDelayMs));
            _ = Task.Run(async () =>
            {
                try
                {
                    await Task.Delay(ms, _stop.Token);
                    await SendNowAsync(d, toBmc);
                }
                catch (OperationCanceledException)
                {
                }
            });
            return;
        }

        await SendNowAsync(d, toBmc);
    }

    private async Task SendNowAsync(byte[] d, bool toBmc)
    {
        var to = toBmc ? _bmc : _console;
        if (to is null)
            return;
        if (!toBmc && IsCredentialRefusal(d))
            Interlocked.Increment(ref _refusalsDelivered);
        try
        {
            await (toBmc ? _back : _front).SendToAsync(d, SocketFlags.None, to, _stop.Token);
            Interlocked.Increment(ref _forwarded);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private async Task ReleaseLaterAsync(Held held, bool toBmc)
    {
        try
        {
            await Task.Delay(60, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (held.Take() is { } d)
            await SendNowAsync(d, toBmc);
    }

    /// <summary>At most one datagram held back per direction (to be sent after its successor).</summary>
    private sealed class Held
    {
        private byte[]? _datagram;

        public bool TryHold(byte[] d) => Interlocked.CompareExchange(ref _datagram, d, null) is null;

        public byte[]? Take() => Interlocked.Exchange(ref _datagram, null);
    }
}
