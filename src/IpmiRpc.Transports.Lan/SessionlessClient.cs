using System.Net;
using IpmiRpc.Core;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// Session-less IPMI requests to one BMC endpoint, framed as IPMI 1.5 with authentication NONE (the form every BMC
/// accepts before a session; Get Channel Authentication Capabilities must be sent this way to reach IPMI 1.5-era
/// code paths too). Answers are matched by rqSeq, NetFn and command; they may come back in either framing (IPMI 1.5, or
/// RMCP+ with session id 0 and no authentication, as pyghmi's BMC sends them).
/// </summary>
internal sealed class SessionlessClient
{
    private readonly LanSocket _socket;
    private readonly SocketAddress _address;
    private readonly Lock _lock = new();
    private readonly Pending?[] _pending = new Pending?[64];
    private int _nextSeq;

    // Under _lock: handshakes holding this client, and whether the last of them let it go (it is then out of use).
    private int _renters;
    private bool _retired;

    public SessionlessClient(LanSocket socket, SocketAddress address)
    {
        _socket = socket;
        _address = address;
    }

    public async Task<IpmiResponse> SendAsync(IpmiRequest request, int timeoutMs, int retries, TimeProvider time, CancellationToken cancellationToken)
    {
        var pending = new Pending(request.NetFn, request.Command);
        var seq = Reserve(pending);
        try
        {
            var length = IpmiLanMessage.RequestOverhead + request.Data.Length;
            var message = new byte[length];
            IpmiLanMessage.EncodeRequest(message, request.ResponderAddress, request.NetFn, request.Lun, seq, request.Command, request.Data.Span);
            var datagram = new byte[Ipmi15Packet.HeaderLength + length];
            Ipmi15Packet.Encode(datagram, message);
            return await Retransmit.RunAsync(
                _ => _socket.Send(_address, datagram),
                pending.Completion.Task,
                timeoutMs,
                retries,
                null,
                $"session-less request NetFn 0x{request.NetFn:X2} command 0x{request.Command:X2}",
                _socket.Pacer,
                time,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                if (ReferenceEquals(_pending[seq], pending))
                {
                    _pending[seq] = null;
                }
            }
        }
    }

    /// <summary>Takes a share of the client; false once it is retired (the caller makes a new one).</summary>
    public bool TryRent()
    {
        lock (_lock)
        {
            if (_retired)
            {
                return false;
            }

            _renters++;
            return true;
        }
    }

    /// <summary>Gives the share back; true for the last one, which retires the client.</summary>
    public bool Return()
    {
        lock (_lock)
        {
            if (--_renters > 0)
            {
                return false;
            }

            _retired = true;
            return true;
        }
    }

    public bool OnDatagram(ReadOnlySpan<byte> datagram)
    {
        LanResponse response;
        ReadOnlySpan<byte> message;
        try
        {
            message = datagram[4] == AuthType.RmcpPlus ? UnprotectedPayload(datagram) : Ipmi15Packet.Decode(datagram, out _);
            response = IpmiLanMessage.DecodeResponse(message);
        }
        catch (IpmiDecodeException)
        {
            return false;
        }

        Pending? pending;
        lock (_lock)
        {
            pending = _pending[response.RqSeq];
        }

        if (pending is null || response.NetFn != (pending.NetFn | 1) || response.Command != pending.Command)
        {
            return false;
        }

        pending.Completion.TrySetResult(new IpmiResponse(response.CompletionCode, message.Slice(response.DataOffset, response.DataLength).ToArray()));
        return true;
    }

    // An answer framed as RMCP+ with session id 0, neither authenticated nor encrypted (checked by the socket).
    private static ReadOnlySpan<byte> UnprotectedPayload(ReadOnlySpan<byte> datagram)
    {
        var header = Ipmi20Packet.DecodeHeader(datagram);
        if (header.Type != PayloadType.Ipmi || header.SessionId != 0 || header.Authenticated || header.Encrypted)
        {
            throw new IpmiDecodeException("not a session-less IPMI payload");
        }

        return datagram.Slice(Ipmi20Packet.HeaderLength, header.PayloadLength);
    }

    private byte Reserve(Pending pending)
    {
        lock (_lock)
        {
            for (var i = 0; i < _pending.Length; i++)
            {
                var seq = (_nextSeq + i) % _pending.Length;
                if (_pending[seq] is null)
                {
                    _pending[seq] = pending;
                    _nextSeq = seq + 1;
                    return (byte)seq;
                }
            }
        }

        throw new TransportUnavailableException("lanplus", "Too many session-less requests in flight to one BMC", "Retry later");
    }

    private sealed class Pending(byte netFn, byte command)
    {
        public byte NetFn { get; } = netFn;
        public byte Command { get; } = command;
        public TaskCompletionSource<IpmiResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
