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
/// The one UDP socket of a transport: every BMC, every session. One receive thread dispatches each datagram by
/// remote endpoint plus our (console) session id — taken from the session header for in-session packets, from the
/// payload for Open Session Response and RAKP 2/4 — and hands session-less IPMI 1.5 answers to the endpoint's
/// <see cref="SessionlessClient"/>.
/// </summary>
/// <remarks>
/// Every operation on the socket is synchronous, so it stays a blocking socket and the receive thread sits in
/// recvfrom: an answer reaches its session without the epoll thread and a thread-pool hop in between (with 20 BMCs
/// answering at once, those hops were most of the CPU a sweep cost). A UDP send never waits for the peer.
/// </remarks>
internal sealed class LanSocket : IAsyncDisposable
{
    private const int ReceiveBufferSize = 8192;

    /// <summary>
    /// Kernel receive buffer asked for (Linux caps it at net.core.rmem_max). The default (~208 KiB) overflowed when a
    /// thousand requests went out at once: answers were dropped, and a lost RAKP 4 cost a whole handshake.
    /// </summary>
    private const int KernelReceiveBufferBytes = 4 * 1024 * 1024;

    /// <summary>How often the blocked receive wakes to notice disposal.</summary>
    private const int ReceivePollMs = 250;

    private readonly ILogger _logger;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<(EndpointKey, uint), IDatagramSink> _sessions = new();
    private readonly ConcurrentDictionary<EndpointKey, SessionlessClient> _sessionless = new();
    private readonly Thread[] _receiveThreads;
    private volatile bool _stopping;
    private long _sent;
    private long _received;
    private long _unmatched;

    /// <summary>The transport-wide packet-rate cap every exchange on this socket waits on; null: none.</summary>
    public PacketPacer? Pacer { get; init; }

    public LanSocket(IPEndPoint? localEndPoint, ILogger logger, int receiveThreads = 1)
    {
        _logger = logger;
        (_socket, DualMode) = CreateSocket(localEndPoint);
        _socket.ReceiveTimeout = ReceivePollMs;
        EnlargeReceiveBuffer();

        _receiveThreads = new Thread[Math.Clamp(receiveThreads, 1, 64)];
        for (var i = 0; i < _receiveThreads.Length; i++)
        {
            _receiveThreads[i] = new Thread(ReceiveLoop) { IsBackground = true, Name = "IpmiRpc UDP receive" };
            _receiveThreads[i].Start();
        }
    }

    /// <summary>Threads blocked in receive on the socket (see <see cref="LanPlusOptions.ReceiveThreads"/>).</summary>
    public int ReceiveThreadCount => _receiveThreads.Length;

    /// <summary>True when the socket is IPv6 dual-mode (IPv4 peers are addressed as IPv4-mapped).</summary>
    public bool DualMode { get; }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    public long DatagramsSent => Interlocked.Read(ref _sent);
    public long DatagramsReceived => Interlocked.Read(ref _received);
    public long DatagramsUnmatched => Interlocked.Read(ref _unmatched);

    /// <summary>The address form this socket sends to (IPv4 mapped when the socket is dual-mode).</summary>
    public IPEndPoint Normalize(IPEndPoint endpoint) =>
        DualMode && endpoint.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(endpoint.Address.MapToIPv6(), endpoint.Port) : endpoint;

    /// <summary>
    /// Sends at once on the calling thread (a UDP send does not wait for the peer), so a caller can keep datagrams in
    /// order under a lock. Failures (no route, buffer full) look like a lost packet: the retransmit loop handles them.
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
            _logger.LogDebug("UDP send failed: {Error}", ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // The transport is closing: a retransmit its session's timer started just before must not throw on the
            // timer's thread. The session's disposal fails the request.
            _logger.LogDebug("UDP send after the socket was closed");
        }
    }

    /// <summary>Registers a session (or a handshake in progress) under our console session id. False if taken.</summary>
    public bool TryRegister(EndpointKey remote, uint consoleSessionId, IDatagramSink sink) => _sessions.TryAdd((remote, consoleSessionId), sink);

    public void Unregister(EndpointKey remote, uint consoleSessionId) => _sessions.TryRemove((remote, consoleSessionId), out _);

    public bool IsRegistered(EndpointKey remote, uint consoleSessionId) => _sessions.ContainsKey((remote, consoleSessionId));

    /// <summary>Sessions and handshakes registered for dispatch (each removes itself when disposed).</summary>
    public int RegisteredSessions => _sessions.Count;

    /// <summary>Endpoints with a session-less client (one per BMC while a handshake's first steps run there).</summary>
    public int SessionlessClients => _sessionless.Count;

    /// <summary>
    /// The endpoint's session-less client, shared by the handshakes starting there now (its 64 rqSeq slots keep their
    /// answers apart). Hand it back with <see cref="ReturnSessionless"/>: the last one back removes it, so a server
    /// that has talked to thousands of BMCs keeps a client only for those in a handshake.
    /// </summary>
    public SessionlessClient RentSessionless(EndpointKey remote, SocketAddress address)
    {
        // A retry follows a client whose last renter just let it go (it is leaving the map): a few passes at most.
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var client = _sessionless.GetOrAdd(remote, static (_, state) => new SessionlessClient(state.Self, state.Address), (Self: this, Address: address));
            if (client.TryRent())
            {
                return client;
            }

            _sessionless.TryRemove(KeyValuePair.Create(remote, client));
        }

        throw new InvalidOperationException("The session-less client of an endpoint kept being retired");
    }

    public void ReturnSessionless(EndpointKey remote, SessionlessClient client)
    {
        if (client.Return())
        {
            _sessionless.TryRemove(KeyValuePair.Create(remote, client));
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_stopping)
        {
            return ValueTask.CompletedTask;
        }

        _stopping = true;
        _socket.Dispose();
        // Closing the socket wakes a blocked receive (at the latest the poll timeout does). The last session's Close
        // Session answer completes on a receive thread, so disposal can run on one: never join that thread itself.
        foreach (var thread in _receiveThreads)
        {
            if (thread != Thread.CurrentThread)
            {
                thread.Join(TimeSpan.FromSeconds(5));
            }
        }

        return ValueTask.CompletedTask;
    }

    private void EnlargeReceiveBuffer()
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                // SO_RCVBUFFORCE (SOL_SOCKET 1, option 33) passes rmem_max when we hold CAP_NET_ADMIN (root).
                _socket.SetRawSocketOption(1, 33, BitConverter.GetBytes(KernelReceiveBufferBytes));
                return;
            }
            catch (SocketException)
            {
                // Not privileged: ask for what rmem_max allows below.
            }
        }

        try
        {
            _socket.ReceiveBufferSize = KernelReceiveBufferBytes;
        }
        catch (SocketException ex)
        {
            _logger.LogDebug("Could not enlarge the UDP receive buffer: {Error}", ex.SocketErrorCode);
        }

        if (_socket.ReceiveBufferSize < KernelReceiveBufferBytes)
        {
            _logger.LogDebug("UDP receive buffer is {Bytes} bytes (net.core.rmem_max): large bursts may lose answers to retransmits", _socket.ReceiveBufferSize);
        }
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

    private void ReceiveLoop()
    {
        var buffer = new byte[ReceiveBufferSize];
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // Timeouts are the poll for disposal; Windows also reports ICMP port-unreachable on the next receive
                // (WSAECONNRESET). Neither stops the loop.
                if (_stopping)
                {
                    break;
                }

                if (ex.SocketErrorCode != SocketError.TimedOut && ex.SocketErrorCode != SocketError.WouldBlock)
                {
                    _logger.LogDebug("UDP receive error {Error}", ex.SocketErrorCode);
                }

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

            // A session-less answer in RMCP+ framing (pyghmi's BMC, hence VirtualBMC, answers Get Channel Cipher Suites
            // so): dropping it cost every session open two timeouts before falling back to suite 3.
            if (sessionId == 0 && type == PayloadType.Ipmi && (datagram[5] & 0xC0) == 0 && _sessionless.TryGetValue(remote, out var unprotected))
            {
                return unprotected.OnDatagram(datagram);
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
