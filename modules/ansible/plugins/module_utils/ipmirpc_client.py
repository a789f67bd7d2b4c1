# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""The one JSON-RPC client every ipmirpc.ipmi module uses.

It finds the ``ipmirpc`` executable, starts it, speaks newline-delimited JSON-RPC 2.0 over its
stdin/stdout (ids matched, responses may come back out of order), bounds every wait, and turns
errors into ``fail_json(msg=..., code=..., data=...)``. Secrets travel only inside the JSON
params written to the child's stdin: never on its command line, never in the environment.

Standard library only: managed nodes have no PyPI.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import select
import subprocess
import threading
import time

try:
    from shutil import which as _which
except ImportError:  # pragma: no cover - Python 2 has no shutil.which
    from distutils.spawn import find_executable as _which  # pylint: disable=deprecated-module

ENV_PATH = 'IPMIRPC_PATH'

# Codes that are not JSON-RPC codes from the host but failures of the wrapper itself.
CODE_NOT_FOUND = -32090
CODE_HOST_EXITED = -32091
CODE_HOST_TIMEOUT = -32092
CODE_BAD_RESPONSE = -32093

# Shared options of every module (documented once in plugins/doc_fragments/target.py).
TARGET_ARGUMENT_SPEC = dict(
    ipmirpc_path=dict(type='path'),
    transport=dict(type='str', choices=['lanplus', 'openipmi', 'cim']),
    host=dict(type='str'),
    port=dict(type='int'),
    user=dict(type='str', aliases=['username']),
    password=dict(type='str', no_log=True),
    kg=dict(type='str', no_log=True),
    cipher_suite=dict(type='int'),
    privilege=dict(type='str', choices=['callback', 'user', 'operator', 'administrator']),
    timeout=dict(type='float'),
    retries=dict(type='int'),
    device=dict(type='str'),
)

_SECRET_OPTIONS = ('password', 'kg')


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


def build_target(params):
    """The JSON-RPC ``target`` object from the shared options, or None for the host's local default."""
    transport = params.get('transport')
    host = params.get('host')
    if transport is None and host:
        transport = 'lanplus'
    if transport is None:
        return None
    target = dict(transport=transport)
    if transport == 'openipmi':
        if params.get('device'):
            target['device'] = params['device']
        return target
    if transport == 'cim':
        if host:
            target['computerName'] = host
    else:
        if not host:
            raise IpmiRpcError(-32602, 'transport lanplus needs host', dict(field='host', reason='required'))
        target['host'] = host
        if params.get('port') is not None:
            target['port'] = params['port']
        if params.get('cipher_suite') is not None:
            target['cipherSuite'] = params['cipher_suite']
        if params.get('privilege'):
            target['privilege'] = params['privilege']
        kg = params.get('kg')
        if kg:
            if re.match(r'^0[xX][0-9a-fA-F]+$', kg):
                target['kgHex'] = kg[2:]
            else:
                target['kg'] = kg
    if params.get('user') is not None:
        target['username'] = params['user']
    if params.get('password') is not None:
        target['password'] = params['password']
    if params.get('timeout') is not None:
        target['timeoutMs'] = int(round(params['timeout'] * 1000))
    if params.get('retries') is not None:
        target['retries'] = params['retries']
    return target


def default_call_timeout(params):
    """Seconds to wait for one answer: the host bounds its own retries, this only guards against a hung host."""
    per_attempt = params.get('timeout') or 1.0
    retries = params.get('retries')
    retries = 4 if retries is None else retries
    # Opening a session is several round trips, each retried: leave room for that plus process start.
    return 15.0 + per_attempt * (retries + 1) * 6


class IpmiRpcClient(object):
    """One ipmirpc child process, many calls; close() ends it (stdin EOF lets it close its sessions)."""

    def __init__(self, path, secrets=(), extra_args=()):
        self.path = path
        self._secrets = [s for s in secrets if s]
        self._extra_args = list(extra_args)
        self._proc = None
        self._next_id = 0
        self._buffer = b''
        self._stashed = {}
        self._stderr = []
        self._stderr_thread = None

    # -- process ------------------------------------------------------------------------------
    def start(self):
        if self._proc is not None:
            return
        try:
            self._proc = subprocess.Popen([self.path] + self._extra_args, stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, close_fds=True)
        except OSError as e:
            raise IpmiRpcError(CODE_NOT_FOUND, 'cannot start ipmirpc at %s: %s' % (self.path, e.strerror),
                               dict(path=self.path))
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
        """EOF on stdin: the host finishes, closes its IPMI sessions and exits; kill it if it does not."""
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
            self._proc.stdin.write(line)
            self._proc.stdin.flush()
        except (IOError, OSError):
            raise self._exited_error('ipmirpc exited before it read the request')
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
        fd = self._proc.stdout.fileno()
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
            ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                raise self._exited_error('ipmirpc exited without answering %s' % method)
            self._buffer += chunk

    def _exited_error(self, what):
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


class IpmiRpcSession(object):
    """What a module holds: the resolved target, a started client and the failure mapping."""

    def __init__(self, module):
        self.module = module
        params = module.params
        self.secrets = [params.get(s) for s in _SECRET_OPTIONS if params.get(s)]
        try:
            self.target = build_target(params)
            path = find_ipmirpc(params.get('ipmirpc_path'))
        except IpmiRpcError as e:
            self.fail(e)
        self.timeout = default_call_timeout(params)
        self.client = IpmiRpcClient(path, secrets=self.secrets)

    def call(self, method, params=None, timeout=None):
        params = dict(params or {})
        if self.target is not None:
            params['target'] = self.target
        try:
            return self.client.call(method, params, timeout or self.timeout)
        except IpmiRpcError as e:
            self.fail(e)

    def fail(self, error, **extra):
        self.close()
        result = dict(msg=error.message, code=error.code, data=error.data)
        if error.completion_code is not None:
            result['completion_code'] = error.completion_code
        result.update(extra)
        self.module.fail_json(**result)

    def close(self):
        client = getattr(self, 'client', None)
        if client is not None:
            client.close()

    def exit(self, **result):
        self.close()
        self.module.exit_json(**result)
