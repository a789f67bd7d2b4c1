#!/usr/bin/env bash
# Scenario 8's Ansible rows (BENCH_ANSIBLE=1; issue 15, item 5), against simulators the driver already runs:
#   ansible-scale.sh COLLECTION_DIR IPMIRPC BASE_PORT N PERHOST_N WORK_DIR
# 1. N BMCs in ONE task: ipmirpc.ipmi.ipmi_fanout (one ipmirpc on the control node, sessions opened by the sweep).
# 2. The per-host playbook (one ipmi_bmc_info task per inventory host, its own ipmirpc per task, forks = PERHOST_N) on
#    the first PERHOST_N BMCs only: N per-host tasks are never run, the driver extrapolates (× N ÷ PERHOST_N).
# Prints one JSON line: wall ms, CPU ms (every process of the playbook), peak RSS KB of the largest process, answers.
set -euo pipefail
collection=$1 host=$2 base=$3 n=$4 perhost=$5 work=$6
last=$((base + n - 1))
mkdir -p "$work"
ansible-galaxy collection build "$collection" --output-path "$work" --force >/dev/null
ansible-galaxy collection install -p "$work/collections" --force "$work"/ipmirpc-ipmi-*.tar.gz >/dev/null 2>&1
export ANSIBLE_COLLECTIONS_PATH=$work/collections IPMIRPC_PATH=$host ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false ANSIBLE_FORKS=$perhost \
    ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_NOCOLOR=1

cat > "$work/fanout.yml" <<YML
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - ipmirpc.ipmi.ipmi_fanout:
        method: bmc.getDeviceId
        hosts: ["127.0.0.1:[$base-$last]"]
        user: ipmiusr
        password: test
        cipher_suite: 3
      register: ids
    - ansible.builtin.copy:
        content: "{{ ids.succeeded }}"
        dest: "$work/fanout.ok"
YML
{ echo "[bmcs]"; for i in $(seq 0 $((perhost - 1))); do echo "bmc$i bmc_port=$((base + i)) ansible_connection=local"; done; } > "$work/inventory"
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

# GNU time counts the playbook and every child it waited for (ansible's forks, the modules, ipmirpc).
run() { # $1 = label, rest = command; prints "label": {...}
    local label=$1; shift
    local s e rc=0
    s=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$work/$label.time" "$@" > "$work/$label.log" 2>&1 || rc=$?
    e=$(date +%s%N)
    read -r kb user sys < <(tail -1 "$work/$label.time")
    printf '"%s":{"wallMs":%d,"cpuMs":%.0f,"peakRssKb":%d,"exit":%d}' "$label" $(( (e - s) / 1000000 )) \
        "$(echo "($user + $sys) * 1000" | bc)" "$kb" "$rc"
}
fan=$(run fanout ansible-playbook -i localhost, "$work/fanout.yml")
fanok=$(cat "$work/fanout.ok" 2>/dev/null || echo 0); rm -f "$work/fanout.ok"
# The same task with the host's fan-out bound raised to N (default 64 BMCs at once): how much of the wall is the waves.
printf '#!/bin/sh\nexec %q --fanout-concurrency %d "$@"\n' "$host" "$n" > "$work/ipmirpc-wide"; chmod +x "$work/ipmirpc-wide"
wide=$(IPMIRPC_PATH=$work/ipmirpc-wide run fanoutwide ansible-playbook -i localhost, "$work/fanout.yml")
wideok=$(cat "$work/fanout.ok" 2>/dev/null || echo 0)
per=$(run perhost ansible-playbook -i "$work/inventory" "$work/perhost.yml")
perok=$(grep -Ec "ok=[0-9]+ .*failed=0" "$work/perhost.log" || true)
printf '{%s,%s,%s,"fanoutAnswered":%s,"fanoutWideAnswered":%s,"perhostHosts":%d,"load":"%s"}\n' "$fan" "$wide" "$per" "$fanok" "$wideok" "$perok" "$(cut -d' ' -f1-3 /proc/loadavg)"
