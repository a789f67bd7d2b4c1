# -*- coding: utf-8 -*-
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""The client's way to the shared server without a process: build identity, socket path, hello, fallback.

A fake server (a thread on a Unix socket in a private temp directory) plays the shared server's side of the hello
and answers requests; the real server is checked against the same code in
tests/IpmiRpc.EndToEnd.Tests/Wrappers/AnsibleSocketTests.cs. Standard library only:
``/usr/bin/python3 -m unittest discover -s modules/ansible/tests/unit/plugins/module_utils``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import fcntl
import json
import os
import shutil
import socket
import sys
import tempfile
import threading
import unittest

from unittest import mock

try:
    import ansible_collections.ipmirpc.ipmi  # noqa: F401  pylint: disable=unused-import
except ImportError:
    _COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
    _ROOT = tempfile.mkdtemp(prefix='ipmirpc-units-')
    os.makedirs(os.path.join(_ROOT, 'ansible_collections', 'ipmirpc'))
    os.symlink(_COLLECTION, os.path.join(_ROOT, 'ansible_collections', 'ipmirpc', 'ipmi'))
    sys.path.insert(0, _ROOT)
    atexit.register(shutil.rmtree, _ROOT, True)  # removes the link, never the collection it points to

from ansible_collections.ipmirpc.ipmi.plugins.module_utils import ipmirpc_client as client  # noqa: E402

# Every wait in these tests is bounded; none is used to synchronise.
_BOUND = 30.0


class _FakeServer(object):
    """Accepts connections on ``path``; answers a hello with ``hello`` (a dict, or None to stay silent) and each
    JSON-RPC request with its params echoed back, until ``close_after`` requests (then hangs up)."""

    def __init__(self, path, hello, close_after=None):
        self.path = path
        self.hello = hello
        self.close_after = close_after
        self.requests = []
        self.connections = 0
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(path)
        self._listener.listen(8)
        self._listener.settimeout(_BOUND)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve)
        self._thread.daemon = True
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn = self._listener.accept()[0]
            except (socket.timeout, OSError):
                return
            self.connections += 1
            with conn:
                conn.settimeout(_BOUND)
                self._serve_one(conn)

    def _serve_one(self, conn):
        buffer = b''
        try:
            while True:
                while b'\n' not in buffer:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    buffer += chunk
                line, buffer = buffer.split(b'\n', 1)
                if line.startswith(b'#'):
                    if self.hello is None:
                        self._stop.wait(_BOUND)
                        return
                    conn.sendall(json.dumps(self.hello).encode('utf-8') + b'\n')
                    continue
                request = json.loads(line.decode('utf-8'))
                self.requests.append(request)
                if self.close_after is not None and len(self.requests) >= self.close_after:
                    return
                conn.sendall(json.dumps(dict(jsonrpc='2.0', id=request['id'],
                                             result=dict(echo=request.get('params')))).encode('utf-8') + b'\n')
        except (socket.timeout, OSError):
            return

    def stop(self):
        self._stop.set()
        try:
            self._listener.shutdown(socket.SHUT_RDWR)   # wakes the accept (close alone does not, on Linux)
        except OSError:
            pass
        self._listener.close()
        self._thread.join(_BOUND)


class SharedServerTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='ipmirpc-sock-')
        os.chmod(self.dir, 0o700)
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.exe = os.path.join(self.dir, 'ipmirpc')
        with open(self.exe, 'wb') as f:
            f.write(b'#!/bin/sh\nexit 0\n')
        os.chmod(self.exe, 0o755)
        self.path = os.path.join(self.dir, 'ipmirpc.sock')

    def serve(self, hello='default', close_after=None):
        if hello == 'default':
            hello = self.hello()
        server = _FakeServer(self.path, hello, close_after)
        self.addCleanup(server.stop)
        return server

    def hello(self, **changes):
        hello = dict(ipmirpc='hello', version='0.1.0', build=client.describe_build(self.exe),
                     settings=client.DEFAULT_SERVER_SETTINGS, pid=os.getpid())
        hello.update(changes)
        return hello

    # -- the build, as ServerIdentity.DescribeBuild writes it ---------------------------------------------------
    def test_build_names_the_resolved_executable_with_size_and_mtime_in_dotnet_ticks(self):
        os.utime(self.exe, ns=(0, 1700000000123456789))
        link = os.path.join(self.dir, 'link-to-ipmirpc')
        os.symlink(self.exe, link)
        expected = '%s@%d:%d' % (os.path.realpath(self.exe), os.path.getsize(self.exe),
                                 621355968000000000 + 17000000001234567)
        self.assertEqual(expected, client.describe_build(link))

    def test_build_adds_the_host_assembly_beside_a_framework_dependent_executable(self):
        dll = os.path.join(self.dir, 'ipmirpc.dll')
        with open(dll, 'wb') as f:
            f.write(b'assembly')
        parts = client.describe_build(self.exe).split(';')
        self.assertEqual(2, len(parts))
        self.assertTrue(parts[1].startswith(os.path.realpath(dll) + '@8:'), parts)

    def test_a_replaced_executable_is_another_build(self):
        before = client.describe_build(self.exe)
        with open(self.exe, 'ab') as f:
            f.write(b'# upgraded\n')
        self.assertNotEqual(before, client.describe_build(self.exe))

    # -- the socket path ----------------------------------------------------------------------------------------
    def test_auto_is_the_private_runtime_directory(self):
        self.assertEqual(os.path.join(self.dir, 'ipmirpc.sock'),
                         client.shared_socket_file('auto', dict(XDG_RUNTIME_DIR=self.dir)))

    def test_auto_never_uses_a_runtime_directory_open_to_others(self):
        os.chmod(self.dir, 0o755)
        found = client.shared_socket_file('auto', dict(XDG_RUNTIME_DIR=self.dir))
        self.assertNotEqual(os.path.join(self.dir, 'ipmirpc.sock'), found)
        self.assertIn(found, (None, '/tmp/ipmirpc-%d/ipmirpc.sock' % os.geteuid()))

    def test_a_path_is_used_as_given(self):
        self.assertEqual(self.path, client.shared_socket_file(self.path, {}))

    # -- the hello ----------------------------------------------------------------------------------------------
    def test_a_server_of_this_build_and_default_settings_is_used(self):
        self.serve()
        connected = client.connect_shared_server(self.path, self.exe)
        self.assertIsNotNone(connected)
        connected[0].close()

    def test_nothing_listening_leaves_it_to_connect(self):
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))
        # A stale socket file (a crashed server's): connection refused.
        stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stale.bind(self.path)
        stale.close()
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))

    def test_a_file_that_is_not_a_socket_is_not_used(self):
        with open(self.path, 'w') as f:
            f.write('not a socket')
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))

    def test_another_build_is_not_used(self):
        self.serve(hello=self.hello(build='/usr/local/bin/ipmirpc@1:2'))
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))

    def test_other_settings_are_not_used(self):
        self.serve(hello=self.hello(settings='targets=/etc/ipmirpc/targets.json;maxSessionAge=600'))
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))

    def test_a_server_that_does_not_answer_the_hello_is_given_up_on_in_time(self):
        self.serve(hello=None)
        self.assertIsNone(client.connect_shared_server(self.path, self.exe, timeout=0.2))

    def test_not_a_hello_is_not_used(self):
        self.serve(hello=dict(jsonrpc='2.0', id=None, error=dict(code=-32700, message='Parse error')))
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))

    def test_a_server_connect_noted_as_hung_is_left_to_connect(self):
        server = self.serve()
        with open(self.path + '.unresponsive', 'w') as f:
            f.write('%d\n' % os.getpid())   # the fake server runs in this process: SO_PEERCRED names it
        self.assertIsNone(client.connect_shared_server(self.path, self.exe))
        # Another pid noted (a server since replaced) does not count.
        with open(self.path + '.unresponsive', 'w') as f:
            f.write('1\n')
        connected = client.connect_shared_server(self.path, self.exe)
        self.assertIsNotNone(connected)
        connected[0].close()
        self.assertEqual(2, server.connections)

    def test_a_fifo_as_the_hung_note_does_not_block(self):
        self.serve()
        os.mkfifo(self.path + '.unresponsive')
        connected = client.connect_shared_server(self.path, self.exe)
        self.assertIsNotNone(connected)
        connected[0].close()

    def test_a_reset_connection_is_a_clear_error(self):
        self.serve()
        rpc = client.IpmiRpcClient(self.exe, socket_path=self.path)
        rpc.start()
        with mock.patch('os.read', side_effect=ConnectionResetError(104, 'Connection reset by peer')):
            with self.assertRaises(client.IpmiRpcError) as raised:
                rpc.call('bmc.getDeviceId', {}, timeout=_BOUND)
        rpc.close()
        self.assertEqual(client.CODE_HOST_EXITED, raised.exception.code)

    def test_a_server_of_another_user_is_not_used(self):
        self.serve()
        other = client._UCRED.pack(os.getpid(), os.geteuid() + 1, os.getegid())
        with mock.patch.object(socket.socket, 'getsockopt', return_value=other):
            self.assertIsNone(client.connect_shared_server(self.path, self.exe))

    # -- waiting for another client that starts the server ---------------------------------------------------
    def hold_start_lock(self):
        fd = os.open(self.path + '.start.lock', os.O_RDWR | os.O_CREAT, 0o600)
        self.addCleanup(os.close, fd)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def test_nobody_starting_means_no_wait(self):
        self.assertFalse(client.wait_for_starter(self.path))
        with open(self.path + '.start.lock', 'w'):
            pass
        with mock.patch('time.sleep', side_effect=AssertionError('nobody holds the lock')):
            self.assertFalse(client.wait_for_starter(self.path))

    def test_waits_while_a_starter_holds_the_lock(self):
        fd = self.hold_start_lock()
        sleeps = []

        def starter_done(seconds):
            sleeps.append(seconds)
            fcntl.flock(fd, fcntl.LOCK_UN)

        with mock.patch('time.sleep', side_effect=starter_done):
            self.assertTrue(client.wait_for_starter(self.path))
        self.assertEqual(1, len(sleeps))

    def test_a_starter_that_never_finishes_is_waited_for_boundedly(self):
        self.hold_start_lock()
        self.assertTrue(client.wait_for_starter(self.path, timeout=0.1))

    def test_a_fork_that_waited_for_the_starter_uses_the_new_server_directly(self):
        fd = self.hold_start_lock()

        def server_up(dummy_seconds):
            if not os.path.exists(self.path):
                self.serve()
            fcntl.flock(fd, fcntl.LOCK_UN)

        rpc = client.IpmiRpcClient(self.exe, socket_path=self.path)
        with mock.patch('time.sleep', side_effect=server_up), \
                mock.patch('subprocess.Popen', side_effect=AssertionError('no connect: the server came up')):
            self.assertEqual(dict(echo={}), rpc.call('sessions.list', {}, timeout=_BOUND))
        self.assertEqual('socket', rpc.transport)
        rpc.close()

    def test_with_another_build_on_the_socket_its_own_build_socket_is_used(self):
        self.serve(hello=self.hello(build='/opt/old/ipmirpc@1:2'))
        own = _FakeServer(self.path + '.0a1b2c3d', self.hello())
        self.addCleanup(own.stop)
        stranger = _FakeServer(self.path + '.ffffffff', self.hello(build='/opt/other/ipmirpc@3:4'))
        self.addCleanup(stranger.stop)
        with open(self.path + '.log', 'w'):
            pass
        rpc = client.IpmiRpcClient(self.exe, socket_path=self.path)
        with mock.patch('subprocess.Popen', side_effect=AssertionError('no connect: a server of this build is up')):
            rpc.call('sessions.list', {}, timeout=_BOUND)
        self.assertEqual((self.path + '.0a1b2c3d', 'socket'), (rpc.socket_path, rpc.transport))
        rpc.close()
        self.assertEqual([self.path + '.0a1b2c3d', self.path + '.ffffffff'], client.build_sockets(self.path))

    # -- the client ---------------------------------------------------------------------------------------------
    def test_calls_go_over_the_socket_without_a_process(self):
        server = self.serve()
        rpc = client.IpmiRpcClient(self.exe, secrets=['pw'], socket_path=self.path)
        with mock.patch('subprocess.Popen', side_effect=AssertionError('no process when the server is up')):
            self.assertEqual(dict(echo=dict(n=1)), rpc.call('bmc.getDeviceId', dict(n=1), timeout=_BOUND))
            self.assertEqual(dict(echo=dict(n=2)), rpc.call('bmc.getDeviceId', dict(n=2), timeout=_BOUND))
        self.assertEqual('socket', rpc.transport)
        self.assertEqual(0, rpc.close())
        self.assertEqual([1, 2], [r['id'] for r in server.requests])

    def test_without_a_server_it_runs_connect(self):
        with mock.patch('subprocess.Popen', side_effect=OSError(2, 'No such file or directory')) as popen:
            rpc = client.IpmiRpcClient(self.exe, socket_path=self.path)
            with self.assertRaises(client.IpmiRpcError) as raised:
                rpc.start()
        self.assertEqual(client.CODE_NOT_FOUND, raised.exception.code)
        self.assertEqual([self.exe, 'connect', '--socket', self.path], popen.call_args[0][0])

    def test_extra_settings_run_connect_even_with_a_server_up(self):
        server = self.serve()
        with mock.patch('subprocess.Popen', side_effect=OSError(2, 'No such file or directory')) as popen:
            rpc = client.IpmiRpcClient(self.exe, socket_path=self.path, extra_args=['--targets', '/etc/t.json'])
            with self.assertRaises(client.IpmiRpcError):
                rpc.start()
        self.assertEqual('connect', popen.call_args[0][0][1])
        self.assertEqual(0, server.connections)

    def test_a_server_that_hangs_up_mid_task_is_a_clear_error(self):
        self.serve(close_after=1)
        rpc = client.IpmiRpcClient(self.exe, secrets=['pw'], socket_path=self.path)
        with self.assertRaises(client.IpmiRpcError) as raised:
            rpc.call('bmc.getDeviceId', dict(password='pw'), timeout=_BOUND)
        rpc.close()
        self.assertEqual(client.CODE_HOST_EXITED, raised.exception.code)
        self.assertIn(self.path, raised.exception.message)
        self.assertIn('bmc.getDeviceId', raised.exception.message)


if __name__ == '__main__':
    unittest.main()
