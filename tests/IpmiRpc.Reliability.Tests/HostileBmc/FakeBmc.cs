using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using IpmiRpc.Transports.Lan;
using IpmiRpc.Transports.Lan.Crypto;
using IpmiRpc.Transports.Lan.Wire;

namespace IpmiRpc.Reliability.Tests.HostileBmc;

/// <summary>How the fake BMC misbehaves. In-session kinds apply to Get Device ID answers only (the session still opens).</summary>
public enum Hostility
{
    None,

    // In-session answers to Get Device ID
    BadIntegrity,
    WrongSessionId,
    ReplayedSequence,
    StaleSequence,
    LengthOverrun,
    LengthUnderrun,
    BadAesPad,
    UnknownPayloadType,
    SolPayloadType,
    Unauthenticated,
    BadLanChecksum,
    ShortLanMessage,
    WrongCommandEcho,

    // Handshake
    OpenSessionStatus,
    OpenSessionWrongAlgorithms,
    OpenSessionZeroSessionId,
    OpenSessionLengthOverrun,
    OpenSessionUnknownPayloadType,
    Rakp2WrongHmac,
    Rakp2Status,
    Rakp2Truncated,
    Rakp4WrongIcv,
    Rakp4Status,
}

/// <summary>
/// A scripted RMCP+ BMC on 127.0.0.1 built from the transport's own wire and crypto classes: answers Get Channel
/// Authentication Capabilities, completes a real RAKP handshake (any suite the transport knows), serves Set Session
/// Privilege, Close Session and Get Device ID — and misbehaves as <see cref="Mode"/> says. Every hostile Get Device ID
/// answer carries <see cref="HostileMarker"/> so acceptance would be visible.
/// </summary>
internal sealed class FakeBmc : IAsyncDisposable
{
    public static readonly byte[] GoodDeviceId = [0x20, 0x81, 0x01, 0x23, 0x02, 0xBF, 0x91, 0x12, 0x00, 0x02, 0x0F, 0x00, 0x00, 0x00, 0x00];
    public static readonly byte[] HostileMarker = Encoding.ASCII.GetBytes("HOSTILE-DATA-000");

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly byte[] _username;
    private readonly byte[] _password;
    private readonly ConcurrentDictionary<uint, Session> _sessions = new();
    private readonly ConcurrentQueue<Exception> _errors = new();
    private uint _nextBmcSid = 0x0A000000;
    private long _hostileSent;
    private long _goodDeviceIds;

    public FakeBmc(string username, string password)
    {
        _username = Encoding.UTF8.GetBytes(username);
        _password = Encoding.UTF8.GetBytes(password);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _loop = Task.Run(LoopAsync);
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public Hostility Mode { get; set; }

    /// <summary>RMCP+ status code used by the *Status modes.</summary>
    public byte Status { get; set; } = 0x01;

    public long HostileSent => Interlocked.Read(ref _hostileSent);

    public long GoodDeviceIds => Interlocked.Read(ref _goodDeviceIds);

    /// <summary>Exceptions of the fake itself (a test bug, not a transport one).</summary>
    public IReadOnlyCollection<Exception> Errors => _errors;

    public IPEndPoint? LastConsole { get; private set; }

    /// <summary>Sends raw bytes to the console from the BMC's endpoint (fuzzing the console's receive path).</summary>
    public Task SendRawAsync(byte[] datagram) =>
        LastConsole is { } to ? _socket.SendToAsync(datagram, SocketFlags.None, to) : Task.CompletedTask;

    /// <summary>The ids of the newest session, for crafting raw packets aimed at it.</summary>
    public (uint ConsoleSid, uint BmcSid)? NewestSession =>
        _sessions.Values.Where(s => s.Security is not null).OrderByDescending(s => s.BmcSid).Select(s => ((uint, uint)?)(s.ConsoleSid, s.BmcSid)).FirstOrDefault();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
        }

        foreach (var s in _sessions.Values)
            s.Security?.Dispose();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[4096];
        var from = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, from, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var client = (IPEndPoint)r.RemoteEndPoint;
            LastConsole = client;
            try
            {
                foreach (var answer in Handle(buffer.AsSpan(0, r.ReceivedBytes).ToArray()))
                    await _socket.SendToAsync(answer, SocketFlags.None, client, _stop.Token);
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                _errors.Enqueue(ex);
            }
        }
    }

    private IEnumerable<byte[]> Handle(byte[] d)
    {
        if (!Rmcp.IsIpmi(d) || d.Length < 5)
            return [];
        if (d[4] == AuthType.None)
            return HandleSessionless(d);
        var type = (PayloadType)(d[5] & 0x3F);
        var sid = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(6));
        if (sid == 0)
        {
            var payload = d.AsSpan(Ipmi20Packet.HeaderLength).ToArray();
            return type switch
            {
                PayloadType.OpenSessionRequest => OpenSession(payload),
                PayloadType.Rakp1 => Rakp1Answer(payload),
                PayloadType.Rakp3 => Rakp3Answer(payload),
                _ => [],
            };
        }

        return _sessions.TryGetValue(sid, out var session) && session.Security is not null ? InSession(session, d) : [];
    }

    private static IEnumerable<byte[]> HandleSessionless(byte[] d)
    {
        var message = Ipmi15Packet.Decode(d, out _).ToArray();
        var (netFn, rqSeq, cmd, _) = ParseRequest(message);
        byte[] data = netFn == 0x06 && cmd == 0x38
            ? [0x00, 0x01, 0x84, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00] // cc 0, channel 1, v2.0 data + MD5, non-null users, IPMI 2.0
            : [0xC1];
        var response = Response(netFn, rqSeq, cmd, data);
        var datagram = new byte[Ipmi15Packet.HeaderLength + response.Length];
        Ipmi15Packet.Encode(datagram, response);
        return [datagram];
    }

    private IEnumerable<byte[]> OpenSession(byte[] payload)
    {
        var request = OpenSessionRequest.Decode(payload);
        var suite = CipherSuiteFor(request);
        var bmcSid = Interlocked.Increment(ref _nextBmcSid);
        var session = new Session(request.ConsoleSessionId, bmcSid, suite);
        _sessions[bmcSid] = session;
        var mode = Mode;
        var response = new OpenSessionResponse(
            request.Tag,
            mode == Hostility.OpenSessionStatus ? Status : (byte)0,
            request.RequestedMaxPrivilege,
            request.ConsoleSessionId,
            mode == Hostility.OpenSessionZeroSessionId ? 0 : bmcSid,
            request.AuthenticationAlgorithm,
            mode == Hostility.OpenSessionWrongAlgorithms ? (byte)(request.IntegrityAlgorithm ^ 0x03) : request.IntegrityAlgorithm,
            request.ConfidentialityAlgorithm);
        var body = new byte[OpenSessionResponse.Length];
        response.Encode(body);
        if (mode is Hostility.OpenSessionStatus or Hostility.OpenSessionWrongAlgorithms or Hostility.OpenSessionZeroSessionId)
            Interlocked.Increment(ref _hostileSent);
        if (mode == Hostility.OpenSessionLengthOverrun)
        {
            Interlocked.Increment(ref _hostileSent);
            var packet = Unprotected(PayloadType.OpenSessionResponse, body);
            BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(14), (ushort)(body.Length + 40));
            return [packet];
        }

        if (mode == Hostility.OpenSessionUnknownPayloadType)
        {
            Interlocked.Increment(ref _hostileSent);
            return [Unprotected((PayloadType)0x21, body)];
        }

        return [Unprotected(PayloadType.OpenSessionResponse, body)];
    }

    private IEnumerable<byte[]> Rakp1Answer(byte[] payload)
    {
        var rakp1 = Rakp1.Decode(payload);
        if (!_sessions.TryGetValue(rakp1.BmcSessionId, out var session))
            return [];
        session.Rm = rakp1.ConsoleRandom;
        session.Role = rakp1.Role;
        session.Username = rakp1.Username;
        var auth = session.Suite.Authentication;
        var code = SessionKeys.Rakp2AuthCode(auth, _password, session.ConsoleSid, session.BmcSid, session.Rm, session.Rc, session.Guid, session.Role, session.Username);
        var mode = Mode;
        if (mode == Hostility.Rakp2WrongHmac && code.Length > 0)
            code[^1] ^= 0x5A;
        var status = mode == Hostility.Rakp2Status ? Status : (byte)0;
        var rakp2 = new Rakp2(rakp1.Tag, status, session.ConsoleSid, session.Rc, session.Guid, code);
        var body = new byte[Rakp2.FixedLength + code.Length];
        rakp2.Encode(body);
        if (mode is Hostility.Rakp2WrongHmac or Hostility.Rakp2Status)
            Interlocked.Increment(ref _hostileSent);
        if (mode == Hostility.Rakp2Truncated)
        {
            Interlocked.Increment(ref _hostileSent);
            body = body[..30];
        }

        return [Unprotected(PayloadType.Rakp2, body)];
    }

    private IEnumerable<byte[]> Rakp3Answer(byte[] payload)
    {
        if (payload.Length < 8 || !_sessions.TryGetValue(BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(4)), out var session) || session.Rm is null)
            return [];
        var auth = session.Suite.Authentication;
        var sik = SessionKeys.Sik(auth, _password, session.Rm, session.Rc, session.Role, session.Username!);
        var icv = SessionKeys.Rakp4Icv(auth, sik, session.Rm, session.BmcSid, session.Guid);
        var mode = Mode;
        if (mode == Hostility.Rakp4WrongIcv && icv.Length > 0)
            icv[0] ^= 0x01;
        var status = mode == Hostility.Rakp4Status ? Status : (byte)0;
        if (mode is Hostility.Rakp4WrongIcv or Hostility.Rakp4Status)
            Interlocked.Increment(ref _hostileSent);
        var rakp4 = new Rakp4(payload[0], status, session.ConsoleSid, icv);
        var body = new byte[Rakp4.FixedLength + icv.Length];
        rakp4.Encode(body);
        session.K1 = SessionKeys.K1(auth, sik);
        session.K2 = SessionKeys.K2(auth, sik);
        session.Security ??= new SessionSecurity(session.Suite, session.K1, session.K2, session.ConsoleSid, session.BmcSid);
        return [Unprotected(PayloadType.Rakp4, body)];
    }

    private IEnumerable<byte[]> InSession(Session session, byte[] d)
    {
        var plain = new byte[d.Length];
        if (session.Security!.Open(d, plain, out var type, out var length) != OpenResult.Ok || type != PayloadType.Ipmi)
            return [];
        var (netFn, rqSeq, cmd, data) = ParseRequest(plain.AsSpan(0, length).ToArray());
        byte[] answer = (netFn, cmd) switch
        {
            (0x06, 0x3B) => [0x00, (byte)(data.Length > 0 && data[0] != 0 ? data[0] : 4)],
            (0x06, 0x3C) => [0x00],
            (0x06, 0x01) => [0x00, .. GoodDeviceId],
            _ => [0xC1],
        };
        var mode = Mode;
        var hostile = netFn == 0x06 && cmd == 0x01 && mode is >= Hostility.BadIntegrity and <= Hostility.WrongCommandEcho;
        if (!hostile)
        {
            if (netFn == 0x06 && cmd == 0x01)
                Interlocked.Increment(ref _goodDeviceIds);
            return [session.Seal(PayloadType.Ipmi, session.NextSequence(), Response(netFn, rqSeq, cmd, answer))];
        }

        Interlocked.Increment(ref _hostileSent);
        var evil = Response(netFn, rqSeq, cmd, [0x00, .. HostileMarker]);
        switch (mode)
        {
            case Hostility.BadIntegrity:
            {
                var p = session.Seal(PayloadType.Ipmi, session.NextSequence(), evil);
                p[^1] ^= 0x01;
                return [p];
            }

            case Hostility.WrongSessionId:
            {
                using var other = new SessionSecurity(session.Suite, session.K1!, session.K2!, session.ConsoleSid ^ 0x00010000, session.BmcSid);
                var buffer = new byte[SessionSecurity.MaxSealedLength(evil.Length)];
                var n = other.Seal(buffer, PayloadType.Ipmi, session.NextSequence(), evil);
                return [buffer[..n]];
            }

            case Hostility.ReplayedSequence:
                // A sequence number the console has already accepted (the last good answer's).
                return [session.Seal(PayloadType.Ipmi, session.LastSequence, evil)];
            case Hostility.StaleSequence:
                // Below the console's replay window (ReplayWindow.MaxSize, the default): too old to be told from a replay.
                return [session.Seal(PayloadType.Ipmi, session.LastSequence - (ReplayWindow.MaxSize + 200), evil)];
            case Hostility.LengthOverrun:
                return [session.Reauthenticate(session.Seal(PayloadType.Ipmi, session.NextSequence(), evil), +48)];
            case Hostility.LengthUnderrun:
                return [session.Reauthenticate(session.Seal(PayloadType.Ipmi, session.NextSequence(), evil), -16)];
            case Hostility.BadAesPad:
                return [session.SealWithBadPad(session.NextSequence(), evil)];
            case Hostility.UnknownPayloadType:
                return [session.Seal((PayloadType)0x2A, session.NextSequence(), evil)];
            case Hostility.SolPayloadType:
                return [session.Seal(PayloadType.Sol, session.NextSequence(), evil)];
            case Hostility.Unauthenticated:
            {
                var buffer = new byte[Ipmi20Packet.HeaderLength + evil.Length];
                Ipmi20Packet.EncodeUnprotected(buffer, PayloadType.Ipmi, session.ConsoleSid, session.NextSequence(), evil);
                return [buffer];
            }

            case Hostility.BadLanChecksum:
                evil[^1] ^= 0xFF;
                return [session.Seal(PayloadType.Ipmi, session.NextSequence(), evil)];
            case Hostility.ShortLanMessage:
                return [session.Seal(PayloadType.Ipmi, session.NextSequence(), evil[..5])];
            case Hostility.WrongCommandEcho:
                return [session.Seal(PayloadType.Ipmi, session.NextSequence(), Response(netFn, rqSeq, 0x02, [0x00, .. HostileMarker]))];
            default:
                return [];
        }
    }

    private static CipherSuite CipherSuiteFor(OpenSessionRequest r) =>
        new[] { CipherSuite.Suite0, CipherSuite.Suite1, CipherSuite.Suite2, CipherSuite.Suite3, CipherSuite.Suite17 }
            .First(s => s.Authentication.Id == r.AuthenticationAlgorithm && s.IntegrityId == r.IntegrityAlgorithm && s.ConfidentialityId == r.ConfidentialityAlgorithm);

    private static byte[] Unprotected(PayloadType type, byte[] payload)
    {
        var d = new byte[Ipmi20Packet.HeaderLength + payload.Length];
        Ipmi20Packet.EncodeUnprotected(d, type, 0, 0, payload);
        return d;
    }

    private static (byte NetFn, byte RqSeq, byte Cmd, byte[] Data) ParseRequest(byte[] m) =>
        m.Length < 7 ? ((byte)0, (byte)0, (byte)0, []) : ((byte)(m[1] >> 2), (byte)(m[4] >> 2), m[5], m[6..^1]);

    /// <summary>An IPMI LAN response message: rqAddr, netFn/lun, chk, rsAddr, rqSeq/lun, cmd, cc + data, chk.</summary>
    private static byte[] Response(byte requestNetFn, byte rqSeq, byte cmd, byte[] ccAndData)
    {
        var m = new byte[7 + ccAndData.Length];
        m[0] = IpmiLanMessage.ConsoleAddress;
        m[1] = (byte)((requestNetFn | 1) << 2);
        m[2] = IpmiLanMessage.Checksum(m.AsSpan(0, 2));
        m[3] = 0x20;
        m[4] = (byte)(rqSeq << 2);
        m[5] = cmd;
        ccAndData.CopyTo(m, 6);
        m[^1] = IpmiLanMessage.Checksum(m.AsSpan(3, m.Length - 4));
        return m;
    }

    private sealed class Session(uint consoleSid, uint bmcSid, CipherSuite suite)
    {
        private long _sequence = 10_000;

        public uint ConsoleSid { get; } = consoleSid;
        public uint BmcSid { get; } = bmcSid;
        public CipherSuite Suite { get; } = suite;
        public byte[] Rc { get; } = RandomNumberGenerator.GetBytes(16);
        public byte[] Guid { get; } = RandomNumberGenerator.GetBytes(16);
        public byte[]? Rm { get; set; }
        public byte Role { get; set; }
        public byte[]? Username { get; set; }
        public byte[]? K1 { get; set; }
        public byte[]? K2 { get; set; }
        public SessionSecurity? Security { get; set; }

        public uint LastSequence => (uint)Interlocked.Read(ref _sequence);

        public uint NextSequence() => (uint)Interlocked.Increment(ref _sequence);

        public byte[] Seal(PayloadType type, uint sequence, byte[] message)
        {
            var buffer = new byte[SessionSecurity.MaxSealedLength(message.Length)];
            var n = Security!.Seal(buffer, type, sequence, message);
            return buffer[..n];
        }

        /// <summary>Changes the payload length field and signs the packet again: only the length checks can catch it.</summary>
        public byte[] Reauthenticate(byte[] packet, int lengthDelta)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(14));
            BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(14), (ushort)(length + lengthDelta));
            Sign(packet);
            return packet;
        }

        /// <summary>AES-CBC payload whose decrypted pad-length byte is impossible (F0h), correctly signed.</summary>
        public byte[] SealWithBadPad(uint sequence, byte[] message)
        {
            var plainLength = (message.Length / 16 + 1) * 16;
            var plain = new byte[plainLength];
            message.CopyTo(plain, 0);
            plain[^1] = 0xF0;
            var iv = RandomNumberGenerator.GetBytes(16);
            using var aes = Aes.Create();
            aes.Key = K2![..16];
            var cipher = aes.EncryptCbc(plain, iv, PaddingMode.None);
            var body = iv.Concat(cipher).ToArray();
            var integrity = Suite.Integrity!;
            var end = Ipmi20Packet.HeaderLength + body.Length;
            var pad = (4 - ((end - Rmcp.HeaderLength + 2) % 4)) % 4;
            var packet = new byte[end + pad + 2 + integrity.AuthCodeLength];
            Ipmi20Packet.WriteHeader(packet, PayloadType.Ipmi, true, true, ConsoleSid, sequence, body.Length);
            body.CopyTo(packet, Ipmi20Packet.HeaderLength);
            packet.AsSpan(end, pad).Fill(0xFF);
            packet[end + pad] = (byte)pad;
            packet[end + pad + 1] = Ipmi20Packet.NextHeader;
            Sign(packet);
            return packet;
        }

        private void Sign(byte[] packet)
        {
            var integrity = Suite.Integrity!;
            var signedEnd = packet.Length - integrity.AuthCodeLength;
            integrity.Compute(K1!, packet.AsSpan(Rmcp.HeaderLength, signedEnd - Rmcp.HeaderLength), packet.AsSpan(signedEnd));
        }
    }
}
