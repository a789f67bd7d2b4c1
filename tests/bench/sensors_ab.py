#!/usr/bin/env python3
"""sensors.list from two ipmirpc builds against one BMC, in the same minutes (the machine's load hits both alike).

usage: sensors_ab.py OLD_IPMIRPC NEW_IPMIRPC PORT ROUNDS [interleaved]

Default: per round and build a new process: Get Device ID (session and JIT), the cold sensors.list (SDR read), then 5
warm calls, as scenario 9 does; prints cold and warm medians and their ratio. "interleaved": both processes stay up,
20 warm-up calls each, then ROUNDS warm calls alternating between them. The target is ipmi_sim user ipmiusr/test,
cipher suite 3, on 127.0.0.1:PORT (point it at udp_delay_proxy.py to put the BMC a few milliseconds away).
"""
import json, os, statistics, subprocess, sys, time

OLD, NEW, PORT, ROUNDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
INTERLEAVED = len(sys.argv) > 5 and sys.argv[5] == "interleaved"
TARGET = {"host": "127.0.0.1", "port": PORT, "username": "ipmiusr", "passwordEnv": "IPMIRPC_AB_PASSWORD", "cipherSuite": 3}
ENV = dict(os.environ, IPMIRPC_AB_PASSWORD="test")


class Rpc:
    def __init__(self, binary):
        self.p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=ENV, text=True, bufsize=1)
        self.id = 0

    def call(self, method):
        self.id += 1
        start = time.perf_counter()
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self.id, "method": method, "params": {"target": TARGET}}) + "\n")
        self.p.stdin.flush()
        answer = json.loads(self.p.stdout.readline())
        if "result" not in answer:
            raise SystemExit(f"{method}: {answer}")
        return (time.perf_counter() - start) * 1000

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=60)


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


builds = {"old": OLD, "new": NEW}
if INTERLEAVED:
    rpcs = {name: Rpc(binary) for name, binary in builds.items()}
    for rpc in rpcs.values():
        rpc.call("bmc.getDeviceId")
        for _ in range(20):
            rpc.call("sensors.list")
    warm = {name: [] for name in rpcs}
    for _ in range(ROUNDS):
        for name, rpc in rpcs.items():
            warm[name].append(rpc.call("sensors.list"))
    for name, rpc in rpcs.items():
        rpc.close()
        print(f"{name}: warm median {statistics.median(warm[name]):.2f} ms, p10 {pct(warm[name], 0.1):.2f}, p90 {pct(warm[name], 0.9):.2f} (n={len(warm[name])})")
else:
    cold = {name: [] for name in builds}
    warm = {name: [] for name in builds}
    for _ in range(ROUNDS):
        for name, binary in builds.items():
            rpc = Rpc(binary)
            rpc.call("bmc.getDeviceId")
            cold[name].append(rpc.call("sensors.list"))
            warm[name] += [rpc.call("sensors.list") for _ in range(5)]
            rpc.close()
    for name in builds:
        c, w = statistics.median(cold[name]), statistics.median(warm[name])
        print(f"{name}: cold median {c:.1f} ms, warm median {w:.2f} ms (n={len(warm[name])}), cold / warm {c / w:.1f}x")
print("load average", open("/proc/loadavg").read().split()[:3])
