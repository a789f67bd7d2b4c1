using System.Buffers;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using IpmiRpc.Core;
using IpmiRpc.Core.Commands.App;
using IpmiRpc.Core.Targets;
using IpmiRpc.Core.Threading;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// One RMCP+ session: the RAKP handshake, then many requests in flight at once (one rqSeq each), each retransmitted
/// with a fresh session sequence number until answered or out of retries. Answers are authenticated before anything
/// in them is believed; packets that fail any check are dropped and counted, never delivered.
/// </summary>
internal sealed class LanPlusSession : IIpmiSession, IDatagramSink
{
    private const string TransportName = IpmiTarget.LanPlus;
    private const int MaxMessageLength = IpmiLanMessage.BridgedRequestOverhead + IpmiRequest.MaxDataLength;

    // Answers to requests sent after one still unanswered that make it count as lost (TCP's three duplicate ACKs): a
    // BMC may answer out of order, but rarely by three.
    private const int LaterAnswersMeaningLoss = 3;

    private readonly LanSocket _socket;
    private readonly IpmiTarget _target;
    private readonly LanPlusOptions _options;
    private readonly ILogger _logger;
    private readonly SocketAddress _address;
    private readonly Lock _lock = new();
    private readonly Lock _sendLock = new();
    // rqSeq is 6 bits (64 values), but no more requests than the window's ceiling are ever in flight: the table holds
    // that many, each entry carrying its rqSeq, instead of 64 entries for every session a process keeps open.
    private const int RqSeqCount = 64;
    private readonly Pending?[] _slots;
    private readonly SendWindow _window;
    private readonly RttEstimator _rtt;

    // One timer for every attempt in flight, armed for the earliest deadline (under _lock; _timerDue long.MaxValue:
    // not armed); one datagram buffer for every send (under _sendLock).
    private readonly ITimer _retransmitTimer;
    private readonly byte[] _sendBuffer = new byte[SessionSecurity.MaxSealedLength(MaxMessageLength)];
    private long _timerDue = long.MaxValue;

    // Attempts waiting for the thread whose turn it is to send (see SendNow; created the first time one waits); _sending
    // is 1 while a thread has the turn.
    private System.Collections.Concurrent.ConcurrentQueue<Pending>? _sendQueue;
    private int _sending;
    private bool _closed;
    private HandshakeWait? _handshakeWait;
    private volatile SessionSecurity? _security;
    private volatile bool _usable;
    private int _disposed;
    private int _nextRqSeq;
    private long _outboundSequence;
    private long _lastSendTimestamp;
    private long _requests;
    private long _retransmits;
    private long _rejected;
    private long _lateAnswers;
    private long _keepalives;
    private long _keepalivesAnswered;
    private long _timeouts;
    private int _keepaliveRunning;
    private int _datagramsInHand;
    private volatile bool _lossesSuspected;
    private uint _bmcSessionId;

    // How long after its latest copy a request must still be unanswered before later answers count it lost (TCP RACK's
    // reordering window, RFC 8985; Stopwatch-style ticks of the options' clock, under _lock). 0 until a retransmit by
    // later answers proves spurious: with several receive threads, the thread holding an answer can be preempted for
    // milliseconds while the others open later ones (tests/bench README, "Seventh pass: burst evenness"). Each
    // spurious one doubles it, up to a quarter of the shortest retransmit timeout; it halves every
    // ReorderingDecayAnswers answers without one, so a BMC that really drops gets its early retransmits back.
    private const int ReorderingDecayAnswers = 1024;
    private long _reorderingWindow;
    private int _answersSinceReordering;

    // The last request that left after exactly one retransmit: a second answer to its rqSeq arriving after it left
    // proves its first copy was not lost (see SendWindow.OnSpuriousLoss). Admission 0: none.
    private int _leftRetransmittedRqSeq = -1;
    private long _leftRetransmittedAdmission;

    public LanPlusSession(LanSocket socket, IpmiTarget target, CipherSuite suite, IPEndPoint remote, EndpointKey remoteKey, uint consoleSessionId, LanPlusOptions options, ILogger logger)
    {
        _socket = socket;
        _target = target;
        _options = options;
        _logger = logger;
        Suite = suite;
        Remote = remote;
        RemoteKey = remoteKey;
        ConsoleSessionId = consoleSessionId;
        _address = remote.Serialize();
        // rqSeq is 6 bits: 64 requests at most, one kept free so a just-freed rqSeq is not reused at once.
        _window = new SendWindow(options.InitialInFlightPerSession, Math.Clamp(options.MaxInFlightPerSession, 1, RqSeqCount - 1));
        _slots = new Pending?[_window.Ceiling];
        _rtt = new RttEstimator(options.MinRetransmitTimeout);
        _lastSendTimestamp = options.TimeProvider.GetTimestamp();
        _retransmitTimer = options.TimeProvider.CreateTimer(
            static session => ((LanPlusSession)session!).OnRetransmitTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public CipherSuite Suite { get; }
    public IPEndPoint Remote { get; }
    public EndpointKey RemoteKey { get; }
    public uint ConsoleSessionId { get; }
    public uint BmcSessionId => _bmcSessionId;
    public PrivilegeLevel Privilege => _target.Privilege;
    public DateTimeOffset OpenedAt { get; private set; }

    public bool IsUsable => _usable && Volatile.Read(ref _disposed) == 0;

    public long PacketsRetransmitted => Interlocked.Read(ref _retransmits);
    public long PacketsDiscarded => PacketsRejected + LateAnswers;
    public long PacketsRejected => Interlocked.Read(ref _rejected);
    public long LateAnswers => Interlocked.Read(ref _lateAnswers);
    public long KeepalivesSent => Interlocked.Read(ref _keepalives);
    public long KeepalivesAnswered => Interlocked.Read(ref _keepalivesAnswered);
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Requests this session lets into flight now (adapted between 1 and the ceiling).</summary>
    public int Window => _window.Size;

    /// <summary>Times a loss halved the window.</summary>
    public long WindowReductions => _window.Reductions;

    /// <summary>Halvings undone because the request blamed was answered twice.</summary>
    public long WindowReductionsUndone => _window.Undone;

    /// <summary>The smoothed round trip measured on this session, or null before the first answer.</summary>
    public TimeSpan? SmoothedRtt => _rtt.SmoothedRtt;

    /// <summary>Time since this session last sent anything (what the BMC's idle timer sees).</summary>
    public TimeSpan IdleTime => _options.TimeProvider.GetElapsedTime(Interlocked.Read(ref _lastSendTimestamp));

    public IReadOnlyDictionary<string, object?> Describe() => new Dictionary<string, object?>
    {
        ["transport"] = TransportName,
        ["host"] = _target.Host,
        ["port"] = _target.Port,
        ["bmcSessionId"] = "0x" + _bmcSessionId.ToString("X8", CultureInfo.InvariantCulture),
        ["consoleSessionId"] = "0x" + ConsoleSessionId.ToString("X8", CultureInfo.InvariantCulture),
        ["cipherSuite"] = Suite.Id,
        ["privilege"] = _target.Privilege.ToString().ToLowerInvariant(),
        ["authentication"] = Suite.Authentication.Name,
        ["integrity"] = Suite.IntegrityName,
        ["confidentiality"] = Suite.ConfidentialityName,
        ["protection"] = Suite.Integrity is null ? "none: packets neither integrity-protected nor encrypted" : Suite.Aes ? "integrity and confidentiality" : "integrity only: no confidentiality (clear text)",
        ["openedAt"] = OpenedAt,
        ["requests"] = RequestCount,
        ["packetsRetransmitted"] = PacketsRetransmitted,
        ["packetsDiscarded"] = PacketsDiscarded,
        ["packetsRejected"] = PacketsRejected,
        ["lateAnswers"] = LateAnswers,
        ["keepalivesSent"] = KeepalivesSent,
        ["window"] = Window,
        ["windowReductions"] = WindowReductions,
        ["windowReductionsUndone"] = WindowReductionsUndone,
        ["smoothedRttMs"] = SmoothedRtt is { } srtt ? Math.Round(srtt.TotalMilliseconds, 3) : null,
        ["usable"] = IsUsable,
    };

    /// <summary>Open Session, RAKP 1–4, then Set Session Privilege Level. Throws; the caller disposes on failure.</summary>
    public async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var auth = Suite.Authentication;
        var privilege = (byte)_target.Privilege;
        var password = _target.Password?.Bytes.ToArray() ?? [];
        var kg = _target.Kg is { Length: > 0 } k ? k.Bytes.ToArray() : password;
        var username = System.Text.Encoding.UTF8.GetBytes(_target.Username);
        try
        {
            byte tag = 0;
            var open = new OpenSessionRequest(tag, privilege, ConsoleSessionId, auth.Id, Suite.IntegrityId, Suite.ConfidentialityId);
            var buffer = new byte[OpenSessionRequest.Length];
            open.Encode(buffer);
            var payload = await ExchangeAsync(PayloadType.OpenSessionRequest, buffer, PayloadType.OpenSessionResponse, tag, "Open Session Request", cancellationToken).ConfigureAwait(false);
            var response = OpenSessionResponse.Decode(payload);
            if (response.Status != 0)
            {
                throw StatusError(response.Status, "Open Session");
            }

            if (response.AuthenticationAlgorithm != auth.Id || response.IntegrityAlgorithm != Suite.IntegrityId || response.ConfidentialityAlgorithm != Suite.ConfidentialityId)
            {
                // Some BMCs answer every proposal with their favourite algorithms; continuing would mean a suite we did not choose.
                throw new IpmiNotSupportedException(
                    $"BMC answered cipher suite {Suite.Id}'s proposal with algorithms {response.AuthenticationAlgorithm}/{response.IntegrityAlgorithm}/{response.ConfidentialityAlgorithm}");
            }

            if (response.BmcSessionId == 0)
            {
                throw new IpmiDecodeException("Open Session Response: BMC session id 0");
            }

            // ipmi_sim echoes the requested maximum privilege, even 0; the privilege that counts is Set Session Privilege's.
            _bmcSessionId = response.BmcSessionId;

            tag++;
            var rm = RandomNumberGenerator.GetBytes(16);
            var role = (byte)(privilege | 0x10); // name-only lookup, as ipmitool does
            var rakp1 = new Rakp1(tag, _bmcSessionId, rm, role, username);
            buffer = new byte[rakp1.Length];
            rakp1.Encode(buffer);
            payload = await ExchangeAsync(PayloadType.Rakp1, buffer, PayloadType.Rakp2, tag, "RAKP Message 1", cancellationToken).ConfigureAwait(false);
            var rakp2 = Rakp2.Decode(payload, auth.HmacLength);
            if (rakp2.Status != 0)
            {
                throw StatusError(rakp2.Status, "RAKP Message 2");
            }

            var expected = SessionKeys.Rakp2AuthCode(auth, password, ConsoleSessionId, _bmcSessionId, rm, rakp2.BmcRandom, rakp2.BmcGuid, role, username);
            if (!SessionKeys.FixedTimeEquals(expected, rakp2.AuthCode))
            {
                throw new IpmiAuthenticationException(TransportName, "The BMC's RAKP 2 key exchange code does not match: wrong user name or password");
            }

            var sik = SessionKeys.Sik(auth, kg, rm, rakp2.BmcRandom, role, username);
            var k1 = SessionKeys.K1(auth, sik);
            var k2 = SessionKeys.K2(auth, sik);

            tag++;
            var rakp3 = new Rakp3(tag, 0, _bmcSessionId, SessionKeys.Rakp3AuthCode(auth, password, rakp2.BmcRandom, ConsoleSessionId, role, username));
            buffer = new byte[rakp3.Length];
            rakp3.Encode(buffer);
            payload = await ExchangeAsync(PayloadType.Rakp3, buffer, PayloadType.Rakp4, tag, "RAKP Message 3", cancellationToken).ConfigureAwait(false);
            var rakp4 = Rakp4.Decode(payload, auth.IcvLength);
            if (rakp4.Status != 0)
            {
                throw StatusError(rakp4.Status, "RAKP Message 4");
            }

            var icv = SessionKeys.Rakp4Icv(auth, sik, rm, _bmcSessionId, rakp2.BmcGuid);
            if (!SessionKeys.FixedTimeEquals(icv, rakp4.IntegrityCheckValue))
            {
                throw new IpmiAuthenticationException(TransportName, "The BMC's RAKP 4 integrity check value does not match: wrong Kg (BMC key)?");
            }

            _security = new SessionSecurity(Suite, k1, k2, _bmcSessionId, ConsoleSessionId, _options.ReplayWindow);
            CryptographicOperations.ZeroMemory(sik);
            CryptographicOperations.ZeroMemory(k1);
            CryptographicOperations.ZeroMemory(k2);
            OpenedAt = _options.TimeProvider.GetUtcNow();
            _usable = true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(password);
            CryptographicOperations.ZeroMemory(kg);
        }

        // A new session starts at User; raise it to what the target asked for (IPMI v2.0 §22.18).
        if (_target.Privilege != PrivilegeLevel.User)
        {
            var raise = new SetSessionPrivilegeLevel(_target.Privilege);
            var response = await SendCoreAsync(raise.ToRequest(), _target.TimeoutMs, _target.Retries, cancellationToken).ConfigureAwait(false);
            if (response.CompletionCode is 0x80 or 0x81)
            {
                throw new IpmiPermissionDeniedException(
                    $"BMC refused privilege {_target.Privilege} for this user (completion code 0x{response.CompletionCode:X2})");
            }

            response.EnsureSuccess(raise.Info.NetFn, raise.Info.Command);
        }

        _logger.LogDebug(
            "Opened RMCP+ session to {Remote}: cipher suite {Suite}, BMC session 0x{BmcSession:X8}",
            Remote, Suite.Id, _bmcSessionId);
    }

    public Task<IpmiResponse> SendAsync(IpmiRequest request, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0 || _security is null)
        {
            throw new TransportUnavailableException(TransportName, "The RMCP+ session is closed", "Open a new session");
        }

        if (request.Data.Length > IpmiRequest.MaxDataLength)
        {
            throw new IpmiNotSupportedException($"Request data of {request.Data.Length} bytes exceeds {IpmiRequest.MaxDataLength}");
        }

        // As the openipmi transport: another responder address or any channel means bridging, channel 0 (IPMB) unless named.
        byte? bridgeChannel = request.IsBridged
            ? SendMessage.ChannelByte(request.Channel ?? 0)
            : null;
        return SendCoreAsync(request, _target.TimeoutMs, _target.Retries, cancellationToken, bridgeChannel, failIfDied: true);
    }

    /// <summary>Sends a harmless request (Get Device ID) so the BMC does not expire an idle session.</summary>
    public async Task KeepaliveAsync()
    {
        if (!IsUsable || Interlocked.Exchange(ref _keepaliveRunning, 1) != 0)
        {
            return;
        }

        try
        {
            Interlocked.Increment(ref _keepalives);
            await SendCoreAsync(new GetDeviceId().ToRequest(), _target.TimeoutMs, _target.Retries, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _keepalivesAnswered);
        }
        catch (IpmiException ex)
        {
            _logger.LogDebug("Keepalive on BMC session 0x{BmcSession:X8} failed: {Error}", _bmcSessionId, ex.Message);
        }
        finally
        {
            Volatile.Write(ref _keepaliveRunning, 0);
        }
    }

    public void OnDatagram(ReadOnlySpan<byte> datagram)
    {
        var security = _security;
        if (security is null)
        {
            OnHandshakeDatagram(datagram);
            return;
        }

        // Several receive threads open this session's answers at once, so an answer can complete after later ones
        // although it arrived first: a loss suspected meanwhile is acted on only once none is left in hand.
        Interlocked.Increment(ref _datagramsInHand);
        Pending? finished;
        try
        {
            finished = OnSessionDatagram(security, datagram);
        }
        finally
        {
            if (Interlocked.Decrement(ref _datagramsInHand) == 0)
            {
                RetransmitSuspectedLosses();
            }
        }

        // Last, with no lock held and nothing left in hand: the requester's code may run right here (see Deliver).
        if (finished is not null)
        {
            Deliver(finished);
        }
    }

    /// <summary>
    /// Hands an answered request to its requester. With several receive threads the requester's continuation runs on
    /// this one (the rest of the request, the host's response, often the next request's send): a hop to the thread
    /// pool would cost a wake-up and a context switch per request, the largest part of the CPU a request took (the
    /// profile is in tests/bench/README.md, "Hot path"), while the other receive threads keep taking datagrams. A lone
    /// receive thread hands it to the pool instead: a long continuation there would hold up every other answer.
    /// </summary>
    private void Deliver(Pending finished)
    {
        if (_socket.ReceiveThreadCount > 1)
        {
            finished.Complete();
        }
        else
        {
            finished.CompleteOnThreadPool();
        }
    }

    /// <summary>Opens, checks and matches one datagram. Returns the request it answered, to be delivered by the caller.</summary>
    private Pending? OnSessionDatagram(SessionSecurity security, ReadOnlySpan<byte> datagram)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(datagram.Length);
        try
        {
            var result = security.Open(datagram, buffer, out var type, out var length);
            if (result == OpenResult.WrongSession && IsHandshakeAnswer(datagram))
            {
                // A copy of a handshake answer whose step already completed (its request was retransmitted).
                DiscardLate("handshake answer after the handshake");
                return null;
            }

            if (result != OpenResult.Ok || type != PayloadType.Ipmi)
            {
                Reject(result == OpenResult.Ok ? "unexpected payload type " + type : result.ToString());
                return null;
            }

            var message = buffer.AsSpan(0, length);
            LanResponse response;
            try
            {
                response = IpmiLanMessage.DecodeResponse(message);
            }
            catch (IpmiDecodeException ex)
            {
                Reject(ex.Message);
                return null;
            }

            Pending? pending;
            lock (_lock)
            {
                pending = FindLocked(response.RqSeq);
            }

            if (pending is not null && pending.Bridged && response.NetFn == (SendMessage.Info.NetFn | 1) && response.Command == SendMessage.Info.Command)
            {
                return OnSendMessageResponse(pending, message, response);
            }

            if (pending is null || response.NetFn != (pending.NetFn | 1) || response.Command != pending.Command)
            {
                // Authenticated, so the BMC's own: a late answer to a retransmitted request that was already answered.
                if (pending is null)
                {
                    OnSecondAnswerAfterLeaving(response.RqSeq);
                }

                DiscardLate("no request waiting for rqSeq " + response.RqSeq.ToString(CultureInfo.InvariantCulture));
                return null;
            }

            if (pending.TryFinish(new IpmiResponse(response.CompletionCode, message.Slice(response.DataOffset, response.DataLength).ToArray())))
            {
                pending.AnsweredAt = _options.TimeProvider.GetTimestamp();
                CountAnswerPast(pending);
                return pending;
            }

            // Answered already, its requester not yet resumed: a second answer to a retransmitted request, as late as
            // one that finds the slot empty.
            if (Volatile.Read(ref pending.Copies) == 2)
            {
                _window.OnSpuriousLoss(pending.Admission);
                OnReorderingSeen();
            }

            DiscardLate("request on rqSeq " + response.RqSeq.ToString(CultureInfo.InvariantCulture) + " already answered");
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The BMC's answer to the Send Message carrying a bridged request (IPMI v2.0 §6.13). A completion code other
    /// than 00h (e.g. 83h, nobody acknowledged the target address) is the bridged request's answer, as ipmitool
    /// reports it. Otherwise the target's answer is either embedded after the completion code, or follows as a
    /// message of its own with the same rqSeq (ipmi_sim), which the normal match in <see cref="OnDatagram"/> takes.
    /// </summary>
    private Pending? OnSendMessageResponse(Pending pending, ReadOnlySpan<byte> message, LanResponse response)
    {
        if (response.CompletionCode != 0)
        {
            if (pending.TryFinish(new IpmiResponse(response.CompletionCode, message.Slice(response.DataOffset, response.DataLength).ToArray())))
            {
                return pending;
            }

            DiscardLate("Send Message on rqSeq " + response.RqSeq.ToString(CultureInfo.InvariantCulture) + " already answered");
            return null;
        }

        if (response.DataLength == 0)
        {
            pending.Forwarded = true;
            return null;
        }

        // The integrity check passed, so a bad embedded message is the BMC's own doing: report it, do not wait for more.
        var embedded = message.Slice(response.DataOffset, response.DataLength);
        try
        {
            var inner = IpmiLanMessage.DecodeResponse(embedded);
            if (inner.NetFn != (pending.NetFn | 1) || inner.Command != pending.Command)
            {
                throw new IpmiDecodeException(
                    $"Send Message response embeds NetFn 0x{inner.NetFn:X2} command 0x{inner.Command:X2}, not the answer to NetFn 0x{pending.NetFn:X2} command 0x{pending.Command:X2}");
            }

            if (pending.TryFinish(new IpmiResponse(inner.CompletionCode, embedded.Slice(inner.DataOffset, inner.DataLength).ToArray())))
            {
                return pending;
            }

            DiscardLate("Send Message on rqSeq " + response.RqSeq.ToString(CultureInfo.InvariantCulture) + " already answered");
            return null;
        }
        catch (IpmiDecodeException ex)
        {
            return pending.TryFinish(ex) ? pending : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_usable && _security is not null)
        {
            _usable = false;
            try
            {
                // One attempt, short wait: the BMC may already have forgotten us, and closing must never hang or throw.
                var timeout = (int)Math.Clamp(_options.CloseSessionTimeout.TotalMilliseconds, 1, _target.TimeoutMs);
                var close = SendCoreAsync(new CloseSession(_bmcSessionId).ToRequest(), timeout, 0, CancellationToken.None);

                // The same bound on the system clock too: disposal must end even when the injected clock never moves
                // (a test's fake clock with a lost answer). The exchange left behind fails below with the other slots.
                close.Abandon();
                await close.WaitAsync(TimeSpan.FromMilliseconds(timeout), TimeProvider.System).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IpmiException or OperationCanceledException or TimeoutException)
            {
                _logger.LogDebug("Close Session for BMC session 0x{BmcSession:X8}: {Error}", _bmcSessionId, ex.Message);
            }
        }

        _usable = false;
        _socket.Unregister(RemoteKey, ConsoleSessionId);
        Pending?[] waiting;
        lock (_lock)
        {
            // Every request either is in this snapshot (failed below) or finds the session closed when it would send.
            _closed = true;
            waiting = [.. _slots];
            _retransmitTimer.Dispose();
        }

        // Failed after the lock is let go: no waiter's completion runs (or is even scheduled) while the lock is held.
        foreach (var pending in waiting)
        {
            if (pending is not null && pending.TryFinish(new TransportUnavailableException(TransportName, "The RMCP+ session was closed", "Retry on a new session")))
            {
                pending.CompleteOnThreadPool();
            }
        }

        lock (_sendLock)
        {
            // A retransmit the timer started just before may still be sealing.
            _security?.Dispose();
        }
    }

    private void OnHandshakeDatagram(ReadOnlySpan<byte> datagram)
    {
        try
        {
            var header = Ipmi20Packet.DecodeHeader(datagram);
            var payload = Ipmi20Packet.Payload(datagram, header);
            var wait = Volatile.Read(ref _handshakeWait);
            if (wait is not null && wait.Retransmitted && wait.Type == PayloadType.Rakp4 && header.Type == PayloadType.Rakp4 &&
                (header.Authenticated || header.Encrypted || (payload.Length > 1 && payload[0] == wait.Tag && payload[1] == RmcpPlusStatus.InvalidSessionId)))
            {
                // The BMC finished the handshake with an earlier copy of RAKP 3 and its RAKP 4 was lost (a burst can
                // overflow our receive buffer): it answers the repeat inside the new session (ipmi_sim) or with "invalid
                // session id" (IPMI v2.0 §13.31). No copy can complete this handshake any more, so give up now and let
                // the transport start a fresh one, as pyghmi does.
                wait.Completion.TrySetException(new IpmiTimeoutException(
                    "RAKP Message 4 was lost: the BMC completed the handshake with an earlier RAKP Message 3", _target.TimeoutMs, _target.Retries));
                return;
            }

            if (wait is not null && header.Type == wait.Type && payload.Length > 0 && payload[0] == wait.Tag && !header.Authenticated && !header.Encrypted)
            {
                if (wait.Retransmitted && payload.Length > 1 && payload[1] == RmcpPlusStatus.InvalidSessionId && header.Type != PayloadType.OpenSessionResponse)
                {
                    // The BMC already moved on with our first copy and calls the retransmitted one stale; its answer to
                    // the first copy may still be on the way, so keep waiting (as pyghmi does).
                    DiscardLate("stale-copy status for retransmitted " + header.Type);
                    return;
                }

                wait.Completion.TrySetResult(payload.ToArray());
                return;
            }

            if (wait is not null && !header.Authenticated && !header.Encrypted && payload.Length > 0 && payload[0] < wait.Tag && IsHandshakeAnswer(datagram))
            {
                // The answer to an earlier step's retransmitted copy: that step already completed with the first answer.
                DiscardLate("late answer to handshake step " + header.Type);
                return;
            }

            Reject("unexpected handshake message " + header.Type);
        }
        catch (IpmiDecodeException ex)
        {
            Reject(ex.Message);
        }
    }

    private async Task<byte[]> ExchangeAsync(PayloadType type, byte[] payload, PayloadType expect, byte tag, string what, CancellationToken cancellationToken)
    {
        var wait = new HandshakeWait(expect, tag);
        Volatile.Write(ref _handshakeWait, wait);
        var datagram = new byte[Ipmi20Packet.HeaderLength + payload.Length];
        Ipmi20Packet.EncodeUnprotected(datagram, type, 0, 0, payload);
        try
        {
            return await Retransmit.RunAsync(
                _ => _socket.Send(_address, datagram),
                wait.Completion.Task,
                _target.TimeoutMs,
                _target.Retries,
                () =>
                {
                    wait.Retransmitted = true;
                    Interlocked.Increment(ref _retransmits);
                },
                what,
                _socket.Pacer,
                _options.TimeProvider,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.CompareExchange(ref _handshakeWait, null, wait);
        }
    }

    private async Task<IpmiResponse> SendCoreAsync(
        IpmiRequest request, int timeoutMs, int retries, CancellationToken cancellationToken, byte? bridgeChannel = null, bool failIfDied = false)
    {
        _ = _security ?? throw new TransportUnavailableException(TransportName, "The RMCP+ session is not established", "Open a new session");

        // A request that changes the BMC keeps the full timeoutMs per attempt and no early retransmit: a BMC need not
        // take a repeat (same rqSeq, new session sequence number) for a duplicate, and a Chassis Control or a reset run
        // twice is not the same as once. Callers that must send once (chassis.setPower) stop before the first
        // retransmission, which only a fixed attempt time lets them know.
        var quickRetransmit = CommandCatalogue.Find(request.NetFn, request.Command) is { IsReadOnly: true };
        var admission = await _window.EnterAsync(cancellationToken).ConfigureAwait(false);
        if (failIfDied && !_usable)
        {
            // The session died (an earlier request heard nothing through all its retries) while this one waited for the
            // window: sending would only wait out every retry again, one waiter after another. Fail it unsent, as a
            // session loss, so the pool moves it to the one fresh session every waiter shares.
            _window.Exit();
            throw new IpmiTimeoutException(
                $"The RMCP+ session to {Remote} stopped answering while this request waited its turn; not sent on it", timeoutMs, retries);
        }

        var message = ArrayPool<byte>.Shared.Rent(MaxMessageLength);
        var pending = new Pending(request, bridgeChannel, timeoutMs, retries, quickRetransmit, message) { Admission = admission };
        var (slot, rqSeq) = Reserve(pending);
        var registration = default(CancellationTokenRegistration);
        try
        {
            Interlocked.Increment(ref _requests);
            pending.MessageLength = bridgeChannel is { } channelByte
                ? IpmiLanMessage.EncodeBridgedRequest(message, channelByte, request.ResponderAddress, request.NetFn, request.Lun, rqSeq, request.Command, request.Data.Span)
                : IpmiLanMessage.EncodeRequest(message, request.ResponderAddress, request.NetFn, request.Lun, rqSeq, request.Command, request.Data.Span);
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.UnsafeRegister(
                    static (state, token) =>
                    {
                        var cancelled = (Pending)state!;
                        if (cancelled.TryFinish(new OperationCanceledException(token)))
                        {
                            cancelled.CompleteOnThreadPool();
                        }
                    },
                    pending);
            }

            if (_socket.Pacer is { } pacer)
            {
                await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            // Later attempts are sent by the retransmit timer or by later answers (OnRetransmitTimer, CountAnswerPast):
            // this method only waits for the outcome, so a request costs no timer, token source or task per attempt.
            SendAttempt(pending);
            var response = await pending.Completion.Task.ConfigureAwait(false);
            if (!pending.Retransmitted && !pending.Bridged)
            {
                // Karn: only an answer to a request sent once times the round trip unambiguously. A bridged answer
                // times the bridge as well, not this BMC.
                _rtt.AddSample(_options.TimeProvider.GetElapsedTime(pending.SentAt, pending.AnsweredAt));
                _window.OnCleanAnswer();
            }

            return response;
        }
        catch (IpmiTimeoutException ex) when (pending.Forwarded)
        {
            // The BMC accepted the Send Message, so the session is fine; it is the bridged target that stays silent.
            Interlocked.Increment(ref _timeouts);
            throw new IpmiTimeoutException(
                ex.Message + $"; the BMC forwarded it but no answer came from address 0x{request.ResponderAddress:X2}", timeoutMs, retries);
        }
        catch (IpmiTimeoutException)
        {
            // Silence for every retry: the BMC is gone or forgot the session (restart, idle expiry). Let the pool re-open.
            Interlocked.Increment(ref _timeouts);
            _usable = false;
            throw;
        }
        finally
        {
            // A request that failed before its outcome (the pacer's wait cancelled) ends here all the same.
            pending.GiveUp();
            registration.Dispose();
            lock (_lock)
            {
                if (ReferenceEquals(_slots[slot], pending))
                {
                    _slots[slot] = null;
                }

                if (Volatile.Read(ref pending.Copies) == 2 && pending.Answered)
                {
                    _leftRetransmittedRqSeq = rqSeq;
                    _leftRetransmittedAdmission = pending.Admission;
                }
            }

            // Back to the pool now, or by a retransmit still sealing from it when that is done: the send lock, held
            // for a whole seal and send, is not waited for here.
            pending.ReleaseMessage();
            _window.Exit();
        }
    }

    /// <summary>Sends the request's current attempt now, or once the transport's packet-rate cap lets it.</summary>
    private void SendAttempt(Pending pending)
    {
        if (_socket.Pacer is { } pacer && pending.Attempt > 0)
        {
            _ = SendPacedAsync(pacer, pending);
        }
        else
        {
            SendNow(pending);
        }
    }

    private async Task SendPacedAsync(PacketPacer pacer, Pending pending)
    {
        try
        {
            await pacer.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            SendNow(pending);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
        {
            // The session closed while the copy waited for its slot: its request has failed already.
        }
    }

    /// <summary>
    /// Seals and sends the request's current attempt with a new session sequence number (a BMC drops repeats as
    /// replays); the rqSeq stays, so a late answer to an earlier attempt still completes the request. Numbering and
    /// sending happen on one thread at a time so datagrams leave in sequence order: with many requests in flight, a
    /// packet overtaken by later ones can fall below the BMC's acceptance window and be dropped (ipmi_sim did, costing a
    /// 1 s retransmit; see tests/bench). A thread that finds another sending leaves its request in the session's send
    /// queue and goes on, and the sending thread sends it before it stops: waiting for the send lock instead spun, then
    /// yielded the core, then slept, while the other thread sealed and sent (tests/bench README, "Seventh pass: burst
    /// evenness"). The attempt's deadline is set before its datagram leaves: whoever sees the datagram (a test counting
    /// them on a fake clock) knows the timer that will retransmit it already runs.
    /// </summary>
    private void SendNow(Pending pending)
    {
        if (pending.IsFinished || !pending.TryUseMessage())
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
        {
            // Another thread has the turn: leave the attempt to it. The queue exists only once that happened (a session
            // used one request at a time never needs it). Taking the turn again here covers a turn that ended just now.
            LazyInitializer.EnsureInitialized(ref _sendQueue).Enqueue(pending);
            if (Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
            {
                return;
            }

            SendTurn(null);
            return;
        }

        SendTurn(pending);
    }

    /// <summary>
    /// Sends <paramref name="first"/> and whatever other threads queued, on the thread that holds the turn. The queue holds
    /// this session's requests in flight and their retransmits, so a turn ends once the window's worth queued meanwhile
    /// is out; the loop only repeats for an attempt queued just as the last turn ended.
    /// </summary>
    private void SendTurn(Pending? first)
    {
        while (true)
        {
            try
            {
                lock (_sendLock)
                {
                    if (first is not null)
                    {
                        SendOneQueued(first);
                        first = null;
                    }

                    while (_sendQueue is { } queue && queue.TryDequeue(out var next))
                    {
                        SendOneQueued(next);
                    }
                }
            }
            finally
            {
                // A full fence: the queue must be read after the turn is given back, or an attempt queued by a thread
                // that still saw the turn taken could be left behind with no one to send it.
                Interlocked.Exchange(ref _sending, 0);
            }

            if (_sendQueue is not { IsEmpty: false } || Interlocked.CompareExchange(ref _sending, 1, 0) != 0)
            {
                return;
            }
        }
    }

    /// <summary>One attempt of the turn: sealed and sent, or failed alone (the ones queued behind it must still go out).</summary>
    private void SendOneQueued(Pending pending)
    {
        try
        {
            SealAndSendLocked(pending, pending.Message!);
        }
        catch (Exception ex)
        {
            // Its own sender would have seen this; the attempts queued behind it must still go out.
            if (pending.TryFinish(ex))
            {
                pending.CompleteOnThreadPool();
            }
        }
        finally
        {
            pending.ReleaseMessage();
        }
    }

    /// <summary>Seals and sends one attempt (under <see cref="_sendLock"/>, by the thread whose turn it is to send).</summary>
    private void SealAndSendLocked(Pending pending, byte[] message)
    {
        if (pending.IsFinished || _security is not { } security)
        {
            return;
        }

        var attempt = pending.Attempt;
        var now = _options.TimeProvider.GetTimestamp();
        var timeout = pending.QuickRetransmit
            ? _rtt.AttemptTimeout(attempt, pending.TimeoutMs, last: attempt == pending.Retries)
            : TimeSpan.FromMilliseconds(Math.Max(1, pending.TimeoutMs));
        bool closed;
        lock (_lock)
        {
            closed = _closed;
            if (!closed)
            {
                pending.Deadline = now + (long)(timeout.TotalSeconds * _options.TimeProvider.TimestampFrequency);
                ArmTimerLocked(pending.Deadline, now);
            }
        }

        if (closed)
        {
            // Reserved after disposal failed the requests in flight: no timer would ever end this one.
            if (pending.TryFinish(new TransportUnavailableException(TransportName, "The RMCP+ session was closed", "Retry on a new session")))
            {
                pending.CompleteOnThreadPool();
            }

            return;
        }

        var sequence = NextSequence(out var sendOrder);
        var length = security.Seal(_sendBuffer, PayloadType.Ipmi, sequence, message.AsSpan(0, pending.MessageLength));
        Interlocked.Exchange(ref _lastSendTimestamp, now);
        if (attempt == 0)
        {
            pending.SentAt = now;
            pending.FirstSentSequence = sendOrder;
        }

        Volatile.Write(ref pending.LastSentAt, now);
        Volatile.Write(ref pending.LastSentSequence, sendOrder);
        Volatile.Write(ref pending.Copies, attempt + 1);
        _socket.Send(_address, _sendBuffer.AsSpan(0, length));
    }

    /// <summary>Makes the session's one retransmit timer fire by <paramref name="deadline"/> (under <see cref="_lock"/>).</summary>
    private void ArmTimerLocked(long deadline, long now)
    {
        if (deadline >= _timerDue || _closed)
        {
            return;
        }

        _timerDue = deadline;

        // Rounded up, so the timer does not fire before the deadline (the attempt would be found not yet due and the
        // timer armed again), and at least a millisecond, so it never fires on the arming thread.
        var ticks = Math.Ceiling((deadline - now) * (double)TimeSpan.TicksPerSecond / _options.TimeProvider.TimestampFrequency);
        _retransmitTimer.Change(TimeSpan.FromTicks((long)Math.Max(TimeSpan.TicksPerMillisecond, ticks)), Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The retransmit timer: every request whose attempt ran out of time is retransmitted, or fails after its last
    /// one; the timer is armed again for the earliest deadline left. One timer per session, armed only while requests
    /// are in flight, instead of a timer, two token sources and a task per attempt.
    /// </summary>
    private void OnRetransmitTimer()
    {
        var now = _options.TimeProvider.GetTimestamp();
        List<(Pending Request, int Attempt)>? due = null;
        lock (_lock)
        {
            _timerDue = long.MaxValue;
            var next = long.MaxValue;
            foreach (var pending in _slots)
            {
                if (pending is null || pending.IsFinished || pending.Deadline == long.MaxValue)
                {
                    continue;
                }

                if (pending.Deadline <= now)
                {
                    pending.Deadline = long.MaxValue;
                    (due ??= []).Add((pending, pending.Attempt));
                }
                else
                {
                    next = Math.Min(next, pending.Deadline);
                }
            }

            if (next != long.MaxValue)
            {
                ArmTimerLocked(next, now);
            }
        }

        foreach (var (pending, attempt) in due ?? [])
        {
            if (attempt >= pending.Retries)
            {
                if (pending.TryFinish(new IpmiTimeoutException(
                    $"No answer to {pending.Describe()} after {pending.Retries + 1} attempt(s), the last of {pending.TimeoutMs} ms", pending.TimeoutMs, pending.Retries)))
                {
                    pending.CompleteOnThreadPool();
                }
            }
            else
            {
                RetransmitAttempt(pending, attempt, "its attempt timed out");
            }
        }
    }

    /// <summary>
    /// Sends attempt <paramref name="attempt"/> + 1 of <paramref name="pending"/> unless that attempt ended otherwise
    /// meanwhile (answered, failed, or already retransmitted by the timer or by later answers).
    /// </summary>
    /// <param name="cause">Why, for the debug log (which rule retransmits is what tells a spurious copy's origin).</param>
    private void RetransmitAttempt(Pending pending, int attempt, string cause)
    {
        lock (_lock)
        {
            if (pending.IsFinished || pending.Attempt != attempt || attempt >= pending.Retries)
            {
                return;
            }

            pending.Attempt = attempt + 1;
            pending.Deadline = long.MaxValue;
            pending.LaterAnswers = 0;
            pending.LossSuspected = false;
        }

        pending.Retransmitted = true;
        Interlocked.Increment(ref _retransmits);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.LogDebug("Retransmitting rqSeq {RqSeq} of console session 0x{ConsoleSession:X8}: {Cause}", pending.RqSeq, ConsoleSessionId, cause);
        }

        _window.OnLoss(pending.Admission);
        SendAttempt(pending);
    }

    /// <summary>
    /// An answer to a request sent after others still unanswered: a BMC that takes one request at a time dropped them,
    /// and waiting out their timeouts would stall the window for one. After <see cref="LaterAnswersMeaningLoss"/> such
    /// answers a request is retransmitted at once (and the window halves, as for any loss).
    /// </summary>
    private void CountAnswerPast(Pending answered)
    {
        List<(Pending Request, int Attempt)>? lost = null;
        long now = 0;
        lock (_lock)
        {
            if (_reorderingWindow > 0 && ++_answersSinceReordering >= ReorderingDecayAnswers)
            {
                _reorderingWindow /= 2;
                _answersSinceReordering = 0;
            }

            foreach (var other in _slots)
            {
                if (other is null || ReferenceEquals(other, answered) || other.IsFinished || !other.EarlyRetransmit
                    || other.LastSentSequence == 0 || other.LastSentSequence >= answered.FirstSentSequence)
                {
                    continue;
                }

                if (++other.LaterAnswers < LaterAnswersMeaningLoss
                    || (_reorderingWindow > 0 && (now = now == 0 ? _options.TimeProvider.GetTimestamp() : now) - Volatile.Read(ref other.LastSentAt) < _reorderingWindow))
                {
                    // Not yet: each later answer looks again, and the retransmit timer still covers a loss.
                    continue;
                }

                if (Volatile.Read(ref _datagramsInHand) <= 1)
                {
                    (lost ??= []).Add((other, other.Attempt));
                }
                else
                {
                    // Its answer may be the one another receive thread is opening right now (retransmitting then
                    // costs the BMC a duplicate and us half the window): decided when the last one in hand is done,
                    // however many later answers come meanwhile. A thread holding it can be preempted for
                    // milliseconds on a busy machine while the others open answer after answer; if it is really
                    // lost and answers never stop overlapping, the retransmit timer still sends it.
                    other.LossSuspected = true;
                    _lossesSuspected = true;
                }
            }
        }

        // Outside the lock: the copy is sealed and sent under the send lock.
        foreach (var (pending, attempt) in lost ?? [])
        {
            RetransmitAttempt(pending, attempt, "later requests were answered");
        }
    }

    /// <summary>
    /// A second answer on an rqSeq with no request waiting: if the last request that left there was sent twice, both
    /// copies were answered, so the loss that made it retransmit was not one.
    /// </summary>
    private void OnSecondAnswerAfterLeaving(byte rqSeq)
    {
        long admission;
        lock (_lock)
        {
            if (_leftRetransmittedRqSeq != rqSeq)
            {
                return;
            }

            admission = _leftRetransmittedAdmission;
            _leftRetransmittedRqSeq = -1;
        }

        _window.OnSpuriousLoss(admission);
        OnReorderingSeen();
    }

    /// <summary>A retransmit proved spurious: its first answer was only late. Later answers wait longer before the next.</summary>
    private void OnReorderingSeen()
    {
        var frequency = _options.TimeProvider.TimestampFrequency;
        var least = frequency / 1000;
        var most = Math.Max(least, (long)(_options.MinRetransmitTimeout.TotalSeconds * frequency / 4));
        lock (_lock)
        {
            _reorderingWindow = Math.Clamp(2 * _reorderingWindow, least, most);
            _answersSinceReordering = 0;
        }
    }

    /// <summary>Requests suspected lost while other answers were in hand, still unanswered now that none is: retransmit.</summary>
    private void RetransmitSuspectedLosses()
    {
        if (!_lossesSuspected)
        {
            return;
        }

        List<(Pending Request, int Attempt)>? lost = null;
        lock (_lock)
        {
            _lossesSuspected = false;
            foreach (var pending in _slots)
            {
                if (pending is { LossSuspected: true })
                {
                    pending.LossSuspected = false;
                    if (!pending.IsFinished)
                    {
                        (lost ??= []).Add((pending, pending.Attempt));
                    }
                }
            }
        }

        foreach (var (pending, attempt) in lost ?? [])
        {
            RetransmitAttempt(pending, attempt, "later requests were answered (decided once no answer was in hand)");
        }
    }

    /// <summary>A table entry and an rqSeq for a request the window admitted.</summary>
    private (int Slot, byte RqSeq) Reserve(Pending pending)
    {
        lock (_lock)
        {
            var free = Array.IndexOf(_slots, null);
            if (free >= 0)
            {
                // Round-robin so a just-freed rqSeq is reused last: late answers to it then find no match.
                for (var i = 0; i < RqSeqCount; i++)
                {
                    var seq = (byte)((_nextRqSeq + i) % RqSeqCount);
                    if (FindLocked(seq) is null)
                    {
                        pending.RqSeq = seq;
                        _slots[free] = pending;
                        _nextRqSeq = seq + 1;
                        return (free, seq);
                    }
                }
            }
        }

        throw new InvalidOperationException("No free rqSeq although the in-flight gate admitted the request");
    }

    /// <summary>The request in flight on <paramref name="rqSeq"/>, if any (under <see cref="_lock"/>).</summary>
    private Pending? FindLocked(byte rqSeq)
    {
        foreach (var pending in _slots)
        {
            if (pending is not null && pending.RqSeq == rqSeq)
            {
                return pending;
            }
        }

        return null;
    }

    private uint NextSequence() => NextSequence(out _);

    /// <param name="sendOrder">The unwrapped count behind the number: orders sends across a wrap.</param>
    private uint NextSequence(out long sendOrder)
    {
        // Session sequence numbers start at 1 and skip 0 on wrap (IPMI v2.0 §6.12.13).
        sendOrder = Interlocked.Increment(ref _outboundSequence);
        return (uint)(((sendOrder - 1) % uint.MaxValue) + 1);
    }

    /// <summary>A packet that failed a check (integrity, replay, session, framing): never the BMC's genuine answer.</summary>
    private void Reject(string reason)
    {
        Interlocked.Increment(ref _rejected);
        _logger.LogDebug("Rejected a packet for console session 0x{ConsoleSession:X8}: {Reason}", ConsoleSessionId, reason);
    }

    /// <summary>A genuine answer that came after its request was already answered: the cost of a retransmit, not an attack.</summary>
    private void DiscardLate(string reason)
    {
        Interlocked.Increment(ref _lateAnswers);
        _logger.LogDebug("Dropped a late answer for console session 0x{ConsoleSession:X8}: {Reason}", ConsoleSessionId, reason);
    }

    /// <summary>An unprotected Open Session Response, RAKP 2 or RAKP 4 (session id 0, as the BMC sends them).</summary>
    private static bool IsHandshakeAnswer(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= Ipmi20Packet.HeaderLength &&
        (datagram[5] & (Ipmi20Packet.EncryptedBit | Ipmi20Packet.AuthenticatedBit)) == 0 &&
        (PayloadType)(datagram[5] & 0x3F) is PayloadType.OpenSessionResponse or PayloadType.Rakp2 or PayloadType.Rakp4 &&
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(datagram[6..]) == 0;

    private static IpmiException StatusError(byte status, string step)
    {
        var text = $"{step}: RMCP+ status 0x{status:X2} ({RmcpPlusStatus.Describe(status)})";
        return status switch
        {
            RmcpPlusStatus.InsufficientResources or RmcpPlusStatus.InsufficientResourcesForRole =>
                new TransportUnavailableException(TransportName, text, "The BMC has no free session slots; close sessions or retry later"),
            _ when RmcpPlusStatus.IsAlgorithmRefusal(status) => new IpmiNotSupportedException(text),
            _ => new IpmiAuthenticationException(TransportName, text, refusedByBmc: RmcpPlusStatus.IsCredentialRefusal(status)),
        };
    }

    private sealed class Pending(IpmiRequest request, byte? bridgeChannel, int timeoutMs, int retries, bool quickRetransmit, byte[] message)
    {
        // 0 while waiting; 1 once its outcome is decided (an answer, a failure, or given up): the first to decide wins.
        private int _finished;

        // Holders of the encoded message: the request until it leaves, and each send sealing from it; the last one
        // returns it to the pool (0: returned).
        private int _messageUsers = 1;
        private IpmiResponse? _response;
        private Exception? _error;

        public byte NetFn => request.NetFn;
        public byte Command => request.Command;

        /// <summary>Sent inside Send Message: the BMC's answer to that comes first.</summary>
        public bool Bridged => bridgeChannel is not null;

        /// <summary>The target's time per attempt and retransmits after the first (see <see cref="QuickRetransmit"/>).</summary>
        public int TimeoutMs => timeoutMs;
        public int Retries => retries;

        /// <summary>A read-only command: attempts time out from the measured round trip instead of the full timeout.</summary>
        public bool QuickRetransmit => quickRetransmit;

        /// <summary>Retransmitted as soon as later answers show it lost (bridged answers come in their own time).</summary>
        public bool EarlyRetransmit => quickRetransmit && bridgeChannel is null;

        /// <summary>The BMC said it forwarded the bridged request; its target's answer is still to come.</summary>
        public volatile bool Forwarded;

        /// <summary>Sent more than once: its answer may be to either copy, so it times no round trip.</summary>
        public volatile bool Retransmitted;

        /// <summary>The rqSeq it is sent with (set under the session lock before it is in the table).</summary>
        public byte RqSeq;

        /// <summary>Its admission into the session's window (which loss event it belongs to).</summary>
        public long Admission;

        /// <summary>The encoded IPMI message every attempt seals anew (rented from the pool; read only while held, see <see cref="TryUseMessage"/>).</summary>
        public byte[]? Message = message;
        public int MessageLength;

        /// <summary>The attempt being sent or waited for, 0 first (under the session lock).</summary>
        public int Attempt;

        /// <summary>When the current attempt runs out (a timestamp; long.MaxValue: no timer running for it; under the session lock).</summary>
        public long Deadline = long.MaxValue;

        /// <summary>Copies sent so far.</summary>
        public int Copies;

        /// <summary>Timestamps of the first send and of the answer's arrival on the receive thread.</summary>
        public long SentAt;
        public long AnsweredAt;

        /// <summary>When the latest copy was sent (a timestamp of the options' clock).</summary>
        public long LastSentAt;

        /// <summary>Session sequence numbers of the first and the latest copy sent (send order; 0: not sent yet).</summary>
        public long FirstSentSequence;
        public long LastSentSequence;

        /// <summary>Answers to requests sent after this one's latest copy (under the session lock).</summary>
        public int LaterAnswers;

        /// <summary>Enough later answers came while other answers were still being opened (under the session lock).</summary>
        public bool LossSuspected;

        // Continuations run where the outcome is delivered: on the receive thread for an answer (see Deliver), on the
        // thread pool for a failure, so a timer, a fake clock's Advance or a token's Cancel never runs the requester.
        public TaskCompletionSource<IpmiResponse> Completion { get; } = new();

        public bool IsFinished => Volatile.Read(ref _finished) != 0;

        /// <summary>Finished with an answer from the BMC.</summary>
        public bool Answered => IsFinished && Volatile.Read(ref _response) is not null;

        /// <summary>Decides the outcome: an answer. False if another was decided first.</summary>
        public bool TryFinish(IpmiResponse response)
        {
            if (Interlocked.CompareExchange(ref _finished, 1, 0) != 0)
            {
                return false;
            }

            Volatile.Write(ref _response, response);
            return true;
        }

        /// <summary>Decides the outcome: a failure. False if another was decided first.</summary>
        public bool TryFinish(Exception error)
        {
            if (Interlocked.CompareExchange(ref _finished, 1, 0) != 0)
            {
                return false;
            }

            _error = error;
            return true;
        }

        /// <summary>Holds the message for one seal; false once it went back to the pool (its request left).</summary>
        public bool TryUseMessage()
        {
            for (var users = Volatile.Read(ref _messageUsers); users > 0; users = Volatile.Read(ref _messageUsers))
            {
                if (Interlocked.CompareExchange(ref _messageUsers, users + 1, users) == users)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Lets go of the message (the request leaving, or a seal done); the last holder returns it to the pool.</summary>
        public void ReleaseMessage()
        {
            if (Interlocked.Decrement(ref _messageUsers) == 0 && Interlocked.Exchange(ref Message, null) is { } buffer)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>The requester left without an outcome (it failed before waiting): nothing may act on it any more.</summary>
        public void GiveUp() => Interlocked.CompareExchange(ref _finished, 1, 0);

        /// <summary>Runs the requester's continuation on this thread (called once, by whoever decided the outcome).</summary>
        public void Complete()
        {
            if (Volatile.Read(ref _response) is { } response)
            {
                Completion.TrySetResult(response);
            }
            else if (_error is OperationCanceledException cancelled)
            {
                Completion.TrySetCanceled(cancelled.CancellationToken);
            }
            else
            {
                Completion.TrySetException(_error!);
            }
        }

        public void CompleteOnThreadPool() => ThreadPool.UnsafeQueueUserWorkItem(static pending => pending.Complete(), this, preferLocal: false);

        /// <summary>What the request is, for a timeout's message (built only then).</summary>
        public string Describe() => bridgeChannel is { } channel
            ? $"NetFn 0x{request.NetFn:X2} command 0x{request.Command:X2} bridged to channel {channel & SendMessage.MaxChannel} address 0x{request.ResponderAddress:X2}"
            : $"NetFn 0x{request.NetFn:X2} command 0x{request.Command:X2}";
    }

    private sealed class HandshakeWait(PayloadType type, byte tag)
    {
        public PayloadType Type { get; } = type;
        public byte Tag { get; } = tag;
        public volatile bool Retransmitted;
        public TaskCompletionSource<byte[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
