"""Sequential Get Device ID over one persistent pyghmi session; prints JSON with per-request latencies (ms).

Usage: /usr/bin/python3 pyghmi_seq.py PORT COUNT WARMUP   (password from $IPMI_PASSWORD)
"""
import json
import os
import sys
import time

from pyghmi.ipmi import command

port, count, warmup = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
cmd = command.Command(bmc="127.0.0.1", userid="ipmiusr", password=os.environ["IPMI_PASSWORD"], port=port, keepalive=False)
setup_ms = (time.perf_counter() - t0) * 1000
errors = 0
for _ in range(warmup):
    cmd.raw_command(netfn=6, command=1)
lat = []
cpu0 = time.process_time()
for _ in range(count):
    t = time.perf_counter()
    rsp = cmd.raw_command(netfn=6, command=1)
    lat.append((time.perf_counter() - t) * 1000)
    if rsp.get("code", 0) != 0 or "error" in rsp:
        errors += 1
cpu_ms = (time.process_time() - cpu0) * 1000
try:
    cmd.ipmi_session.logout()
except Exception:  # noqa: BLE001 - the measurement is done; a failed logout must not lose it
    pass
print(json.dumps({"setup_ms": setup_ms, "lat_ms": lat, "cpu_ms": cpu_ms, "errors": errors}))
