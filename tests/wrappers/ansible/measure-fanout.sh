#!/usr/bin/env bash
# Issue 15 item 5: N BMCs (ipmi_sim on contiguous loopback ports) read in ONE Ansible task (ipmi_fanout: one ipmirpc
# on the control node fans out) vs the per-host playbook (one ipmi_bmc_info task per inventory host, forks = N, its
# own ipmirpc per task; and the same through the shared socket host). Best of RUNS whole-playbook wall times.
# Not part of `dotnet test` (a measurement, not a check).
#
#   tests/wrappers/ansible/measure-fanout.sh [N=20] [RUNS=3]
# Needs: ipmi_sim, ipmitool, ansible-core, a built host (IPMIRPC_PATH, default the Release build, else Debug).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
n=${1:-20}
runs=${2:-3}
host=${IPMIRPC_PATH:-$root/src/IpmiRpc.Host/bin/Release/net10.0/ipmirpc}
[[ -x "$host" ]] || host=$root/src/IpmiRpc.Host/bin/Debug/net10.0/ipmirpc
[[ -x "$host" ]] || { echo "build src/IpmiRpc.Host first" >&2; exit 2; }

work=$(mktemp -d)
sim_pids=()
sock=$work/ipmirpc.sock
server_pid() { python3 -c 'import socket,struct,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
print(struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0])' "$sock" 2>/dev/null; }
stop_server() { local pid; pid=$(server_pid) || return 0; kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do [[ -e "$sock" ]] || return 0; sleep 0.1; done; }
cleanup() { stop_server; for p in "${sim_pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# N contiguous free UDP ports.
for _ in $(seq 1 50); do
    base=$(( 20000 + RANDOM % 40000 ))
    busy=0
    for i in $(seq 0 $((n - 1))); do ss -Huln "sport = :$((base + i))" | grep -q . && { busy=1; break; }; done
    [[ $busy == 0 ]] && break
done
last=$((base + n - 1))
for i in $(seq 0 $((n - 1))); do
    d=$work/sim$i; mkdir -p "$d/state"
    sed -e "s/@PORT@/$((base + i))/" -e '/^@[A-Z_]*@$/d' "$root/tests/fixtures/ipmi_sim/lan.conf.in" > "$d/lan.conf"
    cp "$root/tests/fixtures/ipmi_sim/sim.emu" "$d/sim.emu"
    ipmi_sim -c "$d/lan.conf" -f "$d/sim.emu" -s "$d/state" -n > "$d/sim.log" 2>&1 &
    sim_pids+=($!)
done
for i in $(seq 0 $((n - 1))); do
    for _ in $(seq 1 100); do
        IPMI_PASSWORD=test ipmitool -I lanplus -C 3 -H 127.0.0.1 -p $((base + i)) -U ipmiusr -E raw 6 1 >/dev/null 2>&1 && break
        sleep 0.2
    done
done

ansible-galaxy collection build "$root/modules/ansible" --output-path "$work" >/dev/null
ansible-galaxy collection install -p "$work/collections" "$work"/ipmirpc-ipmi-*.tar.gz >/dev/null 2>&1
export ANSIBLE_COLLECTIONS_PATH=$work/collections IPMIRPC_PATH=$host ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_FORKS=$n

{ echo "[bmcs]"; for i in $(seq 0 $((n - 1))); do echo "bmc$i bmc_port=$((base + i)) ansible_connection=local"; done; } > "$work/inventory"
cat > "$work/perhost.yml" <<YML
- hosts: bmcs
  gather_facts: false
  tasks:
    - ipmirpc.ipmi.ipmi_bmc_info:
        gather: [device]
        host: 127.0.0.1
        port: "{{ bmc_port }}"
        user: ipmiusr
        password: test
        cipher_suite: 3
YML
sed -e "s|        cipher_suite: 3|        cipher_suite: 3\n        ipmirpc_socket: $sock|" "$work/perhost.yml" > "$work/perhost-socket.yml"
cat > "$work/fanout.yml" <<YML
- hosts: bmcs
  gather_facts: false
  tasks:
    - ipmirpc.ipmi.ipmi_fanout:
        method: bmc.getDeviceId
        hosts: ["{{ groups['bmcs'] | map('extract', hostvars, 'bmc_port') | map('string') | join(',') | regex_replace('^', '127.0.0.1:[') | regex_replace('\$', ']') }}"]
        user: ipmiusr
        password: test
        cipher_suite: 3
        fail_on_error: true
      run_once: true
      register: ids
    - ansible.builtin.assert:
        that: [ids.succeeded == $n, ids.bmcs | length == $n]
      run_once: true
YML

# A failed playbook still reports its time, marked, with the failed hosts' count (a loaded machine times tasks out).
ms() { local s e rc=0; s=$(date +%s%N); "$@" >"$work/last.log" 2>&1 || rc=$?; e=$(date +%s%N)
    if [[ $rc == 0 ]]; then echo $(( (e - s) / 1000000 )); else
        echo "$(( (e - s) / 1000000 )) FAILED($(grep -c '^fatal:' "$work/last.log") hosts)"; fi; }
best() { local b=; for _ in $(seq 1 "$runs"); do t=$(ms "$@"); [[ -z "$b" || ${t%% *} -lt ${b%% *} ]] && b=$t; done; echo "$b"; }

fan=$(best ansible-playbook -i "$work/inventory" "$work/fanout.yml")
per=$(best ansible-playbook -i "$work/inventory" "$work/perhost.yml")
ms ansible-playbook -i "$work/inventory" "$work/perhost-socket.yml" >/dev/null  # starts the shared host
persock=$(best ansible-playbook -i "$work/inventory" "$work/perhost-socket.yml")
stop_server
echo "$n ipmi_sim BMCs on 127.0.0.1:$base-$last; host $host"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; best of $runs runs; forks=$n"
echo "one task, ipmi_fanout (one ipmirpc, sessions opened by the sweep): $fan ms"
echo "per-host playbook, ipmi_bmc_info, own ipmirpc per task:            $per ms"
echo "per-host playbook, ipmi_bmc_info via ipmirpc_socket (warm host):    $persock ms"
