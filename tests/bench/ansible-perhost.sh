#!/usr/bin/env bash
# Issue 15, item 5 (the per-host half): what one Ansible task per inventory host costs, N hosts at once (forks = N),
# for four playbooks against N fresh ipmi_sim BMCs, interleaved round by round so load changes hit every variant:
#   ping     ansible.builtin.ping (Ansible's own floor)
#   ipmitool ansible.builtin.command: ipmitool -I lanplus ... raw 6 1 (one Get Device ID, a process per task)
#   socket   ipmirpc.ipmi.ipmi_bmc_info gather [device] with ipmirpc_socket (the shared server, sessions pooled)
#   own      ipmirpc.ipmi.ipmi_bmc_info gather [device] without it (its own ipmirpc and RMCP+ session per task)
#   base     with BASELINE_REV=<git revision>: socket, with the collection as it was at that revision (before/after)
# Every playbook run is bounded (timeout), so a loaded machine gives a failed row, never a hang. Measured and
# printed, never asserted: wall, CPU of the playbook and everything it waited for (GNU time) plus, for socket, the
# shared server's own CPU (/proc/PID/stat; it is detached, so GNU time does not see it), hosts ok, load average.
#
#   [IPMIRPC_PATH=exe] [ROUNDS=3] [N=20] [RUN_TIMEOUT=300] [VARIANTS="ping ipmitool socket own"] [BASELINE_REV=rev]
#   tests/bench/ansible-perhost.sh
# Needs ipmi_sim, ipmitool, ansible-core, GNU time and a built host (IPMIRPC_PATH, else the NativeAOT build of
# tests/bench/run.sh, else the Debug build). Also the opt-in BENCH_PERHOST=1 of tests/bench/run.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-3}
n=${N:-20}
run_timeout=${RUN_TIMEOUT:-300}
variants=${VARIANTS:-ping ipmitool socket own}
baseline=${BASELINE_REV:-}
[[ -n "$baseline" && " $variants " != *" base "* ]] && variants="$variants base"
host=${IPMIRPC_PATH:-}
if [[ -z "$host" ]]; then
    for candidate in "$here/.build/aot/ipmirpc" "$root/src/IpmiRpc.Host/bin/Debug/net10.0/ipmirpc"; do
        [[ -x "$candidate" ]] && { host=$candidate; break; }
    done
fi
[[ -n "$host" && -x "$host" ]] || { echo "no ipmirpc: set IPMIRPC_PATH or dotnet build src/IpmiRpc.Host -c Debug" >&2; exit 2; }
for tool in ipmi_sim ipmitool ansible-playbook /usr/bin/time bc; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done

work=$(mktemp -d)
sock=$work/ipmirpc.sock
sim_pids=()
# The shared server's pid: the one process serving this run's own socket path (a temp directory of this run, so no
# other ipmirpc matches). Not a Python probe: under load its start-up alone took over 10 s.
server_pid() { [[ -S "$sock" ]] && pgrep -f -- "serve --socket $sock " | head -1; }
stop_server() { local pid; pid=$(server_pid) || return 0; kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -e "$sock" ]] || return 0; sleep 0.1; done; }
cleanup() {
    stop_server || true
    for pid in "${sim_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# N contiguous free UDP ports (ipmi_sim binds with address reuse, so check first).
base=
for _ in $(seq 1 50); do
    try=$(( 20000 + RANDOM % 40000 ))
    busy=0
    for p in $(seq "$try" $((try + n - 1))); do ss -Huln "sport = :$p" | grep -q . && { busy=1; break; }; done
    [[ $busy == 0 ]] && { base=$try; break; }
done
[[ -n "$base" ]] || { echo "no $n free contiguous UDP ports" >&2; exit 2; }
cp "$root/tests/fixtures/ipmi_sim/sim.emu" "$work/sim.emu"
for i in $(seq 0 $((n - 1))); do
    mkdir -p "$work/sim$i/state"
    sed -e "s/@PORT@/$((base + i))/" -e '/^@[A-Z_]*@$/d' "$root/tests/fixtures/ipmi_sim/lan.conf.in" > "$work/sim$i/lan.conf"
    ipmi_sim -c "$work/sim$i/lan.conf" -f "$work/sim.emu" -s "$work/sim$i/state" -n > "$work/sim$i/log" 2>&1 &
    sim_pids+=($!)
done
for i in $(seq 0 $((n - 1))); do
    for _ in $(seq 1 50); do
        IPMI_PASSWORD=test timeout 10 ipmitool -I lanplus -C 3 -H 127.0.0.1 -p $((base + i)) -U ipmiusr -E raw 6 1 >/dev/null 2>&1 && break
        sleep 0.2
    done
done

# Never a collections/ folder beside the playbooks ($work/pb): Ansible prefers it to ANSIBLE_COLLECTIONS_PATH, which
# would run the same collection for socket and base.
mkdir -p "$work/pb" "$work/new"
ansible-galaxy collection build "$root/modules/ansible" --output-path "$work/new" >/dev/null
ansible-galaxy collection install -p "$work/new/collections" "$work"/new/ipmirpc-ipmi-*.tar.gz >/dev/null 2>&1
if [[ -n "$baseline" ]]; then
    mkdir -p "$work/base"
    git -C "$root" archive "$baseline" modules/ansible | tar -x -C "$work/base"
    ansible-galaxy collection build "$work/base/modules/ansible" --output-path "$work/base" >/dev/null
    ansible-galaxy collection install -p "$work/base/collections" "$work"/base/ipmirpc-ipmi-*.tar.gz >/dev/null 2>&1
fi
export ANSIBLE_COLLECTIONS_PATH=$work/new/collections IPMIRPC_PATH=$host ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_FORKS=$n ANSIBLE_NOCOLOR=1 \
    ANSIBLE_STDOUT_CALLBACK=default IPMI_PASSWORD=test

{ echo "[bmcs]"; for i in $(seq 0 $((n - 1))); do echo "bmc$i bmc_port=$((base + i)) ansible_connection=local"; done; } > "$work/inventory"
play() { # name, task body (indented 6)
    printf -- '- hosts: bmcs\n  gather_facts: false\n  tasks:\n    - name: %s\n%s\n' "$1" "$2" > "$work/pb/$1.yml"
}
info='      ipmirpc.ipmi.ipmi_bmc_info:
        gather: [device]
        host: 127.0.0.1
        port: "{{ bmc_port }}"
        user: ipmiusr
        cipher_suite: 3'
play ping '      ansible.builtin.ping:'
# The password reaches ipmitool through IPMI_PASSWORD (-E), as the modules get it (never in argv).
play ipmitool '      ansible.builtin.command: ipmitool -I lanplus -C 3 -H 127.0.0.1 -p {{ bmc_port }} -U ipmiusr -E raw 6 1
      changed_when: false'
play own "$info"
play socket "$info
        ipmirpc_socket: $sock"
cp "$work/pb/socket.yml" "$work/pb/base.yml"

cpu_ticks() { [[ -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
hz=$(getconf CLK_TCK)

# One bounded playbook run; prints a JSON object.
run() {
    local v=$1 s e rc=0 spid= before=0 after=0
    local collections=$work/new/collections
    [[ $v == base ]] && collections=$work/base/collections
    if [[ $v == socket || $v == base ]]; then spid=$(server_pid || true); [[ -n "$spid" ]] && before=$(cpu_ticks "$spid"); fi
    s=$(date +%s%N)
    ANSIBLE_COLLECTIONS_PATH=$collections timeout -k 10 "$run_timeout" /usr/bin/time -f '%e %U %S' -o "$work/$v.time" \
        ansible-playbook -i "$work/inventory" "$work/pb/$v.yml" > "$work/$v.log" 2>&1 || rc=$?
    e=$(date +%s%N)
    if [[ -n "$spid" ]]; then
        after=$(cpu_ticks "$spid")
    elif [[ $v == socket || $v == base ]]; then
        # Started by this run (cold start): all of its CPU so far belongs to it.
        spid=$(server_pid || true); [[ -n "$spid" ]] && after=$(cpu_ticks "$spid")
    fi
    local user=0 sys=0
    [[ -s "$work/$v.time" ]] && read -r _ user sys < <(tail -1 "$work/$v.time")
    local ok
    ok=$(grep -Ec "ok=[0-9]+ .*failed=0 .*" "$work/$v.log" || true)
    printf '{"variant":"%s","wallMs":%d,"cpuMs":%.0f,"serverCpuMs":%.0f,"hostsOk":%d,"exit":%d,"load":"%s"}\n' \
        "$v" $(( (e - s) / 1000000 )) "$(echo "($user + $sys) * 1000" | bc)" \
        "$(echo "($after - $before) * 1000 / $hz" | bc)" "$ok" "$rc" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

echo "ipmirpc: $host ($(file -b "$host" | cut -d, -f1-2)); $n hosts, forks $n, $rounds rounds, $(nproc) cores" >&2
# Round 0 warms up (Ansible's own caches) and is printed but not a sample: its socket row is the cold start (20 forks
# find no server; one starts it, the others wait for it, every session is opened). Rounds 1.. see a warm server and
# pooled sessions, as every task after a playbook's first one does.
for v in $variants; do
    line=$(run "$v")
    echo "{\"round\":0,${line:1}"
done
for r in $(seq 1 "$rounds"); do
    for v in $variants; do
        line=$(run "$v")
        echo "{\"round\":$r,${line:1}"
    done
done
