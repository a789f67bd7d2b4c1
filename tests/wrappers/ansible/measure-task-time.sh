#!/usr/bin/env bash
# Measures the time per Ansible task of the ipmirpc.ipmi modules (one ipmirpc process + one RMCP+ session per
# task) against a baseline task (ansible.builtin.ping) and against warm calls in one running ipmirpc, so the
# value of a long-lived shared host can be judged, and the same tasks through the shared host
# (`ipmirpc_socket`: one `ipmirpc serve --socket` for all tasks, sessions reused). Not part of `dotnet test`
# (a measurement, not a check).
#
#   tests/wrappers/ansible/measure-task-time.sh [TASKS=10] [RUNS=3]
# Needs: ipmi_sim, ansible-core, a built host (IPMIRPC_PATH, default the Release build, else Debug).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
tasks=${1:-10}
runs=${2:-3}
host=${IPMIRPC_PATH:-$root/src/IpmiRpc.Host/bin/Release/net10.0/ipmirpc}
[[ -x "$host" ]] || host=$root/src/IpmiRpc.Host/bin/Debug/net10.0/ipmirpc
[[ -x "$host" ]] || { echo "build src/IpmiRpc.Host first" >&2; exit 2; }

work=$(mktemp -d)
sim_pid=
sock=$work/ipmirpc.sock
# The shared server's pid from SO_PEERCRED of a connection to it (no pkill by name: other ipmirpc may run).
server_pid() { python3 -c 'import socket,struct,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
print(struct.unpack("3i", s.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0])' "$sock" 2>/dev/null; }
stop_server() { local pid; pid=$(server_pid) || return 0; kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do [[ -e "$sock" ]] || return 0; sleep 0.1; done; }
cleanup() { stop_server; [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A free UDP port (ipmi_sim binds with address reuse, so check first).
for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 40000 ))
    ss -Huln "sport = :$port" | grep -q . || break
done
sed -e "s/@PORT@/$port/" -e '/^@[A-Z_]*@$/d' "$root/tests/fixtures/ipmi_sim/lan.conf.in" > "$work/lan.conf"
cp "$root/tests/fixtures/ipmi_sim/sim.emu" "$work/sim.emu"
mkdir "$work/state"
ipmi_sim -c "$work/lan.conf" -f "$work/sim.emu" -s "$work/state" -n > "$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 50); do
    IPMI_PASSWORD=test ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$port" -U ipmiusr -E raw 6 1 >/dev/null 2>&1 && break
    sleep 0.2
done

ansible-galaxy collection build "$root/modules/ansible" --output-path "$work" >/dev/null
ansible-galaxy collection install -p "$work/collections" "$work"/ipmirpc-ipmi-*.tar.gz >/dev/null 2>&1
export ANSIBLE_COLLECTIONS_PATH=$work/collections IPMIRPC_PATH=$host ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 \
    ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false

playbook() { # name count task-body
    { printf -- '- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n'
      for i in $(seq 1 "$2"); do printf '    - name: t%s\n%s\n' "$i" "$3"; done; } > "$work/$1.yml"
}
ping='      ansible.builtin.ping:'
dev="      ipmirpc.ipmi.ipmi_bmc_info:
        gather: [device]
        host: 127.0.0.1
        port: $port
        user: ipmiusr
        password: test
        cipher_suite: 3"
playbook ping1 1 "$ping"; playbook pingN "$tasks" "$ping"
playbook dev1 1 "$dev"; playbook devN "$tasks" "$dev"
shared="$dev
        ipmirpc_socket: $sock"
playbook shared1 1 "$shared"; playbook sharedN "$tasks" "$shared"

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
best() { local b=; for _ in $(seq 1 "$runs"); do t=$(ms "$@"); [[ -z "$b" || $t -lt $b ]] && b=$t; done; echo "$b"; }
per_task() { echo $(( ($2 - $1) / (tasks - 1) )); }

p1=$(best ansible-playbook -i localhost, "$work/ping1.yml"); pN=$(best ansible-playbook -i localhost, "$work/pingN.yml")
d1=$(best ansible-playbook -i localhost, "$work/dev1.yml"); dN=$(best ansible-playbook -i localhost, "$work/devN.yml")
# Shared host: the first run starts it (measured alone), then best-of with the server and its session warm.
first=$(ms ansible-playbook -i localhost, "$work/shared1.yml")
s1=$(best ansible-playbook -i localhost, "$work/shared1.yml"); sN=$(best ansible-playbook -i localhost, "$work/sharedN.yml")
sessions=$(python3 -c 'import socket,json,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sessions.list\"}\n")
buf=b""
while b"\n" not in buf: buf+=s.recv(65536)
r=json.loads(buf)["result"]; print("%d session(s), requestCount %s" % (len(r), [x["requestCount"] for x in r]))' "$sock")
stop_server

target="\"target\":{\"host\":\"127.0.0.1\",\"port\":$port,\"username\":\"ipmiusr\",\"password\":\"test\",\"cipherSuite\":3}"
echo '{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}' > "$work/discover.ndjson"
for i in $(seq 1 101); do echo "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"bmc.getDeviceId\",\"params\":{$target}}"; done > "$work/dev101.ndjson"
head -1 "$work/dev101.ndjson" > "$work/dev1.ndjson"
spawn=$(best sh -c "'$host' < '$work/discover.ndjson'")
cold=$(best sh -c "'$host' < '$work/dev1.ndjson'")
warm101=$(best sh -c "'$host' < '$work/dev101.ndjson'")

echo "host: $host"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; best of $runs runs; $tasks tasks per playbook"
echo "ansible.builtin.ping      per task: $(per_task "$p1" "$pN") ms"
echo "ipmi_bmc_info (device)    per task: $(per_task "$d1" "$dN") ms"
echo "ipmi_bmc_info via ipmirpc_socket per task: $(per_task "$s1" "$sN") ms (shared host: $sessions)"
echo "first task via ipmirpc_socket (starts the server): $first ms, a whole 1-task playbook: $d1 ms without, $s1 ms with a warm server"
echo "ipmirpc start + exit (rpc.discover):       $spawn ms"
echo "ipmirpc start + session + Get Device ID:   $cold ms"
echo "warm Get Device ID in one ipmirpc:         $(( (warm101 - cold) * 10 )) µs per call"
