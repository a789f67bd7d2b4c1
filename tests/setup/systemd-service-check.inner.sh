#!/usr/bin/env bash
# The inside of tests/setup/systemd-service-check.sh: runs as a oneshot unit in the booted container, writes PASS or
# "FAIL: reason" to /srv/ipmirpc-check/result. Every wait is bounded.
set -uo pipefail
dir=/srv/ipmirpc-check
# shellcheck source=/dev/null
source "$dir/env"
export HOME=/root ANSIBLE_NOCOLOR=1 ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False
export ANSIBLE_COLLECTIONS_PATH="$dir/collections" ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3
socket=/run/ipmirpc/ipmirpc.sock
say() { echo "[check] $*"; }
fail() { say "FAIL: $*"; echo "FAIL: $*" > "$dir/result"; exit 1; }

say "systemd $(systemctl --version | head -n1 | cut -d' ' -f2), PID 1 is $(cat /proc/1/comm)"
[[ "$(cat /proc/1/comm)" == systemd ]] || fail "PID 1 is not systemd"

say "ipmi_sim on 127.0.0.1:9623 (the container's own loopback)"
mkdir -p "$dir/state"
ipmi_sim -c "$dir/lan.conf" -f "$dir/sim.emu" -s "$dir/state" -n </dev/null >"$dir/sim.log" 2>&1 &
port_hex="$(printf ':%04X ' 9623)"
for _ in $(seq 1 600); do grep -qs -- "$port_hex" /proc/net/udp && break; sleep 0.05; done
grep -qs -- "$port_hex" /proc/net/udp || fail "ipmi_sim did not bind 127.0.0.1:9623: $(cat "$dir/sim.log")"

say "ansible-galaxy collection install $COLLECTION"
timeout 300 ansible-galaxy collection install -p "$ANSIBLE_COLLECTIONS_PATH" "$dir/$COLLECTION" || fail "collection install"

cat > "$dir/install.yml" <<EOF
- name: Install ipmirpc as a service
  hosts: localhost
  connection: local
  gather_facts: false
  roles:
    - role: ipmirpc.ipmi.install
      vars:
        ipmirpc_install_src: $dir/$TARBALL
        ipmirpc_install_checksum: "sha256:$CHECKSUM"
        ipmirpc_install_service: true
EOF
say "role ipmirpc.ipmi.install with ipmirpc_install_service: true"
timeout 600 ansible-playbook -i localhost, "$dir/install.yml" | tee "$dir/install-1.log" || fail "first role run"
systemctl is-active --quiet ipmirpc.service || fail "ipmirpc.service is not active: $(systemctl status ipmirpc.service --no-pager)"
systemctl is-enabled --quiet ipmirpc.service || fail "ipmirpc.service is not enabled"
installed="$(/usr/local/bin/ipmirpc --version)"
[[ "$installed" == "$VERSION" ]] || fail "/usr/local/bin/ipmirpc --version says '$installed', not $VERSION"
say "installed $(readlink -f /usr/local/bin/ipmirpc) ($installed)"
main_pid="$(systemctl show -p MainPID --value ipmirpc.service)"
for _ in $(seq 1 600); do [[ -S "$socket" ]] && break; sleep 0.05; done
[[ -S "$socket" ]] || fail "no socket at $socket: $(journalctl -u ipmirpc.service --no-pager | tail -n 20)"
say "ipmirpc.service active, MainPID $main_pid, socket $(stat -c '%a %U' "$socket") $socket"

say "bmc.getDeviceId as a JSON-RPC line on the socket"
answer="$(timeout 60 python3 - "$socket" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(30)
s.connect(sys.argv[1])
target = {"host": "127.0.0.1", "port": 9623, "username": "ipmiusr", "password": "test"}  # the simulator's test-only account
s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": "bmc.getDeviceId", "params": {"target": target}}) + "\n").encode())
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
print(buf.decode().strip())
EOF
)"
say "answer: $answer"
python3 -c 'import json,sys; r=json.loads(sys.argv[1])["result"]; assert r["manufacturerId"]==0x1291 and r["productId"]==0xf02, r' "$answer" \
    || fail "unexpected bmc.getDeviceId answer: $answer"

cat > "$dir/call.yml" <<EOF
- name: Read the BMC through the service
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Device id through ipmirpc_socket
      ipmirpc.ipmi.ipmi_bmc_info:
        host: 127.0.0.1
        port: 9623
        user: ipmiusr
        password: test
        ipmirpc_socket: $socket
        ipmirpc_path: /usr/local/bin/ipmirpc
      register: bmc
    - name: Show it
      ansible.builtin.debug:
        var: bmc.device
EOF
say "ipmi_bmc_info in socket mode"
timeout 300 ansible-playbook -i localhost, "$dir/call.yml" | tee "$dir/call.log" || fail "ipmi_bmc_info through the socket"
grep -q '"manufacturer_id": 4753' "$dir/call.log" || fail "ipmi_bmc_info did not report the simulator's manufacturer id"

servers="$(pgrep -x ipmirpc -a | grep -c ' serve ' || true)"
[[ "$servers" == 1 ]] || fail "$servers ipmirpc servers run (want only the service's): $(pgrep -x ipmirpc -a)"
[[ "$(systemctl show -p MainPID --value ipmirpc.service)" == "$main_pid" ]] || fail "the service's process changed"
say "one server, the service's (PID $main_pid), answered both"

say "second role run changes nothing and keeps the service's process"
timeout 600 ansible-playbook -i localhost, "$dir/install.yml" | tee "$dir/install-2.log" || fail "second role run"
grep -Eq 'localhost +: ok=[0-9]+ +changed=0 ' "$dir/install-2.log" || fail "second role run changed something"
[[ "$(systemctl show -p MainPID --value ipmirpc.service)" == "$main_pid" ]] || fail "second role run restarted the service"

say "systemctl stop removes the socket"
systemctl stop ipmirpc.service || fail "systemctl stop"
[[ ! -e "$socket" ]] || fail "$socket left after stop"

echo PASS > "$dir/result"
say PASS
