#!/usr/bin/env bash
# Wall time of the same three-task playbook (tests/bench/ansible-parity.yml.in) for N ipmi_sim BMCs (default 20)
# with community.general.ipmi_power/ipmi_boot and with ipmirpc.ipmi's drop-ins, each against fresh simulators.
# Measured once and printed (wall time, and CPU of ansible-playbook with everything it started), never asserted.
# Usage: [IPMIRPC_EXE=path] tests/bench/ansible-parity.sh [N] [FORKS]
# Needs a built host (dotnet build src/IpmiRpc.Host), ipmi_sim, ansible (Debian package: community.general), pyghmi.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-20}"
forks="${2:-5}"
# The ipmirpc the modules start, once per task: IPMIRPC_EXE, else the NativeAOT build of tests/bench/run.sh, else the
# Debug build. What Ansible users install is NativeAOT (release tarball, ipmirpc.ipmi.install role); a JIT build pays
# ~0.6 s of CPU per task to start, which is what made ours slower than community.general here before.
exe="${IPMIRPC_EXE:-}"
if [[ -z "$exe" ]]; then
    for candidate in "$here/.build/aot/ipmirpc" "$root/src/IpmiRpc.Host/bin/Debug/net10.0/ipmirpc"; do
        [[ -x "$candidate" ]] && { exe="$candidate"; break; }
    done
fi
[[ -n "$exe" && -x "$exe" ]] || { echo "no ipmirpc: set IPMIRPC_EXE, run tests/bench/run.sh (NativeAOT) or dotnet build src/IpmiRpc.Host -c Debug" >&2; exit 1; }
echo "ipmirpc: $exe ($(file -b "$exe" | cut -d, -f1-2))"
python3 "$root/tests/wrappers/ansible/parity.py" --ipmirpc "$exe" --ipmi-sim "$n" --fakebmc 0 --forks "$forks" \
    --playbook "$here/ansible-parity.yml.in" --limit 3000 |
python3 -c '
import json, sys
runs = json.load(sys.stdin)["runs"]
for side, run in sorted(runs.items()):
    hosts = run["hosts"]
    failed = sum(1 for tasks in hosts.values() for r in tasks.values() if r["failed"])
    changed = sum(1 for tasks in hosts.values() for r in tasks.values() if r["changed"])
    print("%-5s %3d BMCs  wall %7.1f s  cpu %7.1f s  changed %3d  failed %d" % (side, len(hosts), run["wallSeconds"], run["cpuSeconds"], changed, failed))
'
