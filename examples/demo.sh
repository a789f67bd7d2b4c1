#!/usr/bin/env bash
# IpmiRpc demo: builds ipmirpc, starts a local ipmi_sim BMC on a free loopback UDP port (with the test plugin
# that answers system info), pipes examples/requests.ndjson through `ipmirpc --targets …`, prints each
# answer, and stops the simulator. Needs only Debian 12 + the .NET SDK; installs what is missing.
#
# The requests name the target "demo"; its address and credentials live in a targets file written here.
# The password reaches ipmirpc through the environment (passwordEnv), never through the request stream.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off

say() { printf '\033[1m== %s\033[0m\n' "$*" >&2; }

say "installing missing dependencies (openipmi, jq, gcc, libopenipmi-dev)"
bash tests/setup/install-deps.sh --demo

# IPMIRPC_EXE: use an existing build (the tests set it); otherwise build Release.
if [[ -n "${IPMIRPC_EXE:-}" ]]; then
    ipmirpc="$IPMIRPC_EXE"
else
    say "building ipmirpc (Release)"
    dotnet build src/IpmiRpc.Host -c Release -nologo -v quiet >&2
    ipmirpc="$root/src/IpmiRpc.Host/bin/Release/net10.0/ipmirpc"
fi

say "building the ipmi_sim system-info plugin"
bash tests/fixtures/ipmi_sim/build-plugin.sh >&2
plugin="$root/tests/fixtures/ipmi_sim/.build/sysinfo_plugin.so"

work="$(mktemp -d -t ipmirpc-demo-XXXXXX)"
sim_pid=""
cleanup() {
    if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A port nothing listens on: ipmi_sim binds with address reuse and would silently share a taken one.
udp_port_in_use() {
    local hex
    hex="$(printf ':%04X ' "$1")"
    grep -qs -- "$hex" /proc/net/udp /proc/net/udp6
}
port=""
for _ in $(seq 1 200); do
    candidate=$((20000 + RANDOM % 40000))
    if ! udp_port_in_use "$candidate"; then port=$candidate; break; fi
done
[[ -n "$port" ]] || { echo "no free UDP port found" >&2; exit 1; }

sed -e "s/@PORT@/$port/" \
    -e "s|^@LOADLIB@\$|loadlib \"$plugin\" \"demo\"|" \
    -e '/^@[A-Z_]*@$/d' tests/fixtures/ipmi_sim/lan.conf.in > "$work/lan.conf"
cp tests/fixtures/ipmi_sim/sim.emu "$work/sim.emu"
mkdir -p "$work/state"

say "starting ipmi_sim on 127.0.0.1:$port"
ipmi_sim -c "$work/lan.conf" -f "$work/sim.emu" -s "$work/state" -n </dev/null >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
    udp_port_in_use "$port" && break
    kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; echo "ipmi_sim exited" >&2; exit 1; }
    sleep 0.05
done
udp_port_in_use "$port" || { cat "$work/sim.log" >&2; echo "ipmi_sim did not bind its port" >&2; exit 1; }

cat > "$work/targets.json" <<JSON
{ "demo": { "host": "127.0.0.1", "port": $port, "username": "ipmiusr",
            "passwordEnv": "IPMI_PASSWORD", "cipherSuite": 3 } }
JSON
export IPMI_PASSWORD=test   # the simulator's test-only password

say "examples/requests.ndjson -> ipmirpc --targets targets.json"
# ipmirpc serves requests concurrently (`cat examples/requests.ndjson | ipmirpc …` works as well, answers then
# come in completion order). Here each line is sent when the previous answer is in, so the output reads top
# to bottom: request, then its answer.
coproc RPC { exec "$ipmirpc" --targets "$work/targets.json"; }
rpc_in=${RPC[1]} rpc_out=${RPC[0]}
jq_style=()
[[ "${DEMO_COMPACT:-}" == 1 ]] && jq_style=(-c)   # one answer per line (for the test that runs this demo)
rc=0
while IFS= read -r line; do
    [[ -n "$line" ]] || continue
    printf '\n\033[36m--> %s\033[0m\n' "$line"
    printf '%s\n' "$line" >&"$rpc_in"
    if IFS= read -r -t 30 answer <&"$rpc_out"; then
        printf '%s\n' "$answer" | jq "${jq_style[@]}" . || printf '%s\n' "$answer"
    else
        echo "no answer within 30 s" >&2
        rc=1
        break
    fi
done < examples/requests.ndjson
exec {rpc_in}>&-        # EOF: ipmirpc closes its sessions and exits
wait "$RPC_PID" || rc=$?

say "done (ipmi_sim stopped on exit)"
exit $rc
