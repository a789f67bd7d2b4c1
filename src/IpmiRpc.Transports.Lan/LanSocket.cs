using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using IpmiRpc.Transports.Lan.Wire;
using Microsoft.Extensions.Logging;

namespace IpmiRpc.Transports.Lan;

/// <summary>Something that consumes datagrams dispatched to it. Called on the receive loop: must be quick and never throw.</summary>
internal interface IDatagramSink
{
    void OnDatagram(ReadOnlySpan<byte> datagram);
}

/// <summary>
/// The one UDP socket of a transport: every BMC, every session. A single receive loop dispatches each datagram by
/// remote endpoint plus our (console) session id — taken from the session header for in-session packets, from the
/// payload for Open Session Response and RAKP 2/4 — and hands session-less IPMI 1.5 answers to the endpoint's
/// <see cref="SessionlessClient"/>.
/// </summary>
internal sealed class LanSocket : IAsyncDisposable
{
    private const int ReceiveBufferSize = 8192;

    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<(EndpointKey, uint), IDatagramSink> _sessions = new();
    private readonly ConcurrentDictionary<EndpointKey, SessionlessClient> _sessionless = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiveLoop;
    private long _sent;
    private long _received;
    private long _unmatched;

    public LanSocket(IPEndPoint? localEndPoint, ILogger logger)
    {
        _logger = logger;
        (_socket, DualMode) = CreateSocket(localEndPoint);
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>True when the socket is IPv6 dual-mode (IPv4 peers are addressed as IPv4-mapped).</summary>
    public bool DualMode { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public long DatagramsSent => Interlocked.Read(ref _sent);
    public long DatagramsReceived => Interlocked.Read(ref _received);
    public long DatagramsUnmatched => Interlocked.Read(ref _unmatched);

    /// <summary>The address form this socket sends to (IPv4 mapped when the socket is dual-mode).</summary>
    public IPEndPoint Normalize(IPEndPoint endpoint) =>
        DualMode && endpoint.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(endpoint.Address.MapToIPv6(), endpoint.Port) : endpoint;

    public async ValueTask SendAsync(SocketAddress to, ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _sent);
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, to, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            // UDP send failures (no route, buffer full) look like a lost packet: the retransmit loop handles it.
            _logger.LogDebug("UDP send failed: {Error}", ex.SocketErrorCode);
        }
    }

    /// <summary>
    /// Sends at once on the calling thread (a UDP send does not wait for the peer), so a caller can keep datagrams in
    /// order under a lock.
    /// </summary>
    public void Send(SocketAddress to, ReadOnlySpan<byte> datagram)
    {
        Interlocked.Increment(ref _sent);
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
        }
        catch (SocketException ex)
        {
            // As in SendAsync: a failed UDP send looks like a lost packet and the retransmit loop handles it.
            _logger.LogDebug("UDP send failed: {Error}", ex.SocketErrorCode);
        }
    }

    /// <summary>Registers a session (or a handshake in progress) under our console session id. False if taken.</summary>
    public bool TryRegister(EndpointKey remote, uint consoleSessionId, IDatagramSink sink) => _sessions.TryAdd((remote, consoleSessionId), sink);

    public void Unregister(EndpointKey remote, uint consoleSessionId) => _sessions.TryRemove((remote, consoleSessionId), out _);

    public bool IsRegistered(EndpointKey remote, uint consoleSessionId) => _sessions.ContainsKey((remote, consoleSessionId));

    public SessionlessClient Sessionless(EndpointKey remote, SocketAddress address) =>
        _sessionless.GetOrAdd(remote, static (_, state) => new SessionlessClient(state.Self, state.Address), (Self: this, Address: address));

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private static (Socket Socket, bool DualMode) CreateSocket(IPEndPoint? local)
    {
        if (local is null && Socket.OSSupportsIPv6)
        {
            try
            {
                var dual = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true };
                dual.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
                return (dual, true);
            }
            catch (SocketException)
            {
                // IPv6 disabled on this host: fall back to IPv4 only.
            }
        }

        local ??= new IPEndPoint(IPAddress.Any, 0);
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(local);
        return (socket, false);
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize, pinned: true);
        var from = new SocketAddress(_socket.AddressFamily);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Windows reports ICMP port-unreachable on the next receive (WSAECONNRESET); nothing to do but go on.
                if (token.IsCancellationRequested)
                {
                    break;
                }

                _logger.LogDebug("UDP receive error {Error}", ex.SocketErrorCode);
                continue;
            }

            Interlocked.Increment(ref _received);
            try
            {
                if (!Dispatch(from, buffer.AsSpan(0, length)))
                {
                    Interlocked.Increment(ref _unmatched);
                }
            }
            catch (Exception ex)
            {
                // A sink bug must not stop every other session's traffic.
                Interlocked.Increment(ref _unmatched);
                _logger.LogWarning(ex, "Dropping a datagram that failed dispatch");
            }
        }
    }

    private bool Dispatch(SocketAddress from, ReadOnlySpan<byte> datagram)
    {
        if (!Rmcp.IsIpmi(datagram) || datagram.Length < Ipmi15Packet.HeaderLength || !EndpointKey.TryFrom(from, out var remote))
        {
            return false;
        }

        if (datagram[4] == AuthType.RmcpPlus)
        {
            if (datagram.Length < Ipmi20Packet.HeaderLength)
            {
                return false;
            }

            var sessionId = BinaryPrimitives.ReadUInt32LittleEndian(datagram[6..]);
            var type = (PayloadType)(datagram[5] & 0x3F);
            if (sessionId == 0 && type is PayloadType.OpenSessionResponse or PayloadType.Rakp2 or PayloadType.Rakp4)
            {
                // Handshake answers name our console session id at payload offset 4.
                if (datagram.Length < Ipmi20Packet.HeaderLength + 8)
                {
                    return false;
                }

                sessionId = BinaryPrimitives.ReadUInt32LittleEndian(datagram[(Ipmi20Packet.HeaderLength + 4)..]);
            }

            if (sessionId != 0 && _sessions.TryGetValue((remote, sessionId), out var sink))
            {
                sink.OnDatagram(datagram);
                return true;
            }

            return false;
        }

        // IPMI 1.5 framing: only session-less answers (session id 0) are ours.
        if (BinaryPrimitives.ReadUInt32LittleEndian(datagram[9..]) == 0 && _sessionless.TryGetValue(remote, out var client))
        {
            return client.OnDatagram(datagram);
        }

        return false;
    }
}
