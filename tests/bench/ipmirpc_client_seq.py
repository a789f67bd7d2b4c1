"""Sequential bmc.getDeviceId from a Python client driving `ipmirpc` over its stdin/stdout, as the Ansible module_utils
do: one request line written, one response line read, one at a time. Prints JSON with per-request latencies (ms) seen
by this client, the CPU the ipmirpc process used for the measured requests and the CPU this client used.

Usage: /usr/bin/python3 ipmirpc_client_seq.py IPMIRPC PORT COUNT WARMUP   (password from $IPMI_PASSWORD)
"""
import json
import os
import subprocess
import sys
import time

exe, port, count, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_ms(pid):
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


proc = subprocess.Popen([exe, "--framing", "ndjson"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
params = {"target": {"host": "127.0.0.1", "port": port, "username": "ipmiusr", "passwordEnv": "IPMI_PASSWORD", "cipherSuite": 3}}
errors = 0
next_id = 0


def call():
    global next_id, errors
    next_id += 1
    proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": next_id, "method": "bmc.getDeviceId", "params": params}).encode() + b"\n")
    proc.stdin.flush()
    answer = json.loads(proc.stdout.readline())
    if "result" not in answer or answer.get("id") != next_id:
        errors += 1


try:
    for _ in range(warmup):
        call()
    lat = []
    server0, client0 = process_cpu_ms(proc.pid), time.process_time()
    for _ in range(count):
        t = time.perf_counter()
        call()
        lat.append((time.perf_counter() - t) * 1000)
    server_cpu_ms = process_cpu_ms(proc.pid) - server0
    client_cpu_ms = (time.process_time() - client0) * 1000
finally:
    proc.stdin.close()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
print(json.dumps({"lat_ms": lat, "server_cpu_ms": server_cpu_ms, "client_cpu_ms": client_cpu_ms, "errors": errors}))
