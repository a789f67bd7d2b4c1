#!/usr/bin/python3
"""A minimal RMCP+ BMC for cipher suite 17 (and 3), written from IPMI v2.0 section 13 with Python's hmac/hashlib and
python3-cryptography's AES, independently of the C# transport under test. ipmi_sim refuses suite 17, so this is the
end-to-end peer for it. Prints its UDP port on the first stdout line, then serves until killed (or 120 s pass).

usage: rmcpplus_bmc.py [--port N] [--kg HEX] [--suites 17,3] [--no-cipher-list]
"""
import hashlib, hmac, os, select, socket, struct, sys, time
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

USER, PASSWORD = b"ipmiusr", b"test"
GUID = bytes.fromhex("00112233445566778899aabbccddeeff")
DEVICE_ID = bytes.fromhex("2081010251bf570100110000000000")  # arbitrary Get Device ID data
SUITES = {17: (3, 4, 1, hashlib.sha256, 16), 3: (1, 1, 1, hashlib.sha1, 12)}  # id: auth, integ, conf, hash, authcode len

args = sys.argv[1:]
kg = bytes.fromhex(args[args.index("--kg") + 1]) if "--kg" in args else None
allowed = [int(x) for x in args[args.index("--suites") + 1].split(",")] if "--suites" in args else [17, 3]

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", int(args[args.index("--port") + 1]) if "--port" in args else 0))
print(sock.getsockname()[1], flush=True)

def cks(b):
    return (-sum(b)) & 0xFF

def ipmi15(msg):
    return bytes([6, 0, 0xFF, 7, 0]) + b"\0" * 8 + bytes([len(msg)]) + msg

def rmcpp(ptype, sid, seq, payload):
    return bytes([6, 0, 0xFF, 7, 6, ptype]) + struct.pack("<IIH", sid, seq, len(payload)) + payload

def response_msg(req, cc, data):
    # rqAddr, netFn|1 << 2 | rqLUN, chk, rsAddr, rqSeq/rsLUN, cmd, cc, data, chk
    head = bytes([req[3], (((req[1] >> 2) | 1) << 2) | (req[4] & 3)])
    body = bytes([req[0], req[4] & 0xFC, req[5], cc]) + data
    return head + bytes([cks(head)]) + body + bytes([cks(body)])

sessions = {}  # bmc sid -> dict
pending = {}   # bmc sid during handshake
next_sid = 0x1234ABC0
deadline = time.time() + 120

def handle_sessionless(d, addr):
    msg = d[14:14 + d[13]]
    if len(msg) < 7 or cks(msg[:2]) != msg[2] or cks(msg[3:-1]) != msg[-1]:
        return
    netfn, cmd, data = msg[1] >> 2, msg[5], msg[6:-1]
    if (netfn, cmd) == (6, 0x38):
        status = 0x24 if kg else 0x04
        sock.sendto(ipmi15(response_msg(msg, 0, bytes([1, 0x80 | 0x04, status, 0x02, 0, 0, 0, 0]))), addr)
    elif (netfn, cmd) == (6, 0x54) and "--no-cipher-list" not in args:
        records = b"".join(bytes([0xC0, s, SUITES[s][0], 0x40 | SUITES[s][1], 0x80 | SUITES[s][2]]) for s in allowed)
        idx = data[2] & 0x3F
        sock.sendto(ipmi15(response_msg(msg, 0, bytes([1]) + records[idx * 16:idx * 16 + 16])), addr)

def handle_open(p, addr):
    global next_sid
    tag, priv, csid = p[0], p[1], struct.unpack("<I", p[4:8])[0]
    algs = (p[12], p[20], p[28])
    match = [s for s in allowed if SUITES[s][:3] == algs]
    if not match:
        sock.sendto(rmcpp(0x11, 0, 0, bytes([tag, 0x11, 0, 0]) + struct.pack("<I", csid)), addr)
        return
    next_sid += 1
    pending[next_sid] = {"csid": csid, "suite": match[0], "addr": addr}
    # Requested 0 means "the highest level the proposed algorithms allow"; the answer names that level (IPMI v2.0
    # 13.18): ADMIN here. Echoing the 0 made FreeIPMI refuse the session ("privilege level cannot be obtained").
    body = bytes([tag, 0, (priv & 0x0F) or 4, 0]) + struct.pack("<II", csid, next_sid) + p[8:32]
    sock.sendto(rmcpp(0x11, 0, 0, body), addr)

def handle_rakp1(p, addr):
    tag, sid = p[0], struct.unpack("<I", p[4:8])[0]
    s = pending.get(sid)
    if s is None:
        return
    rm, role, ulen = p[8:24], p[24], p[27]
    name = p[28:28 + ulen]
    h = SUITES[s["suite"]][3]
    if name != USER:
        sock.sendto(rmcpp(0x13, 0, 0, bytes([tag, 0x0D, 0, 0]) + struct.pack("<I", s["csid"])), addr)
        return
    rc = os.urandom(16)
    s.update(rm=rm, rc=rc, role=role, name=name)
    code = hmac.new(PASSWORD, struct.pack("<II", s["csid"], sid) + rm + rc + GUID + bytes([role, ulen]) + name, h).digest()
    sock.sendto(rmcpp(0x13, 0, 0, bytes([tag, 0, 0, 0]) + struct.pack("<I", s["csid"]) + rc + GUID + code), addr)

def handle_rakp3(p, addr):
    tag, sid = p[0], struct.unpack("<I", p[4:8])[0]
    s = pending.get(sid)
    if s is None:
        return
    auth, integ, conf, h, alen = SUITES[s["suite"]]
    name = s["name"]
    expect = hmac.new(PASSWORD, s["rc"] + struct.pack("<I", s["csid"]) + bytes([s["role"], len(name)]) + name, h).digest()
    if not hmac.compare_digest(expect, p[8:8 + len(expect)]):
        sock.sendto(rmcpp(0x15, 0, 0, bytes([tag, 0x0F, 0, 0]) + struct.pack("<I", s["csid"])), addr)
        return
    sik = hmac.new(kg or PASSWORD, s["rm"] + s["rc"] + bytes([s["role"], len(name)]) + name, h).digest()
    s["k1"] = hmac.new(sik, b"\x01" * 20, h).digest()
    s["k2"] = hmac.new(sik, b"\x02" * 20, h).digest()
    s["seq"] = 0
    icv = hmac.new(sik, s["rm"] + struct.pack("<I", sid) + GUID, h).digest()[:alen]
    sessions[sid] = pending.pop(sid)
    sock.sendto(rmcpp(0x15, 0, 0, bytes([tag, 0, 0, 0]) + struct.pack("<I", s["csid"]) + icv), addr)

def handle_session(d, addr):
    sid = struct.unpack("<I", d[6:10])[0]
    s = sessions.get(sid)
    if s is None or d[5] != 0xC0:
        return
    _, _, _, h, alen = SUITES[s["suite"]]
    if not hmac.compare_digest(hmac.new(s["k1"], d[4:-alen], h).digest()[:alen], d[-alen:]):
        return  # integrity failure: drop silently, as a BMC does
    length = struct.unpack("<H", d[14:16])[0]
    enc = d[16:16 + length]
    dec = Cipher(algorithms.AES(s["k2"][:16]), modes.CBC(enc[:16])).decryptor()
    plain = dec.update(enc[16:]) + dec.finalize()
    msg = plain[:len(plain) - plain[-1] - 1]
    if cks(msg[:2]) != msg[2] or cks(msg[3:-1]) != msg[-1]:
        return
    netfn, cmd, data = msg[1] >> 2, msg[5], msg[6:-1]
    if (netfn, cmd) == (6, 0x01):
        out = response_msg(msg, 0, DEVICE_ID)
    elif (netfn, cmd) == (6, 0x3B):
        out = response_msg(msg, 0, bytes([data[0] or 4]))
    elif (netfn, cmd) == (6, 0x3C):
        out = response_msg(msg, 0, b"")
    elif netfn == 0x2C:  # echo for tests: answers with the request data reversed
        out = response_msg(msg, 0, data[::-1])
    else:
        out = response_msg(msg, 0xC1, b"")
    pad = 15 - (len(out) % 16)
    padded = out + bytes(range(1, pad + 1)) + bytes([pad])
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(s["k2"][:16]), modes.CBC(iv)).encryptor()
    payload = iv + enc.update(padded) + enc.finalize()
    s["seq"] += 1
    pkt = rmcpp(0xC0, s["csid"], s["seq"], payload)
    ipad = (4 - (len(pkt) - 4 + 2) % 4) % 4
    pkt += b"\xff" * ipad + bytes([ipad, 7])
    pkt += hmac.new(s["k1"], pkt[4:], h).digest()[:alen]
    sock.sendto(pkt, addr)
    if (netfn, cmd) == (6, 0x3C):
        sessions.pop(sid, None)

while time.time() < deadline:
    r, _, _ = select.select([sock], [], [], 0.5)
    if not r:
        continue
    d, addr = sock.recvfrom(4096)
    if len(d) < 14 or d[:4] != b"\x06\x00\xff\x07":
        continue
    if d[4] == 0:
        handle_sessionless(d, addr)
    elif d[4] == 6 and len(d) >= 16:
        ptype, payload = d[5] & 0x3F, d[16:]
        if ptype == 0x10:
            handle_open(payload, addr)
        elif ptype == 0x12:
            handle_rakp1(payload, addr)
        elif ptype == 0x14:
            handle_rakp3(payload, addr)
        elif ptype == 0:
            handle_session(d, addr)
