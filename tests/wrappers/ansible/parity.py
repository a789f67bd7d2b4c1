#!/usr/bin/env python3
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""Runs parity.yml.in with community.general's ipmi_power/ipmi_boot and with ipmirpc.ipmi's, on the same simulators.

Starts BMCs on free loopback ports (ipmi_sim with tests/fixtures/ipmi_sim/chassis_control.sh, pyghmi's fakebmc),
fresh ones for every run (the playbook assumes power on and no boot override), runs ansible-playbook with the json
callback and prints one JSON document:
  {"runs": {"<peer|ours>[-check]": {"wallSeconds": s, "hosts": {host: {task: {changed, powerstate, bootdev,
   failed, msg}}}}}, "logs": {host: [chassis_control actions.log lines per run]}}
Used by tests/IpmiRpc.EndToEnd.Tests/Wrappers/AnsibleParityTests.cs and tests/bench/ansible-parity.sh.
Every wait is bounded; every process started here is ended here.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
FIXTURES = os.path.join(REPO, 'tests', 'fixtures', 'ipmi_sim')
COLLECTION = os.path.join(REPO, 'modules', 'ansible')
MODULES = {
    'peer': ('community.general.ipmi_power', 'community.general.ipmi_boot'),
    'ours': ('ipmirpc.ipmi.ipmi_power', 'ipmirpc.ipmi.ipmi_boot'),
}
PROBE = bytes([0x06, 0x00, 0xff, 0x07, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x09,
               0x20, 0x18, 0xc8, 0x81, 0x00, 0x38, 0x8e, 0x04, 0xb5])
FAKEBMC = """
import sys
import pyghmi.ipmi.bmc as bmc
original = bmc.Bmc.__init__
def loopback(self, authdata, port=623, bmcuuid=None, address='127.0.0.1'):
    original(self, authdata, port, bmcuuid, address)
bmc.Bmc.__init__ = loopback
from pyghmi.cmd.fakebmc import main
sys.argv = ['fakebmc', '--port', sys.argv[1]]
sys.exit(main())
"""


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_answering(port, proc, limit=20.0):
    deadline = time.monotonic() + limit
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.05)
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError('simulator on port %d exited with %s' % (port, proc.returncode))
            s.sendto(PROBE, ('127.0.0.1', port))
            try:
                data, _ = s.recvfrom(512)
                if data[:1] == b'\x06':
                    return
            except socket.timeout:
                pass
    raise RuntimeError('simulator on port %d did not answer within %.0f s' % (port, limit))


class Bmc(object):
    def __init__(self, kind, work):
        self.kind = kind
        self.port = free_udp_port()
        self.dir = tempfile.mkdtemp(prefix='parity-%s-' % kind, dir=work)
        self.state = os.path.join(self.dir, 'chassis')
        out = open(os.path.join(self.dir, 'sim.log'), 'wb')
        if kind == 'ipmi_sim':
            self.user, self.password = 'ipmiusr', 'test'
            lan = []
            with open(os.path.join(FIXTURES, 'lan.conf.in')) as f:
                for line in f.read().splitlines():
                    if line.strip() in ('@LOADLIB@', '@LAN_EXTRA@', '@USERS_EXTRA@'):
                        continue
                    if line.strip() == '@TOP_EXTRA@':
                        line = 'chassis_control "%s %s"' % (os.path.join(FIXTURES, 'chassis_control.sh'), self.state)
                    lan.append(line.replace('@PORT@', str(self.port)))
            conf = os.path.join(self.dir, 'lan.conf')
            with open(conf, 'w') as f:
                f.write('\n'.join(lan) + '\n')
            os.makedirs(os.path.join(self.dir, 'state'))
            self.proc = subprocess.Popen(['ipmi_sim', '-c', conf, '-f', os.path.join(FIXTURES, 'sim.emu'),
                                          '-s', os.path.join(self.dir, 'state'), '-n'],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out, cwd=self.dir)
        else:
            self.user, self.password = 'admin', 'password'
            self.proc = subprocess.Popen(['/usr/bin/python3', '-c', FAKEBMC, str(self.port)],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out, cwd=self.dir)
        out.close()
        try:
            wait_answering(self.port, self.proc)
        except Exception:
            self.stop()
            raise

    def actions(self):
        try:
            with open(os.path.join(self.state, 'actions.log')) as f:
                return f.read().splitlines()
        except IOError:
            return []

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def summarize(output):
    hosts = {}
    for play in output.get('plays', []):
        for task in play.get('tasks', []):
            name = task['task']['name']
            for host, r in task.get('hosts', {}).items():
                hosts.setdefault(host, {})[name] = dict(
                    changed=r.get('changed'), failed=bool(r.get('failed')), msg=r.get('msg'),
                    powerstate=r.get('powerstate'), pendingpowerstate=r.get('pendingpowerstate'),
                    bootdev=r.get('bootdev'), persistent=r.get('persistent'), uefimode=r.get('uefimode'))
    return hosts


def run(args, work, side, check):
    bmcs = []
    try:
        for kind, count in (('ipmi_sim', args.ipmi_sim), ('fakebmc', args.fakebmc)):
            for _ in range(count):
                bmcs.append(Bmc(kind, work))
        power, boot = MODULES[side]
        with open(args.playbook) as f:
            playbook = f.read().replace('@POWER@', power).replace('@BOOT@', boot)
        book = os.path.join(work, 'parity-%s.yml' % side)
        with open(book, 'w') as f:
            f.write(playbook)
        inventory = {'all': {'hosts': {}}}
        names = []
        for i, b in enumerate(bmcs):
            name = '%s-%d' % (b.kind, i)
            names.append(name)
            inventory['all']['hosts'][name] = dict(
                ansible_connection='local', ansible_python_interpreter='/usr/bin/python3',
                bmc_host='127.0.0.1', bmc_port=b.port, bmc_user=b.user, bmc_password=b.password)
        inv = os.path.join(work, 'inventory-%s.json' % side)
        with open(inv, 'w') as f:
            json.dump(inventory, f)
        env = dict(os.environ)
        env.update(ANSIBLE_STDOUT_CALLBACK='json', ANSIBLE_COLLECTIONS_PATH=os.path.join(work, 'collections'),
                   ANSIBLE_HOME=os.path.join(work, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(work, 'tmp'),
                   ANSIBLE_REMOTE_TEMP=os.path.join(work, 'tmp'), ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0',
                   ANSIBLE_DEPRECATION_WARNINGS='False', ANSIBLE_RETRY_FILES_ENABLED='False',
                   ANSIBLE_LOCALHOST_WARNING='False', IPMIRPC_PATH=args.ipmirpc)
        cmd = ['ansible-playbook', '-i', inv, '-f', str(args.forks), book] + (['--check'] if check else [])
        started = time.monotonic()
        # Its own process group, so a run past the limit is ended with every fork it started.
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = p.communicate(timeout=args.limit)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise RuntimeError('ansible-playbook (%s) did not finish within %.0f s' % (side, args.limit))
        wall = time.monotonic() - started
        try:
            output = json.loads(stdout.decode('utf-8', 'replace'))
        except ValueError:
            raise RuntimeError('ansible-playbook output is not JSON:\n%s\n%s' % (stdout[-4000:], stderr[-4000:]))
        logs = dict((n, b.actions()) for n, b in zip(names, bmcs) if b.kind == 'ipmi_sim')
        return dict(wallSeconds=round(wall, 2), exitCode=p.returncode, hosts=summarize(output), actions=logs)
    finally:
        for b in bmcs:
            b.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ipmirpc', required=True, help='the ipmirpc executable')
    parser.add_argument('--ipmi-sim', type=int, default=1, help='ipmi_sim BMCs')
    parser.add_argument('--fakebmc', type=int, default=1, help='fakebmc BMCs')
    parser.add_argument('--forks', type=int, default=5, help="ansible-playbook -f (Ansible's default: 5)")
    parser.add_argument('--check', action='store_true', help='also run both in check mode')
    parser.add_argument('--side', choices=['peer', 'ours', 'both'], default='both')
    parser.add_argument('--playbook', default=os.path.join(HERE, 'parity.yml.in'), help='the playbook template')
    parser.add_argument('--limit', type=float, default=600, help='seconds per ansible-playbook run')
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix='ipmirpc-parity-')
    try:
        os.makedirs(os.path.join(work, 'collections', 'ansible_collections', 'ipmirpc'))
        os.symlink(COLLECTION, os.path.join(work, 'collections', 'ansible_collections', 'ipmirpc', 'ipmi'))
        sides = ['peer', 'ours'] if args.side == 'both' else [args.side]
        runs = {}
        for check in ([False, True] if args.check else [False]):
            for side in sides:
                runs[side + ('-check' if check else '')] = run(args, work, side, check)
        json.dump(dict(runs=runs), sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write('\n')
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
