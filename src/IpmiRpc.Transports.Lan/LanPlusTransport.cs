using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Targets;
using IpmiRpc.Core.Threading;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// IPMI 2.0 RMCP+ over UDP ("lanplus"). One socket serves every BMC and session; sessions are opened with
/// Get Channel Authentication Capabilities, cipher suite negotiation, Open Session and RAKP 1–4, kept alive while
/// idle, and closed with Close Session when disposed.
/// </summary>
public sealed class LanPlusTransport : IIpmiTransport, IAsyncDisposable
{
    /// <summary>Handshakes tried per session open when answers get lost after Open Session (see OpenSessionAsync).</summary>
    internal const int MaxHandshakeAttempts = 3;

    private readonly LanPlusOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<LanPlusSession, byte> _sessions = new();
    private LanSocket? _socket;
    private ITimer? _keepaliveTimer;
    private int _disposed;

    public LanPlusTransport(LanPlusOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new LanPlusOptions();
        _logger = logger ?? NullLogger.Instance;
    }

    public string Name => IpmiTarget.LanPlus;

    /// <summary>Datagrams this transport has sent (0 until the first needs the socket).</summary>
    public long DatagramsSent => _socket?.DatagramsSent ?? 0;

    /// <summary>Datagrams received on the socket, matched or not.</summary>
    public long DatagramsReceived => _socket?.DatagramsReceived ?? 0;

    /// <summary>Datagrams received that matched no session or request.</summary>
    public long DatagramsUnmatched => _socket?.DatagramsUnmatched ?? 0;

    /// <summary>Datagrams that waited for the packet-rate cap (<see cref="LanPlusOptions.MaxPacketsPerSecond"/>).</summary>
    public long DatagramsPaced => _socket?.Pacer?.Delayed ?? 0;

    /// <summary>The local UDP endpoint, once the socket exists.</summary>
    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint;

    public async Task<IIpmiSession> OpenAsync(IpmiTarget target, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Validate(target);

        var socket = EnsureSocket();
        var remote = socket.Normalize(await ResolveAsync(target, cancellationToken).ConfigureAwait(false));
        var remoteKey = EndpointKey.From(remote);
        var explicitSuite = target.CipherSuite is not null;
        int suiteId;
        var sessionless = socket.RentSessionless(remoteKey, remote.Serialize());
        try
        {
            var caps = await GetAuthenticationCapabilitiesAsync(sessionless, target, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            if (!caps.SupportsIpmi20)
            {
                throw new IpmiNotSupportedException($"The BMC at {target.Host}:{target.Port} does not offer IPMI 2.0 (RMCP+) sessions on this channel");
            }

            if (caps.KgStatusNonZero && target.Kg is null)
            {
                _logger.LogDebug("BMC {Remote} reports a non-zero Kg; no Kg was given", remote);
            }

            suiteId = target.CipherSuite ?? await NegotiateSuiteAsync(sessionless, target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The session-less steps are over; the session runs on its own ids.
            socket.ReturnSessionless(remoteKey, sessionless);
        }

        try
        {
            return await OpenSessionAsync(socket, target, CipherSuite.Find(suiteId)!, remote, remoteKey, cancellationToken).ConfigureAwait(false);
        }
        catch (IpmiNotSupportedException) when (!explicitSuite && suiteId != CipherSuite.Suite3.Id)
        {
            // The BMC listed the suite but refused its algorithms: fall back to the one every RMCP+ BMC has.
            _logger.LogDebug("BMC {Remote} refused cipher suite {Suite}; falling back to 3", remote, suiteId);
            return await OpenSessionAsync(socket, target, CipherSuite.Suite3, remote, remoteKey, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_keepaliveTimer is not null)
        {
            await _keepaliveTimer.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_sessions.Keys.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        _sessions.Clear();
        if (_socket is not null)
        {
            await _socket.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal IReadOnlyCollection<LanPlusSession> Sessions => _sessions.Keys.ToArray();

    /// <summary>BMC endpoints holding a session-less client: those with a handshake in its first steps.</summary>
    internal int SessionlessClients => _socket?.SessionlessClients ?? 0;

    /// <summary>Session ids registered on the socket: open sessions plus handshakes in progress.</summary>
    internal int RegisteredSessions => _socket?.RegisteredSessions ?? 0;

    private static void Validate(IpmiTarget target)
    {
        // Refuse before any packet leaves: cipher suite 0 means no authentication, integrity or encryption at all;
        // suite 1 authenticates the session but protects no packet, so anyone on the path can rewrite an answer.
        if (target.CipherSuite == 0 && !target.AllowInsecure)
        {
            throw new InsecureConfigurationException(
                "Cipher suite 0 sends everything unauthenticated and in clear text; set allowInsecure to use it anyway");
        }

        if (target.CipherSuite is { } unprotected && CipherSuite.Find(unprotected) is { Integrity: null } && !target.AllowInsecure)
        {
            throw new InsecureConfigurationException(
                $"Cipher suite {unprotected} has no integrity protection: anyone on the path can change requests and answers undetected; set allowInsecure to use it anyway");
        }

        if (target.CipherSuite is { } id && CipherSuite.Find(id) is null)
        {
            throw new IpmiNotSupportedException(
                $"Cipher suite {id} is not supported; use one of {string.Join(", ", CipherSuite.SupportedIds)} (or omit it to negotiate)");
        }

        LanPlusTarget.CheckResolved(target);
    }

    private LanSocket EnsureSocket()
    {
        lock (_lock)
        {
            if (_socket is null)
            {
                _socket = new LanSocket(_options.LocalEndPoint, _logger, _options.ReceiveThreads)
                {
                    Pacer = _options.MaxPacketsPerSecond > 0 ? new PacketPacer(_options.MaxPacketsPerSecond, _options.TimeProvider) : null,
                };
                if (_options.KeepaliveInterval > TimeSpan.Zero)
                {
                    var tick = TimeSpan.FromMilliseconds(Math.Clamp(_options.KeepaliveInterval.TotalMilliseconds / 4, 50, 1000));
                    _keepaliveTimer = _options.TimeProvider.CreateTimer(_ => KeepaliveTick(), null, tick, tick);
                }
            }

            return _socket;
        }
    }

    private void KeepaliveTick()
    {
        foreach (var session in _sessions.Keys)
        {
            if (session.IsUsable && session.IdleTime >= _options.KeepaliveInterval)
            {
                session.KeepaliveAsync().Forget(_logger, "keepalive of an idle RMCP+ session");
            }
        }
    }

    private static async Task<IPEndPoint> ResolveAsync(IpmiTarget target, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(target.Host, out var address))
        {
            return UnicastAddress.Is(address)
                ? new IPEndPoint(address, target.Port)
                : throw new TransportUnavailableException(IpmiTarget.LanPlus, $"'{target.Host}' is not a unicast address", "Give the address of one BMC");
        }

        try
        {
            var addresses = (await Dns.GetHostAddressesAsync(target.Host!, cancellationToken).ConfigureAwait(false)).Where(UnicastAddress.Is).ToArray();
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            if (chosen is not null)
            {
                return new IPEndPoint(chosen, target.Port);
            }
        }
        catch (SocketException)
        {
        }

        throw new TransportUnavailableException(IpmiTarget.LanPlus, $"Cannot resolve host '{target.Host}'", "Check the host name or use an IP address");
    }

    private static async Task<GetChannelAuthenticationCapabilitiesResponse> GetAuthenticationCapabilitiesAsync(
        SessionlessClient sessionless, IpmiTarget target, TimeProvider time, CancellationToken cancellationToken)
    {
        var capabilities = new GetChannelAuthenticationCapabilities(target.Privilege);
        var response = await sessionless.SendAsync(
            capabilities.ToRequest(), target.TimeoutMs, target.Retries, time, cancellationToken).ConfigureAwait(false);
        if (response.CompletionCode == 0xCC)
        {
            // An IPMI 1.5 BMC rejects the "IPMI 2.0 extended data" bit.
            throw new IpmiNotSupportedException($"The BMC at {target.Host}:{target.Port} speaks IPMI 1.5 only; lanplus needs IPMI 2.0");
        }

        return capabilities.DecodeResponse(response);
    }

    /// <summary>Asks Get Channel Cipher Suites and prefers 17, then 3; any failure to answer means 3.</summary>
    private async Task<int> NegotiateSuiteAsync(SessionlessClient sessionless, IpmiTarget target, CancellationToken cancellationToken)
    {
        var records = new List<byte>();
        try
        {
            for (byte index = 0; index <= GetChannelCipherSuites.MaxListIndex; index++)
            {
                // One retransmit only: a BMC that cannot answer this must not delay every session by the full retry budget.
                var request = new GetChannelCipherSuites(index);
                var response = await sessionless.SendAsync(request.ToRequest(), target.TimeoutMs, Math.Min(1, target.Retries), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    break;
                }

                var chunk = request.Decode(response.Data.Span);
                records.AddRange(chunk.RecordData);
                if (chunk.IsLastChunk)
                {
                    break;
                }
            }

            var suites = GetChannelCipherSuites.ParseRecords(records.ToArray());
            foreach (var preferred in CipherSuite.Preference)
            {
                var definition = CipherSuite.Find(preferred)!;
                if (suites.Any(s => s.OemIana is null && s.Id == preferred && s.Authentication == definition.Authentication.Id))
                {
                    return preferred;
                }
            }
        }
        catch (IpmiException ex) when (ex is IpmiTimeoutException or IpmiDecodeException)
        {
            _logger.LogDebug("Get Channel Cipher Suites failed ({Error}); using cipher suite 3", ex.Message);
        }

        return CipherSuite.Suite3.Id;
    }

    private async Task<IIpmiSession> OpenSessionAsync(
        LanSocket socket, IpmiTarget target, CipherSuite suite, IPEndPoint remote, EndpointKey remoteKey, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var session = Register(socket, target, suite, remote, remoteKey);
            try
            {
                await session.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IpmiTimeoutException ex) when (session.BmcSessionId != 0 && attempt < MaxHandshakeAttempts && !cancellationToken.IsCancellationRequested)
            {
                // The BMC answered Open Session, then an answer got lost. Repeating RAKP 1 or 3 cannot always recover
                // (a BMC that finished the handshake with the first copy no longer accepts the repeat), so start over
                // with a new console session id, as pyghmi does. The half-open session on the BMC expires on its own.
                await session.DisposeAsync().ConfigureAwait(false);
                _logger.LogDebug(
                    "Handshake {Attempt} with {Remote} lost an answer ({Error}); starting a fresh one", attempt, remote, ex.Message);
                continue;
            }
            catch
            {
                await session.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _sessions.TryAdd(session, 0);
            return new TrackedSession(session, this);
        }
    }

    private LanPlusSession Register(LanSocket socket, IpmiTarget target, CipherSuite suite, IPEndPoint remote, EndpointKey remoteKey)
    {
        while (true)
        {
            var consoleSessionId = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));
            if (consoleSessionId == 0)
            {
                continue;
            }

            var session = new LanPlusSession(socket, target, suite, remote, remoteKey, consoleSessionId, _options, _logger);
            if (socket.TryRegister(remoteKey, consoleSessionId, session))
            {
                return session;
            }
        }
    }

    private void Forget(LanPlusSession session) => _sessions.TryRemove(session, out _);

    /// <summary>What callers hold: disposing it closes the session and stops its keepalive.</summary>
    private sealed class TrackedSession(LanPlusSession inner, LanPlusTransport owner) : IIpmiSession, ILanPlusSessionInfo
    {
        public bool IsUsable => inner.IsUsable;
        public LanPlusSession Inner => inner;
        public long PacketsRetransmitted => inner.PacketsRetransmitted;
        public long PacketsDiscarded => inner.PacketsDiscarded;
        public long PacketsRejected => inner.PacketsRejected;
        public long LateAnswers => inner.LateAnswers;
        public long KeepalivesSent => inner.KeepalivesSent;
        public long KeepalivesAnswered => inner.KeepalivesAnswered;
        public int CipherSuiteId => inner.Suite.Id;
        public uint BmcSessionId => inner.BmcSessionId;
        public int Window => inner.Window;
        public long WindowReductions => inner.WindowReductions;
        public long WindowReductionsUndone => inner.WindowReductionsUndone;
        public TimeSpan? SmoothedRtt => inner.SmoothedRtt;

        public Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken) => inner.SendAsync(request, cancellationToken);

        public IReadOnlyDictionary<string, object?> Describe() => inner.Describe();

        public ValueTask DisposeAsync()
        {
            owner.Forget(inner);
            return inner.DisposeAsync();
        }
    }
}

/// <summary>Counters of a lanplus session (tests, diagnostics); every session <see cref="LanPlusTransport.OpenAsync"/> returns implements it.</summary>
public interface ILanPlusSessionInfo
{
    long PacketsRetransmitted { get; }

    /// <summary>Every packet dropped: <see cref="PacketsRejected"/> plus <see cref="LateAnswers"/>.</summary>
    long PacketsDiscarded { get; }

    /// <summary>Packets that failed a check (integrity, replay window, session id, framing, unexpected type).</summary>
    long PacketsRejected { get; }

    /// <summary>
    /// Genuine answers that arrived after their request was already answered: a retransmitted request can be answered
    /// twice, so these never exceed <see cref="PacketsRetransmitted"/> from a well-behaved BMC.
    /// </summary>
    long LateAnswers { get; }
    long KeepalivesSent { get; }

    /// <summary>Keepalives whose answer arrived and whose exchange finished (its retransmit timer no longer runs).</summary>
    long KeepalivesAnswered { get; }
    int CipherSuiteId { get; }
    uint BmcSessionId { get; }

    /// <summary>Requests the session lets into flight now: grows while the BMC keeps up, halves on a loss.</summary>
    int Window { get; }

    /// <summary>Loss events that halved <see cref="Window"/>.</summary>
    long WindowReductions { get; }

    /// <summary>Halvings undone: the request blamed was answered twice, so its first copy had not been lost.</summary>
    long WindowReductionsUndone { get; }

    /// <summary>The smoothed round trip of answers to requests sent once; null before the first.</summary>
    TimeSpan? SmoothedRtt { get; }
}
