#!/usr/bin/env python3
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""A test BMC that refuses what a Dell iDRAC refuses, on pyghmi's BMC framework (Debian python3-pyghmi).

pyghmi's own fakebmc answers every Chassis Control with 00h. A Dell BMC does not: power down, soft shutdown, cycle,
reset or diagnostic interrupt on a powered-off host answer D5h ("command not supported in present state"), and a
boot device it cannot boot from answers CCh. This BMC does the same, so clients can be checked against completion
codes coming from an independent implementation over a real RMCP+ session (cipher suite 3, pyghmi's server side).

    dellish_bmc.py --port N [--power on|off] [--unsupported-boot 7,15]
    user "root", password from $DELLISH_BMC_PASSWORD (default "calvin", Dell's factory default; test-only)

Every authenticated request datagram is printed on stdout as one JSON line, before it is acted on, so a test can
count what really arrived (a retransmission is a second line; Set Session Privilege and Close Session, which
pyghmi's session answers itself, are left out):
    {"event": "request", "netFn": 0, "cmd": 2, "data": "00", "rqSeq": 5, "sessionSeq": 9, "replay": false}
and what was answered: {"event": "answer", "netFn": 0, "cmd": 2, "code": 213} (or "answered": false when muted).
A datagram whose session sequence number is not above the last one seen is a replay: logged, never executed.
Power changes print {"event": "power", "on": true|false}.

Commands on stdin, one per line (a test's hand on the chassis, outside IPMI):
    power on|off     the chassis changes state by itself (power button, OS shutdown)
    stale N          the next N Get Chassis Status answers still show the power state from before the last change
                     (IPMI lets a BMC report power late: a client's read-then-act races this)
    mute N [ACTION]  the next N Chassis Control requests (of that action byte only, e.g. 2 for power cycle) are
                     carried out but never answered (a lost answer)
Each command is acknowledged with {"event": "ok", "command": "..."}.
Startup prints {"event": "listening", "port": N} once the socket is bound.
"""

import argparse
import json
import os
import struct
import sys
import threading

import pyghmi.ipmi.bmc as bmc
import pyghmi.ipmi.private.serversession as serversession

NOT_IN_PRESENT_STATE = 0xD5
INVALID_DATA_FIELD = 0xCC
PARAMETER_NOT_SUPPORTED = 0x80
SET_IN_PROGRESS_HELD = 0x81
INVALID_COMMAND = 0xC1
DELL_IANA = 674

_print_lock = threading.Lock()


def emit(**event):
    with _print_lock:
        sys.stdout.write(json.dumps(event, sort_keys=True) + '\n')
        sys.stdout.flush()


def _install_datagram_log():
    """Sees every authenticated IPMI payload datagram, before pyghmi's sequence check drops a replay.

    pyghmi's server session drops a datagram whose session sequence number is below the last one silently; a test
    that counts datagrams must see those too, so the check is made here (and logged) instead of there.
    """
    original = serversession.ServerSession._handle_ipmi2_packet

    def handle(self, data):
        if len(data) >= 14 and (data[5] & 0b00111111) == 0 and getattr(self, 'k1', None) is not None:
            seq = struct.unpack('<I', bytes(data[10:14]))[0]
            last = getattr(self, 'remseqnumber', None)
            self.dellish_replay = last is not None and last != 0xffffffff and seq <= last
            self.dellish_seq = seq
            if last is not None:
                del self.remseqnumber
            try:
                return original(self, data)
            finally:
                # A replay (or a datagram pyghmi dropped before its own check) leaves the last sequence number as it was.
                if last is not None and (self.dellish_replay or not hasattr(self, 'remseqnumber')):
                    self.remseqnumber = last
        return original(self, data)

    serversession.ServerSession._handle_ipmi2_packet = handle

    parse = serversession.ServerSession._parse_ipmi_payload

    def parse_payload(self, payload):
        if len(payload) >= 7:
            self.dellish_request = dict(netFn=payload[1] >> 2, cmd=payload[5], rqSeq=payload[4] >> 2,
                                        data=bytes(payload[6:-1]).hex())
        return parse(self, payload)

    serversession.ServerSession._parse_ipmi_payload = parse_payload

    send = serversession.ServerSession.send_ipmi_response

    def send_response(self, data=(), code=0):
        request = getattr(self, 'dellish_request', None) or {}
        emit(event='answer', netFn=request.get('netFn'), cmd=request.get('cmd'), code=code)
        return send(self, data=data, code=code)

    serversession.ServerSession.send_ipmi_response = send_response


class DellishBmc(bmc.Bmc):
    # Boot flags parameter 5 data 2 bits 5:2 (IPMI v2.0 table 28-14).
    BOOT_SELECTOR_SHIFT = 2

    def __init__(self, authdata, port, power_on, unsupported_boot):
        super(DellishBmc, self).__init__(authdata, port, address='127.0.0.1')
        self.mfgid = DELL_IANA
        self.prodid = 0x0100
        self.lock = threading.Lock()
        self.power_on_state = power_on
        self.reported_power = power_on
        self.stale_reads = 0
        self.mute = 0
        self.mute_action = None
        self.restore_policy = 1  # previous
        self.identify = 0
        self.unsupported_boot = set(unsupported_boot)
        self.boot_flags = bytearray(5)  # never set: valid bit clear
        self.boot_set_in_progress = 0
        self.boot_info_ack = bytearray([0, 0])

    # -- chassis, outside IPMI (stdin) --------------------------------------------------------------------
    def external(self, line):
        words = line.split()
        with self.lock:
            if len(words) == 2 and words[0] == 'power' and words[1] in ('on', 'off'):
                self._set_power(words[1] == 'on')
            elif len(words) == 2 and words[0] == 'stale' and words[1].isdigit():
                self.stale_reads = int(words[1])
            elif len(words) in (2, 3) and words[0] == 'mute' and words[1].isdigit():
                self.mute = int(words[1])
                self.mute_action = int(words[2], 0) if len(words) == 3 else None
            else:
                emit(event='error', command=line)
                return
        emit(event='ok', command=line)

    def _set_power(self, on):
        self.reported_power = self.power_on_state
        self.power_on_state = on
        emit(event='power', on=on)

    # -- IPMI --------------------------------------------------------------------------------------------
    def handle_raw_request(self, request, session):
        replay = getattr(session, 'dellish_replay', False)
        info = getattr(session, 'dellish_request', {}) or {}
        emit(event='request', netFn=request['netfn'], cmd=request['command'], data=bytes(request['data']).hex(),
             rqSeq=info.get('rqSeq'), sessionSeq=getattr(session, 'dellish_seq', None), replay=replay)
        if replay:
            return
        netfn, cmd = request['netfn'], request['command']
        with self.lock:
            if netfn == 0 and cmd == 0x02:
                return self.chassis_control(request, session)
            handler = {
                (6, 0x01): lambda: self.send_device_id(session),
                (0, 0x00): lambda: session.send_ipmi_response(data=[0x01, 0x00]),  # Get Chassis Capabilities
                (0, 0x01): lambda: self.chassis_status(session),
                (0, 0x04): lambda: self.chassis_identify(request, session),
                (0, 0x06): lambda: self.set_restore_policy(request, session),
                (0, 0x07): lambda: session.send_ipmi_response(data=[0x01, 0x01]),  # restart cause: Chassis Control, ch 1
                (0, 0x08): lambda: self.set_boot_options(request, session),
                (0, 0x09): lambda: self.get_boot_options(request, session),
            }.get((netfn, cmd))
            if handler is None:
                return session.send_ipmi_response(code=INVALID_COMMAND)
            return handler()

    def chassis_status(self, session):
        shown = self.reported_power if self.stale_reads > 0 else self.power_on_state
        if self.stale_reads > 0:
            self.stale_reads -= 1
        current = (1 if shown else 0) | (self.restore_policy << 5)
        misc = 0x40 | self.identify << 4  # bit 6: identify state reported; bits 5:4 off, temporary, indefinite
        session.send_ipmi_response(data=[current, 0x00, misc, 0x00])

    def chassis_control(self, request, session):
        data = request['data']
        if len(data) != 1:
            return session.send_ipmi_response(code=0xC7)
        action = data[0] & 0x0F
        if action > 5:
            code = INVALID_DATA_FIELD
        elif action == 1:  # power up: Dell answers success when already on
            code = 0
            if not self.power_on_state:
                self._set_power(True)
        elif not self.power_on_state:
            code = NOT_IN_PRESENT_STATE  # down, cycle, reset, diag, soft: nothing to act on
        else:
            code = 0
            if action in (0, 5):
                self._set_power(False)
        if self.mute > 0 and self.mute_action in (None, action):
            self.mute -= 1
            emit(event='answer', netFn=0, cmd=2, code=code, answered=False)
            return
        session.send_ipmi_response(code=code)

    def chassis_identify(self, request, session):
        data = request['data']
        force = len(data) > 1 and data[1] & 1
        self.identify = 2 if force else (1 if (data[0] if data else 15) else 0)
        session.send_ipmi_response()

    def set_restore_policy(self, request, session):
        data = request['data']
        if len(data) != 1 or data[0] & 0x07 > 3:
            return session.send_ipmi_response(code=INVALID_DATA_FIELD)
        if data[0] & 0x07 != 3:
            self.restore_policy = data[0] & 0x07
        # Response: which policies are supported (bits 0-2: always off, previous, always on).
        session.send_ipmi_response(data=[0x07])

    def get_boot_options(self, request, session):
        data = request['data']
        if len(data) < 3:
            return session.send_ipmi_response(code=0xC7)
        parameter = data[0] & 0x7F
        if parameter == 0:
            value = [self.boot_set_in_progress]
        elif parameter == 4:
            value = list(self.boot_info_ack)
        elif parameter == 5:
            value = list(self.boot_flags)
        else:
            return session.send_ipmi_response(code=PARAMETER_NOT_SUPPORTED)
        session.send_ipmi_response(data=[0x01, parameter] + value)

    def set_boot_options(self, request, session):
        data = request['data']
        if not data:
            return session.send_ipmi_response(code=0xC7)
        parameter, value = data[0] & 0x7F, data[1:]
        if parameter == 0:
            if len(value) != 1 or value[0] & 0x03 == 3:
                return session.send_ipmi_response(code=INVALID_DATA_FIELD)
            if value[0] & 0x03 == 1 and self.boot_set_in_progress == 1:
                return session.send_ipmi_response(code=SET_IN_PROGRESS_HELD)
            self.boot_set_in_progress = 0 if value[0] & 0x03 == 2 else value[0] & 0x03
        elif parameter == 4:
            if len(value) != 2:
                return session.send_ipmi_response(code=0xC7)
            mask, bits = value
            self.boot_info_ack[0] = (self.boot_info_ack[0] & ~mask | bits & mask) & 0xFF
        elif parameter == 5:
            if len(value) != 5:
                return session.send_ipmi_response(code=0xC7)
            selector = (value[1] >> self.BOOT_SELECTOR_SHIFT) & 0x0F
            if selector in self.unsupported_boot:
                return session.send_ipmi_response(code=INVALID_DATA_FIELD)
            self.boot_flags = bytearray(value)
        else:
            return session.send_ipmi_response(code=PARAMETER_NOT_SUPPORTED)
        session.send_ipmi_response()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--power', choices=['on', 'off'], default='on')
    parser.add_argument('--unsupported-boot', default='7,15',
                        help='boot selectors (parameter 5 data 2 bits 5:2) answered CCh; default remote floppy, floppy')
    args = parser.parse_args()
    password = os.environ.get('DELLISH_BMC_PASSWORD', 'calvin')
    unsupported = [int(s, 0) for s in args.unsupported_boot.split(',') if s.strip()]
    _install_datagram_log()
    server = DellishBmc({'root': password}, args.port, args.power == 'on', unsupported)
    emit(event='listening', port=args.port)

    def read_commands():
        for line in sys.stdin:
            if line.strip():
                server.external(line.strip())
        # stdin closed: the test is gone.
        os._exit(0)

    reader = threading.Thread(target=read_commands)
    reader.daemon = True
    reader.start()
    server.listen(timeout=1)


if __name__ == '__main__':
    main()
