#!/usr/bin/env python3
# Copyright (c) 2026 IpmiRpc contributors
# MIT License (see LICENSE in the repository root)
"""Runs parity.yml.in with community.general's ipmi_power/ipmi_boot and with ipmirpc.ipmi's, on the same simulators.

Starts BMCs on free loopback ports (ipmi_sim with tests/fixtures/ipmi_sim/chassis_control.sh, pyghmi's fakebmc),
fresh ones for every side (the playbook assumes power on and no boot override), runs ansible-playbook with the json
callback and prints one JSON document:
  {"runs": {"<peer|ours>[-check]": {"wallSeconds": s, "cpuSeconds": s, "hosts": {host: {task: {changed, powerstate, bootdev,
   failed, msg, taskSeconds}}}, "actions": {host: [chassis_control actions.log lines]}}}}
With --check every task also runs in check mode, in the same ansible-playbook run, on a second set of fresh BMCs
(host variable parity_check, made the tasks' check_mode by the playbook): "<side>-check" is what a separate --check
run would report, at the cost of one run. --parallel runs the two sides at once (for the test; the bench quotes
wall times, so it runs them one after the other).
Used by tests/IpmiRpc.EndToEnd.Tests/Wrappers/AnsibleParityTests.cs and tests/bench/ansible-parity.sh.
Every wait is bounded; every process started here is ended here.
"""

import argparse
import concurrent.futures
import datetime
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
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


_handed_out = set()
_handed_out_lock = threading.Lock()


def free_udp_port():
    # Simulators start side by side, each binding its port later: never hand the same free port out twice.
    with _handed_out_lock:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.bind(('127.0.0.1', 0))
                port = s.getsockname()[1]
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError('no free UDP port that was not handed out already')


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

    def wait(self):
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


def _seconds(duration):
    # The json callback's task duration: ISO times with microseconds and a Z.
    try:
        start, end = (datetime.datetime.strptime(duration[k], '%Y-%m-%dT%H:%M:%S.%fZ') for k in ('start', 'end'))
    except (KeyError, TypeError, ValueError):
        return None
    return round((end - start).total_seconds(), 3)


def summarize(output):
    hosts = {}
    for play in output.get('plays', []):
        for task in play.get('tasks', []):
            name = task['task']['name']
            # One duration per task (all hosts, as forks ran them): the time the play spent on that step.
            seconds = _seconds(task['task'].get('duration'))
            for host, r in task.get('hosts', {}).items():
                hosts.setdefault(host, {})[name] = dict(
                    changed=r.get('changed'), failed=bool(r.get('failed')), msg=r.get('msg'),
                    powerstate=r.get('powerstate'), pendingpowerstate=r.get('pendingpowerstate'),
                    bootdev=r.get('bootdev'), persistent=r.get('persistent'), uefimode=r.get('uefimode'),
                    taskSeconds=seconds)
    return hosts


CHECK_SUFFIX = '-check'


def run(args, work, side):
    """One ansible-playbook run of one side; with --check a second set of BMCs runs the same tasks in check mode in
    the same run (host variable parity_check, which the playbook's block turns into check_mode per host), reported
    as its own run "<side>-check" exactly as if it had been a separate --check run on fresh BMCs."""
    modes = [False, True] if args.check else [False]
    bmcs = []
    try:
        # Started together, then waited for together: the simulators come up side by side.
        for check in modes:
            for kind, count in (('ipmi_sim', args.ipmi_sim), ('fakebmc', args.fakebmc)):
                for _ in range(count):
                    bmcs.append((check, Bmc(kind, work)))
        for _, b in bmcs:
            b.wait()
        power, boot = MODULES[side]
        with open(args.playbook) as f:
            playbook = f.read().replace('@POWER@', power).replace('@BOOT@', boot)
        if args.check and 'parity_check' not in playbook:
            raise RuntimeError('%s does not honour parity_check: --check would change the BMCs' % args.playbook)
        book = os.path.join(work, 'parity-%s.yml' % side)
        with open(book, 'w') as f:
            f.write(playbook)
        inventory = {'all': {'hosts': {}}}
        names = []
        for check in modes:
            for i, b in enumerate(b for c, b in bmcs if c == check):
                name = '%s-%d%s' % (b.kind, i, CHECK_SUFFIX if check else '')
                names.append(name)
                inventory['all']['hosts'][name] = dict(
                    ansible_connection='local', ansible_python_interpreter='/usr/bin/python3', parity_check=check,
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
        forks = max(args.forks, len(names)) if args.check else args.forks
        cmd = ['ansible-playbook', '-i', inv, '-f', str(forks), book]
        started = time.monotonic()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Its own process group, so a run past the limit is ended with every fork it started.
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = p.communicate(timeout=args.limit)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
            raise RuntimeError('ansible-playbook (%s) did not finish within %.0f s' % (side, args.limit))
        wall = time.monotonic() - started
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # ansible-playbook and everything it waited for (module processes, ipmirpc): mixed up with the other side's
        # when the sides run at once.
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        try:
            output = json.loads(stdout.decode('utf-8', 'replace'))
        except ValueError:
            raise RuntimeError('ansible-playbook output is not JSON:\n%s\n%s' % (stdout[-4000:], stderr[-4000:]))
        hosts = summarize(output)
        logs = dict((n, b.actions()) for n, (_, b) in zip(names, bmcs) if b.kind == 'ipmi_sim')
        runs = {}
        for check in modes:
            def mine(name):
                return name.endswith(CHECK_SUFFIX) == check

            def plain(name):
                return name[:-len(CHECK_SUFFIX)] if check else name
            runs[side + (CHECK_SUFFIX if check else '')] = dict(
                wallSeconds=round(wall, 2), cpuSeconds=round(cpu, 2), exitCode=p.returncode,
                hosts=dict((plain(n), h) for n, h in hosts.items() if mine(n)),
                actions=dict((plain(n), a) for n, a in logs.items() if mine(n)))
        return runs
    finally:
        for _, b in bmcs:
            b.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--ipmirpc', required=True, help='the ipmirpc executable')
    parser.add_argument('--ipmi-sim', type=int, default=1, help='ipmi_sim BMCs')
    parser.add_argument('--fakebmc', type=int, default=1, help='fakebmc BMCs')
    parser.add_argument('--forks', type=int, default=5, help="ansible-playbook -f (Ansible's default: 5)")
    parser.add_argument('--check', action='store_true',
                        help='also run every task in check mode, on BMCs of their own in the same run')
    parser.add_argument('--parallel', action='store_true', help='run the sides at the same time (a test, not a bench)')
    parser.add_argument('--side', choices=['peer', 'ours', 'both'], default='both')
    parser.add_argument('--playbook', default=os.path.join(HERE, 'parity.yml.in'), help='the playbook template')
    parser.add_argument('--limit', type=float, default=600, help='seconds per ansible-playbook run')
    args = parser.parse_args()
    # The modules run in Ansible's temporary directories: a relative path would name nothing there.
    args.ipmirpc = os.path.abspath(args.ipmirpc)
    work = tempfile.mkdtemp(prefix='ipmirpc-parity-')
    try:
        os.makedirs(os.path.join(work, 'collections', 'ansible_collections', 'ipmirpc'))
        os.symlink(COLLECTION, os.path.join(work, 'collections', 'ansible_collections', 'ipmirpc', 'ipmi'))
        sides = ['peer', 'ours'] if args.side == 'both' else [args.side]
        runs = {}
        if args.parallel:
            # Both sides at once, each on its own BMCs (the wall times then overlap: not for quoting).
            with concurrent.futures.ThreadPoolExecutor(len(sides)) as pool:
                for result in pool.map(lambda side: run(args, work, side), sides):
                    runs.update(result)
        else:
            for side in sides:
                runs.update(run(args, work, side))
        json.dump(dict(runs=runs), sys.stdout, indent=1, sort_keys=True)
        sys.stdout.write('\n')
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
