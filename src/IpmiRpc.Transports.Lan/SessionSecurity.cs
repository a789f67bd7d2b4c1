using System.Buffers.Binary;
using IpmiRpc.Core;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Transports.Lan;

/// <summary>
/// Seals and opens in-session RMCP+ packets for one side of one session: confidentiality (AES-CBC-128 with K2),
/// the integrity trailer (pad, pad length, next header, AuthCode with K1) and the inbound replay window. The same
/// class plays the BMC in tests by swapping the session ids.
/// </summary>
internal sealed class SessionSecurity : IDisposable
{
    // One HMAC for both directions (both are keyed with K1): each keyed HMAC holds its own OpenSSL context, and a
    // process holding thousands of sessions pays for every one of them. Sealing (one sender at a time) and opening
    // (any receive thread) take turns on its lock, as receive threads already did among themselves.
    private readonly KeyedMac? _mac;
    private readonly AesCbc128? _aes;
    private readonly ReplayWindow _window;

    /// <param name="outboundSessionId">The peer's session id, written in packets we send.</param>
    /// <param name="inboundSessionId">Our session id, expected in packets we receive.</param>
    public SessionSecurity(CipherSuite suite, ReadOnlySpan<byte> k1, ReadOnlySpan<byte> k2, uint outboundSessionId, uint inboundSessionId, int replayWindow = 32)
    {
        Suite = suite;
        _mac = suite.Integrity?.CreateMac(k1);
        _aes = suite.Aes ? new AesCbc128(k2) : null;
        OutboundSessionId = outboundSessionId;
        InboundSessionId = inboundSessionId;
        _window = new ReplayWindow(replayWindow);
    }

    public CipherSuite Suite { get; }
    public uint OutboundSessionId { get; }
    public uint InboundSessionId { get; }

    /// <summary>Largest datagram <see cref="Seal"/> can produce for a payload of this size.</summary>
    public static int MaxSealedLength(int payloadLength) =>
        Ipmi20Packet.HeaderLength + AesCbc128.EncryptedLength(payloadLength) + 3 + 2 + 32;

    /// <summary>Builds a complete datagram. Returns its length.</summary>
    public int Seal(Span<byte> destination, PayloadType type, uint sequence, ReadOnlySpan<byte> payload)
    {
        var integrity = _mac;
        var payloadLength = _aes is null ? payload.Length : AesCbc128.EncryptedLength(payload.Length);
        Ipmi20Packet.WriteHeader(destination, type, _aes is not null, integrity is not null, OutboundSessionId, sequence, payloadLength);
        var body = destination[Ipmi20Packet.HeaderLength..];
        if (_aes is null)
        {
            payload.CopyTo(body);
        }
        else
        {
            _aes.Encrypt(payload, body);
        }

        var end = Ipmi20Packet.HeaderLength + payloadLength;
        if (integrity is null)
        {
            return end;
        }

        // Pad with FFh so that auth type .. next header is a multiple of 4 bytes (IPMI v2.0 Table 13-8 note).
        var padLength = (4 - ((end - Rmcp.HeaderLength + 2) % 4)) % 4;
        destination.Slice(end, padLength).Fill(0xFF);
        end += padLength;
        destination[end++] = (byte)padLength;
        destination[end++] = Ipmi20Packet.NextHeader;
        lock (integrity)
        {
            integrity.Compute(destination[Rmcp.HeaderLength..end], destination.Slice(end, integrity.AuthCodeLength));
        }

        return end + integrity.AuthCodeLength;
    }

    /// <summary>
    /// Checks and unwraps a received datagram: session id, integrity (before anything else is trusted), trailer
    /// shape, replay window, then decryption into <paramref name="payload"/>.
    /// </summary>
    public OpenResult Open(ReadOnlySpan<byte> datagram, Span<byte> payload, out PayloadType type, out int payloadLength)
    {
        type = default;
        payloadLength = 0;
        if (datagram.Length < Ipmi20Packet.HeaderLength || datagram[4] != AuthType.RmcpPlus)
        {
            return OpenResult.Malformed;
        }

        var typeByte = datagram[5];
        type = (PayloadType)(typeByte & 0x3F);
        var encrypted = (typeByte & Ipmi20Packet.EncryptedBit) != 0;
        var authenticated = (typeByte & Ipmi20Packet.AuthenticatedBit) != 0;
        if (BinaryPrimitives.ReadUInt32LittleEndian(datagram[6..]) != InboundSessionId)
        {
            return OpenResult.WrongSession;
        }

        var integrity = _mac;
        if (authenticated != (integrity is not null) || encrypted != (_aes is not null))
        {
            // A downgraded packet (e.g. unauthenticated in an authenticated session) is never accepted.
            return OpenResult.NotProtected;
        }

        var sequence = BinaryPrimitives.ReadUInt32LittleEndian(datagram[10..]);
        int wireLength = BinaryPrimitives.ReadUInt16LittleEndian(datagram[14..]);
        if (integrity is not null)
        {
            var authLength = integrity.AuthCodeLength;
            if (datagram.Length < Ipmi20Packet.HeaderLength + wireLength + 2 + authLength)
            {
                return OpenResult.Malformed;
            }

            var signedEnd = datagram.Length - authLength;
            bool verified;
            lock (integrity)
            {
                verified = integrity.Verify(datagram[Rmcp.HeaderLength..signedEnd], datagram[signedEnd..]);
            }

            if (!verified)
            {
                return OpenResult.BadIntegrity;
            }

            var padLength = datagram[signedEnd - 2];
            if (datagram[signedEnd - 1] != Ipmi20Packet.NextHeader || padLength > 3 ||
                Ipmi20Packet.HeaderLength + wireLength + padLength + 2 != signedEnd)
            {
                return OpenResult.Malformed;
            }

            if (!_window.TryAccept(sequence))
            {
                return OpenResult.Replay;
            }
        }
        else if (datagram.Length < Ipmi20Packet.HeaderLength + wireLength)
        {
            return OpenResult.Malformed;
        }

        var body = datagram.Slice(Ipmi20Packet.HeaderLength, wireLength);
        if (_aes is null)
        {
            if (body.Length > payload.Length)
            {
                return OpenResult.Malformed;
            }

            body.CopyTo(payload);
            payloadLength = body.Length;
            return OpenResult.Ok;
        }

        try
        {
            payloadLength = _aes.Decrypt(body, payload);
            return OpenResult.Ok;
        }
        catch (IpmiDecodeException)
        {
            return OpenResult.Malformed;
        }
        catch (ArgumentException)
        {
            return OpenResult.Malformed;
        }
    }

    public void Dispose()
    {
        _aes?.Dispose();
        _mac?.Dispose();
    }
}

internal enum OpenResult
{
    Ok,
    Malformed,
    WrongSession,
    NotProtected,
    BadIntegrity,
    Replay,
}
