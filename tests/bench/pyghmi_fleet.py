"""Get Device ID from many BMCs at once with pyghmi threads (a new session each); prints JSON with the answer count.

Usage: /usr/bin/python3 pyghmi_fleet.py FIRST_PORT COUNT THREADS   (password from $IPMI_PASSWORD)
"""
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

from pyghmi.ipmi import command

first, count, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
password = os.environ["IPMI_PASSWORD"]


def one(port):
    try:
        cmd = command.Command(bmc="127.0.0.1", userid="ipmiusr", password=password, port=port, keepalive=False)
        rsp = cmd.raw_command(netfn=6, command=1)
        try:
            cmd.ipmi_session.logout()
        except Exception:  # noqa: BLE001 - the answer is in; a failed logout must not lose it
            pass
        return rsp.get("code", 0) == 0 and "error" not in rsp
    except Exception:  # noqa: BLE001 - counted as an error
        return False


with ThreadPoolExecutor(max_workers=threads) as pool:
    ok = sum(1 for r in pool.map(one, range(first, first + count)) if r)
print(json.dumps({"ok": ok, "errors": count - ok}))
