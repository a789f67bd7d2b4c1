# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""The one JSON-RPC client every ipmirpc.ipmi module uses.

It finds the ``ipmirpc`` executable, starts it, speaks newline-delimited JSON-RPC 2.0 over its
stdin/stdout (ids matched, responses may come back out of order), bounds every wait, and turns
errors into ``fail_json(msg=..., code=..., data=...)``. Secrets travel only inside the JSON
params written to the child's stdin: never on its command line, never in the environment.

With ``ipmirpc_socket`` the requests go to a long-lived shared server instead, so IPMI sessions survive from
one task to the next. When that server is up, answers the hello as the build of this ``ipmirpc`` with the
default settings, and runs as this user (SO_PEERCRED), the module talks to its socket itself: no process per
task. Otherwise it runs ``ipmirpc connect --socket PATH``, which relays the same stdin/stdout to the server
(starting it, one starter at a time; a server of another build or settings is not used); when no server can be
used, ``connect`` says why on its stderr and serves the task in-process.

Standard library only: managed nodes have no PyPI.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import json
import os
import re
import select
import socket
import stat
import struct
import time

from ansible_collections.ipmirpc.ipmi.plugins.module_utils.ipmirpc_target import (
    TARGET_ARGUMENT_SPEC, TARGET_DEFAULTS, TARGET_FIELDS, TARGET_INFER_TRANSPORT, TARGET_SECRET_OPTIONS,
    TARGET_VALUE_SYNONYMS)

try:
    from shutil import which as _which
except ImportError:  # pragma: no cover - Python 2 has no shutil.which
    from distutils.spawn import find_executable as _which  # pylint: disable=deprecated-module

ENV_PATH = 'IPMIRPC_PATH'
ENV_SOCKET = 'IPMIRPC_SOCKET'

# Codes that are not JSON-RPC codes from the host but failures of the wrapper itself.
CODE_NOT_FOUND = -32090
CODE_HOST_EXITED = -32091
CODE_HOST_TIMEOUT = -32092
CODE_BAD_RESPONSE = -32093

# Shared options of every module: generated from the schema's Target (plugins/module_utils/ipmirpc_target.py,
# documented in plugins/doc_fragments/target.py).
_SECRET_OPTIONS = TARGET_SECRET_OPTIONS


def target_argument_spec(**extra):
    """The shared options plus a module's own."""
    spec = dict((k, dict(v)) for k, v in TARGET_ARGUMENT_SPEC.items())
    spec.update(extra)
    return spec


class IpmiRpcError(Exception):
    """A JSON-RPC error answer (or a wrapper failure with one of the CODE_* values)."""

    def __init__(self, code, message, data=None):
        super(IpmiRpcError, self).__init__(message)
        self.code = code
        self.message = message
        self.data = data

    @property
    def completion_code(self):
        if isinstance(self.data, dict):
            return self.data.get('completionCode')
        return None


def find_ipmirpc(explicit=None, environ=None):
    """The ipmirpc executable: the option, then $IPMIRPC_PATH, then PATH."""
    environ = os.environ if environ is None else environ
    for origin, candidate in (('ipmirpc_path option', explicit), (ENV_PATH + ' environment variable',
                                                                  environ.get(ENV_PATH))):
        if not candidate:
            continue
        candidate = os.path.expanduser(candidate)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        raise IpmiRpcError(CODE_NOT_FOUND, 'ipmirpc not usable: %s points to %s, which is not an executable file'
                           % (origin, candidate), dict(path=candidate, source=origin))
    found = _which('ipmirpc')
    if found:
        return found
    raise IpmiRpcError(CODE_NOT_FOUND, 'ipmirpc not found: set the ipmirpc_path option or the %s environment '
                       'variable, or put ipmirpc on PATH' % ENV_PATH, dict(path=None))


def resolve_socket_path(value, environ=None):
    """The ``--socket`` of ``ipmirpc connect`` for the ``ipmirpc_socket`` option (falling back to $IPMIRPC_SOCKET).

    None (no shared server) when empty; ``auto`` is resolved by ``ipmirpc connect`` itself.
    """
    environ = os.environ if environ is None else environ
    if value is None:
        value = environ.get(ENV_SOCKET)
    if not value:
        return None
    if value == 'auto':
        return value
    return os.path.abspath(os.path.expanduser(value))


def build_target(params):
    """The JSON-RPC ``target`` object from the shared options, or None for the host's local default.

    Each option fills the target field it was generated from; fields the chosen transport does not use are
    left out (so module_defaults or IPMI_USER meant for lanplus do not break an in-band task).
    """
    transport = params.get('transport')
    if transport is None:
        for option, implied in TARGET_INFER_TRANSPORT:
            if params.get(option):
                transport = implied
                break
    if transport is None:
        return None
    target = dict(transport=transport)
    for option, field, transports in TARGET_FIELDS:
        value = params.get(option)
        if field == 'transport' or value is None or (transports is not None and transport not in transports):
            continue
        target[field] = TARGET_VALUE_SYNONYMS.get(option, {}).get(value, value)
    # The seed's spellings: kg '0x...' is hex, attempt_timeout is seconds.
    kg = target.get('kg')
    if kg and 'kgHex' not in target and re.match(r'^0[xX][0-9a-fA-F]+$', kg):
        target['kgHex'] = target.pop('kg')[2:]
    if params.get('attempt_timeout') is not None and 'timeoutMs' not in target:
        target['timeoutMs'] = int(round(params['attempt_timeout'] * 1000))
    return target


# The host answers -32004 at the deadline; the wrapper waits this much longer for that answer before giving up on it
# (the host's clock starts when it reads the request: leave room for starting it, as default_call_timeout does).
DEADLINE_GRACE = 15.0
# The host's largest timeoutMs.
MAX_TIMEOUT_MS = 3600000


def default_call_timeout(params):
    """Seconds to wait for one answer: the host bounds its own retries, this only guards against a hung host."""
    per_attempt = params.get('attempt_timeout') or ((params.get('timeout_ms') or TARGET_DEFAULTS['timeout_ms']) / 1000.0)
    retries = params.get('retries')
    retries = TARGET_DEFAULTS['retries'] if retries is None else retries
    # Opening a session is several round trips, each retried: leave room for that plus process start.
    return 15.0 + per_attempt * (retries + 1) * 6


# -- the shared server, reached without a process (src/IpmiRpc.Host/Hosting/ServerIdentity.cs, ConnectClient.cs) ------
# Each side sends one line before JSON-RPC starts: this request, then the server's identity as a JSON line.
HELLO_REQUEST = b'#ipmirpc-hello 1\n'
MAX_HELLO_BYTES = 4096
# The settings a server started by a plain ``ipmirpc connect --socket PATH`` (what the modules run) reports: no
# --targets, --max-session-age at its default (SessionPoolOptions.MaxSessionAge, 600 s). A server started with other
# settings is left to ``connect``, which does not use it. tests/IpmiRpc.EndToEnd.Tests/Wrappers/AnsibleSocketTests.cs
# checks this and the build below against a real server.
DEFAULT_SERVER_SETTINGS = 'targets=;maxSessionAge=600'
# .NET's DateTime ticks (100 ns since 0001-01-01) at the Unix epoch: the build names files by their mtime in ticks.
_UNIX_EPOCH_TICKS = 621355968000000000
# ConnectClient.UnresponsiveMemory: a server noted as hung is not waited for again within this.
_UNRESPONSIVE_MEMORY = 300.0
# How long a server that accepted the connection has to answer the hello (connect's --connect-timeout default).
HELLO_TIMEOUT = 10.0
# How long to wait for another client that is starting the server (connect's --start-timeout default).
START_TIMEOUT = 30.0
_START_POLL = 0.02
_UCRED = struct.Struct('3i')


def describe_build(path):
    """The ``build`` a server running the executable at ``path`` answers the hello with (ServerIdentity.DescribeBuild).

    The executable as the kernel names it (symlinks resolved), and ipmirpc.dll beside it when the build has one, each
    with its size and modification time: an upgrade in place changes it.
    """
    executable = os.path.realpath(path)
    parts = []
    for index, name in enumerate((executable, os.path.join(os.path.dirname(executable), 'ipmirpc.dll'))):
        try:
            st = os.stat(name)
        except OSError:
            if index == 0:
                parts.append(name)
            continue
        parts.append('%s@%d:%d' % (name, st.st_size, _UNIX_EPOCH_TICKS + st.st_mtime_ns // 100))
    return ';'.join(parts)


def _private_directory(path, uid):
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and st.st_uid == uid and st.st_mode & 0o077 == 0


def shared_socket_file(value, environ=None):
    """The socket ``ipmirpc connect --socket VALUE`` would use when it is already there; None when only ``connect``
    can tell (``auto`` with no private directory yet: it creates one)."""
    if value != 'auto':
        return value
    environ = os.environ if environ is None else environ
    uid = os.geteuid()
    runtime = environ.get('XDG_RUNTIME_DIR')
    if runtime and os.path.isabs(runtime) and _private_directory(runtime, uid):
        return os.path.join(runtime, 'ipmirpc.sock')
    own = '/tmp/ipmirpc-%d' % uid
    return os.path.join(own, 'ipmirpc.sock') if _private_directory(own, uid) else None


def _noted_unresponsive(path, pid):
    """``connect`` noted this very server (by pid) as hung a moment ago: leave it to ``connect``, which knows."""
    try:
        # Like connect reads it: no symlink followed, a regular file only (a FIFO must not block the task).
        fd = os.open(path + '.unresponsive', os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, 'O_CLOEXEC', 0))
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or time.time() - st.st_mtime >= _UNRESPONSIVE_MEMORY:
            return False
        return os.read(fd, 32).strip() == str(pid).encode('ascii')
    except OSError:
        return False
    finally:
        os.close(fd)


_BUILD_SUFFIX = re.compile(r'^[0-9a-f]{8}$')
_MAX_BUILD_SOCKETS = 8


def build_sockets(path):
    """PATH.<hash> sockets: where ``connect`` runs a server of its own build when another build holds PATH (an upgrade
    while the old server still runs). Whichever answers the hello as this build is the one ``connect`` would pick."""
    directory, name = os.path.split(path)
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    prefix = name + '.'
    return sorted(os.path.join(directory, n) for n in names
                  if n.startswith(prefix) and _BUILD_SUFFIX.match(n[len(prefix):]))[:_MAX_BUILD_SOCKETS]


def wait_for_starter(path, timeout=START_TIMEOUT):
    """Waits (boundedly) while another client holds PATH.start.lock, i.e. is starting the server; True if it did.

    The forks of a playbook's first task all find no server: the first ``connect`` starts one under this lock, and a
    fork that waits here for it then uses the server directly instead of running a ``connect`` of its own to wait.
    """
    try:
        fd = os.open(path + '.start.lock', os.O_RDONLY | os.O_NOFOLLOW | getattr(os, 'O_CLOEXEC', 0))
    except OSError:
        return False  # never started here, or not a file we may use: connect decides
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            return False
        deadline = time.time() + timeout
        waited = False
        while True:
            try:
                # A shared lock is refused only while a starter holds the exclusive one; it is dropped at once.
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fd, fcntl.LOCK_UN)
                return waited
            except (IOError, OSError) as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN) or time.time() >= deadline:
                    return waited
            waited = True
            time.sleep(_START_POLL)
    finally:
        os.close(fd)


def connect_shared_server(path, executable, timeout=HELLO_TIMEOUT):
    """A socket connected to the shared server at ``path`` that answered the hello as a server of ``executable`` with
    the default settings, run by this user; None (nothing raised) whenever ``ipmirpc connect`` must decide instead:
    no socket yet, a stale one, another owner, another build or settings, a server noted as hung, no hello in time.

    Returns (socket, bytes read after the hello line).
    """
    if not hasattr(socket, 'SO_PEERCRED'):
        return None  # not Linux: connect says why it serves in-process
    uid = os.geteuid()
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISSOCK(st.st_mode) or st.st_uid != uid:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
        # Requests carry passwords: only to a server running as this user (SO_PEERCRED, as connect checks).
        pid, peer_uid, dummy_gid = _UCRED.unpack(sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size))
        if peer_uid != uid or _noted_unresponsive(path, pid):
            sock.close()
            return None
        sock.sendall(HELLO_REQUEST)
        received = b''
        deadline = time.time() + timeout
        while b'\n' not in received and len(received) < MAX_HELLO_BYTES:
            sock.settimeout(max(0.001, deadline - time.time()))
            chunk = sock.recv(MAX_HELLO_BYTES)
            if not chunk:
                sock.close()
                return None
            received += chunk
        line, rest = received.split(b'\n', 1) if b'\n' in received else (received, b'')
        hello = json.loads(line.decode('utf-8'))
        if (not isinstance(hello, dict) or hello.get('ipmirpc') != 'hello'
                or hello.get('build') != describe_build(executable) or hello.get('settings') != DEFAULT_SERVER_SETTINGS):
            sock.close()
            return None
        sock.settimeout(None)
        return sock, rest
    except (socket.error, OSError, ValueError, UnicodeDecodeError):
        # socket.timeout too: connect then waits for that server itself and notes it as hung for the next tasks.
        sock.close()
        return None


class IpmiRpcClient(object):
    """One ipmirpc child process, many calls; close() ends it (stdin EOF lets it close its sessions).

    With ``socket_path`` the calls go to the shared server: over its socket directly when it is up and may serve
    this client (``transport`` 'socket'), else through a child ``ipmirpc connect --socket PATH`` ('connect'). close()
    then only disconnects and the sessions stay open in the shared server for the next task.
    """

    def __init__(self, path, secrets=(), extra_args=(), socket_path=None):
        self.path = path
        self._secrets = [s for s in secrets if s]
        self._extra_args = list(extra_args)
        self.socket_path = socket_path
        self.transport = None
        self._proc = None
        self._sock = None
        self._next_id = 0
        self._buffer = b''
        self._stashed = {}
        self._stderr = []
        self._stderr_thread = None

    # -- process ------------------------------------------------------------------------------
    def start(self):
        if self._proc is not None or self._sock is not None:
            return
        if self.socket_path and not self._extra_args:
            existing = shared_socket_file(self.socket_path)
            connected = connect_shared_server(existing, self.path) if existing else None
            if connected is None and existing and wait_for_starter(existing):
                connected = connect_shared_server(existing, self.path)
            for candidate in build_sockets(existing) if connected is None and existing else ():
                connected = connect_shared_server(candidate, self.path)
                if connected is not None:
                    existing = candidate
                    break
            if connected is not None:
                self._sock, self._buffer = connected
                self.socket_path = existing
                self.transport = 'socket'
                return
        # Only this path needs them: a task through a running shared server never starts a process.
        import subprocess  # pylint: disable=import-outside-toplevel
        import threading  # pylint: disable=import-outside-toplevel
        args = [self.path]
        if self.socket_path:
            args += ['connect', '--socket', self.socket_path]
        try:
            self._proc = subprocess.Popen(args + self._extra_args, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True)
        except OSError as e:
            raise IpmiRpcError(CODE_NOT_FOUND, 'cannot start ipmirpc at %s: %s' % (self.path, e.strerror),
                               dict(path=self.path))
        self.transport = 'connect' if self.socket_path else 'process'
        self._stderr_thread = threading.Thread(target=self._drain_stderr)
        self._stderr_thread.daemon = True
        self._stderr_thread.start()

    def _drain_stderr(self):
        total = 0
        stream = self._proc.stderr
        while True:
            chunk = stream.read1(4096) if hasattr(stream, 'read1') else stream.read(4096)
            if not chunk:
                return
            # Keep the tail only: a chatty host must not grow this without bound.
            self._stderr.append(chunk)
            total += len(chunk)
            while total > 65536 and len(self._stderr) > 1:
                total -= len(self._stderr.pop(0))

    def stderr_text(self):
        return self.scrub(b''.join(self._stderr).decode('utf-8', 'replace'))

    def close(self, wait=10.0):
        """EOF on stdin: the host finishes, closes its IPMI sessions and exits; kill it if it does not.

        Through the shared server (directly or via ``ipmirpc connect``): it just disconnects (the server keeps its
        sessions and idle-exits).
        """
        sock, self._sock = self._sock, None
        if sock is not None:
            # Every call was answered: nothing is in flight that closing could cancel.
            sock.close()
            return 0
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        try:
            proc.stdin.close()
        except (IOError, OSError):
            pass
        deadline = time.time() + wait
        while proc.poll() is None and time.time() < deadline:
            time.sleep(0.02)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if self._stderr_thread is not None:
            self._stderr_thread.join(2.0)
        proc.stderr.close()
        return proc.returncode

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- protocol ------------------------------------------------------------------------------
    def scrub(self, text):
        """Belt and braces: the host never echoes secrets, but nothing we report may contain them."""
        if not isinstance(text, str):
            return text
        for s in self._secrets:
            text = text.replace(s, '********')
        return text

    def _scrub_deep(self, value):
        if isinstance(value, dict):
            return dict((k, self._scrub_deep(v)) for k, v in value.items())
        if isinstance(value, list):
            return [self._scrub_deep(v) for v in value]
        return self.scrub(value)

    def call(self, method, params=None, timeout=30.0):
        """Send one request and return its ``result``; raise IpmiRpcError for an error answer."""
        self.start()
        self._next_id += 1
        request_id = self._next_id
        message = dict(jsonrpc='2.0', id=request_id, method=method)
        if params is not None:
            message['params'] = params
        line = json.dumps(message, separators=(',', ':')).encode('utf-8') + b'\n'
        try:
            if self._sock is not None:
                self._sock.sendall(line)
            else:
                self._proc.stdin.write(line)
                self._proc.stdin.flush()
        except (IOError, OSError):
            raise self._exited_error('ipmirpc exited before it read the request', method)
        response = self._wait_for(request_id, time.time() + timeout, method, timeout)
        if 'error' in response and response['error'] is not None:
            err = response['error']
            if not isinstance(err, dict):
                raise IpmiRpcError(CODE_BAD_RESPONSE, 'ipmirpc sent a malformed error for %s' % method)
            raise IpmiRpcError(err.get('code', CODE_BAD_RESPONSE), self.scrub(err.get('message', 'error')),
                               self._scrub_deep(err.get('data')))
        if 'result' not in response:
            raise IpmiRpcError(CODE_BAD_RESPONSE, 'ipmirpc answered %s with neither result nor error' % method)
        return response['result']

    def _wait_for(self, request_id, deadline, method, timeout):
        if request_id in self._stashed:
            return self._stashed.pop(request_id)
        fd = self._sock.fileno() if self._sock is not None else self._proc.stdout.fileno()
        while True:
            while b'\n' in self._buffer:
                raw, self._buffer = self._buffer.split(b'\n', 1)
                raw = raw.strip()
                if not raw:
                    continue
                try:
                    msg = json.loads(raw.decode('utf-8'))
                except ValueError:
                    raise IpmiRpcError(CODE_BAD_RESPONSE, 'ipmirpc wrote a line that is not JSON: %s'
                                       % self.scrub(raw[:200].decode('utf-8', 'replace')))
                if not isinstance(msg, dict) or 'id' not in msg:
                    continue  # a notification (e.g. progress): nothing waits for it
                if msg['id'] == request_id:
                    return msg
                self._stashed[msg['id']] = msg
            remaining = deadline - time.time()
            if remaining <= 0:
                raise IpmiRpcError(CODE_HOST_TIMEOUT, 'ipmirpc did not answer %s within %.0f s' % (method, timeout),
                                   dict(method=method, timeoutSeconds=timeout))
            ready = select.select([fd], [], [], min(remaining, 1.0))[0]
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b''  # a reset connection (the shared server died) ends the task like a closed one
            if not chunk:
                raise self._exited_error('ipmirpc exited without answering %s' % method, method)
            self._buffer += chunk

    def _exited_error(self, what, method):
        if self._sock is not None:
            # Worded as connect words it when the server goes away mid-task (ConnectClient.RelayAsync).
            return IpmiRpcError(CODE_HOST_EXITED, 'the shared server at %s closed the connection without answering %s; '
                                'see its log %s.log' % (self.socket_path, method, self.socket_path),
                                dict(exitCode=None, socket=self.socket_path))
        code = None
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=5)
            except Exception:  # pylint: disable=broad-except
                code = None
        if self._stderr_thread is not None:
            self._stderr_thread.join(1.0)
        tail = self.stderr_text().strip()[-2000:]
        msg = '%s (exit code %s)' % (what, code)
        if tail:
            msg += ': ' + tail
        return IpmiRpcError(CODE_HOST_EXITED, msg, dict(exitCode=code))


# -- helpers for modules ----------------------------------------------------------------------
_CAMEL_RE = re.compile(r'(?<=[a-z0-9])([A-Z])')


def snake_case(name):
    """ipAddress -> ip_address (Ansible's naming for facts and return values)."""
    return _CAMEL_RE.sub(r'_\1', name).lower()


def camel_case(name):
    """operating_system_name -> operatingSystemName; names without '_' pass unchanged."""
    if '_' not in name:
        return name
    head, rest = name.split('_', 1)
    return head + ''.join(p[:1].upper() + p[1:] for p in rest.split('_'))


def snake_keys(value):
    if isinstance(value, dict):
        return dict((snake_case(k), snake_keys(v)) for k, v in value.items())
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def failure_message(error):
    """The error's message; for invalid params also the field and the reason (``data.field`` / ``data.reason``)."""
    message = error.message
    data = error.data if isinstance(error.data, dict) else {}
    field, reason = data.get('field'), data.get('reason')
    if error.code == -32602 and field and field not in message:
        message = '%s: %s%s' % (message, field, ' (%s)' % reason if reason and reason not in message else '')
    elif error.code == -32602 and reason and reason not in message:
        message = '%s: %s' % (message, reason)
    return message


_SHARED_SERVER_NOTICES = ('Serving in-process', 'Not using the shared server', 'closed the connection while')


class IpmiRpcSession(object):
    """What a module holds: the resolved target, a started client and the failure mapping."""

    def __init__(self, module):
        self.module = module
        params = module.params
        # The target's secrets and any no_log option of the module itself (a method param marked x-secret).
        secret_options = set(_SECRET_OPTIONS) | set(k for k, v in (getattr(module, 'argument_spec', None) or {}).items()
                                                    if isinstance(v, dict) and v.get('no_log'))
        self.secrets = [params.get(s) for s in sorted(secret_options) if isinstance(params.get(s), str) and params.get(s)]
        self.client = None
        error = None
        try:
            self.target = build_target(params)
            path = find_ipmirpc(params.get('ipmirpc_path'))
        except IpmiRpcError as e:
            error = e
        if error is not None:
            # Outside the except block: fail_json attaches a traceback to failures raised inside one.
            self.fail(error)
        self.timeout = default_call_timeout(params)
        # timeout: a deadline for the whole task (community.general's meaning), shared by all its requests.
        self.deadline = time.time() + params['timeout'] if params.get('timeout') is not None else None
        self.client = IpmiRpcClient(path, secrets=self.secrets,
                                    socket_path=resolve_socket_path(params.get('ipmirpc_socket')))

    def call(self, method, params=None, timeout=None):
        params = dict(params or {})
        if self.target is not None:
            params['target'] = self.target
        wait = timeout or self.timeout
        if self.deadline is not None:
            remaining = self.deadline - time.time()
            if remaining <= 0:
                self.fail(IpmiRpcError(-32004, 'the task deadline (timeout) passed before %s was sent' % method,
                                       dict(timeoutSeconds=self.module.params.get('timeout'), method=method)))
            params['timeoutMs'] = max(1, min(MAX_TIMEOUT_MS, int(remaining * 1000)))
            wait = remaining + DEADLINE_GRACE
        error = None
        try:
            return self.client.call(method, params, wait)
        except IpmiRpcError as e:
            error = e
        self.fail(error)

    def fail(self, error, **extra):
        self.close()
        result = dict(msg=failure_message(error), code=error.code, data=error.data)
        if error.completion_code is not None:
            result['completion_code'] = error.completion_code
        result.update(extra)
        self.module.fail_json(**result)

    def close(self):
        client = getattr(self, 'client', None)
        if client is not None:
            client.close()
            # ipmirpc connect says on stderr why it did not use the shared server: the task shows it as a warning.
            if client.socket_path:
                for line in client.stderr_text().splitlines():
                    if any(m in line for m in _SHARED_SERVER_NOTICES):
                        self.module.warn(line.split('] ', 1)[-1].strip())

    def exit(self, **result):
        self.close()
        self.module.exit_json(**result)
