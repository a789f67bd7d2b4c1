#!/usr/bin/env bash
# IpmiRpc benchmark, one command: bash tests/bench/run.sh [driver options]
#
# Builds Release from a private copy of the sources (tests/bench/.build/src, so a concurrent build of the work tree
# never races it), publishes ReadyToRun and NativeAOT variants (cached by a hash of the sources), starts its own
# ipmi_sim BMCs on free loopback ports, runs every scenario of issue 7 against ipmitool, FreeIPMI and pyghmi in the
# same run, prints a markdown table and writes it to tests/bench/results/latest.md. Kills everything it started on exit.
#
# Environment knobs: BENCH_AOT=0 (skip NativeAOT), BENCH_R2R=0 (skip ReadyToRun), BENCH_FLEET=20,100 (fleet sizes),
# BENCH_MICRO=1 (also run the BenchmarkDotNet micro-benchmarks, several minutes more), BENCH_SCALE=1000 (scenario 8:
# Get Device ID from that many ipmi_sim BMCs; off by default, ~3.6 MB of RAM per simulator), BENCH_ANSIBLE=1 (scenario 8
# also runs ipmi_fanout over all of them in one Ansible task, and the per-host playbook on 20), BENCH_SCALE_PEERS=0
# (scenario 8 without the peers' rows), BENCH_GCDUMP=1 (scenario 8's memory table also gives the live managed heap,
# with ~/.dotnet/tools/dotnet-gcdump), BENCH_PERHOST=1 (after the driver: ansible-perhost.sh, one task per host on 20
# hosts for ping, command ipmitool and ipmi_bmc_info via the shared socket, NativeAOT build; JSON lines to
# results/ansible-perhost-latest.jsonl). Driver options
# (--sequential N, --process-samples N, --cold-samples N, --rounds N, --only 1246, --fleet 20) pass through.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD="$HERE/.build"
SRC="$BUILD/tree"  # not .../src/...: Directory.Build.props bans Console.Out under any /src/ path
RUN="$HERE/.run"
PIDS="$RUN/pids"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log() { echo "bench: $*" >&2; }

cleanup() {
    local rc=$?
    if [ -f "$PIDS" ]; then
        # Only our own children: each PID was recorded when started; check it is still ipmi_sim/ipmirpc (PID reuse).
        while read -r pid; do
            [ -n "$pid" ] || continue
            if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -Eq 'ipmi_sim|ipmirpc'; then
                kill -9 "$pid" 2>/dev/null || true
            fi
        done < "$PIDS"
        rm -f "$PIDS"
    fi
    if [ -n "${DRIVER_PID:-}" ]; then kill "$DRIVER_PID" 2>/dev/null || true; fi
    rm -rf "$RUN/work"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- tools ---------------------------------------------------------------------------------------------------------
need_install=0
for t in ipmi_sim ipmitool ipmi-raw ipmi-config /usr/bin/time; do
    command -v "$t" >/dev/null 2>&1 || need_install=1
done
/usr/bin/python3 -c 'import pyghmi.ipmi.command' 2>/dev/null || need_install=1
if [ $need_install = 1 ]; then
    log "installing the peers (tests/setup/install-deps.sh) and GNU time"
    bash "$ROOT/tests/setup/install-deps.sh" >&2
    command -v /usr/bin/time >/dev/null 2>&1 || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2; }
fi

# ---- private copy of the sources -----------------------------------------------------------------------------------
mkdir -p "$SRC" "$RUN"
rm -f "$PIDS"
sync_dir() { # $1 = path relative to ROOT; keeps bin/ and obj/ of the copy for incremental builds
    local rel=$1 f
    mkdir -p "$SRC/$rel"
    (cd "$SRC" && find "$rel" -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0) | while IFS= read -r -d '' f; do
        [ -e "$ROOT/$f" ] || rm -f "$SRC/$f"
    done
    # Only a changed file is copied, and it gets a new mtime rather than the work tree's: a file edited while an
    # earlier run was building is older than that build's outputs, and keeping its mtime made the build skip it.
    (cd "$ROOT" && find "$rel" -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/.build/*' -not -path '*/.run/*' \
        -not -path '*/results/*' -not -path '*/BenchmarkDotNet.Artifacts/*' -print0) | while IFS= read -r -d '' f; do
        cmp -s "$ROOT/$f" "$SRC/$f" || { mkdir -p "$SRC/$(dirname "$f")" && cp "$ROOT/$f" "$SRC/$f"; }
    done
}
for f in Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig global.json nuget.config NuGet.config; do
    [ -f "$ROOT/$f" ] && cp -p "$ROOT/$f" "$SRC/$f"
done
for d in src schema tests/fixtures tests/bench/IpmiRpc.Bench tests/bench/IpmiRpc.MicroBench modules/ansible; do
    [ -d "$ROOT/$d" ] && sync_dir "$d"
done
cp -p "$HERE/pyghmi_seq.py" "$HERE/pyghmi_fleet.py" "$HERE/ipmirpc_client_seq.py" "$HERE/ansible-scale.sh" "$SRC/tests/bench/"

# ---- build ---------------------------------------------------------------------------------------------------------
t0=$(date +%s)
log "building Release (driver + framework-dependent ipmirpc)"
dotnet build "$SRC/tests/bench/IpmiRpc.Bench" -c Release -nologo -v q -clp:ErrorsOnly >&2
FDD="$SRC/src/IpmiRpc.Host/bin/Release/net10.0/ipmirpc"

# src/ holds the publish settings too (src/IpmiRpc.Host/publish-aot.targets), so they are part of the stamp.
stamp=$( (cd "$SRC" && find src schema -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16)
publish() { # $1 = name, rest = publish options; cached per source stamp
    local name=$1; shift
    local out="$BUILD/$name"
    if [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ] && [ -x "$out/ipmirpc" ]; then
        log "$name: up to date"
        return 0
    fi
    log "publishing $name"
    rm -rf "$out"
    if dotnet publish "$SRC/src/IpmiRpc.Host" -c Release -r linux-x64 -o "$out" -nologo -v q -clp:ErrorsOnly "$@" >&2; then
        echo "$stamp" > "$out.stamp"
    else
        log "$name publish FAILED: that variant is left out"
        rm -rf "$out"
    fi
}
R2R=""; AOT=""
if [ "${BENCH_R2R:-1}" = 1 ]; then
    publish r2r --self-contained false -p:PublishReadyToRun=true
    [ -x "$BUILD/r2r/ipmirpc" ] && R2R="$BUILD/r2r/ipmirpc"
fi
if [ "${BENCH_AOT:-1}" = 1 ]; then
    publish aot -p:PublishAot=true -p:StripSymbols=true -p:CustomAfterMicrosoftCommonTargets="$SRC/src/IpmiRpc.Host/publish-aot.targets"
    [ -x "$BUILD/aot/ipmirpc" ] && AOT="$BUILD/aot/ipmirpc"
fi
build_s=$(( $(date +%s) - t0 ))
built() { if [ -n "$1" ]; then echo "built"; else echo "not built"; fi; }
notes="Build: framework-dependent = \`dotnet build -c Release\`; ReadyToRun = \`dotnet publish -r linux-x64 -p:PublishReadyToRun=true\` ($(built "$R2R")); NativeAOT = \`dotnet publish -r linux-x64 -p:PublishAot=true\` with src/IpmiRpc.Host/publish-aot.targets ($(built "$AOT")); build step ${build_s} s (publishes are cached until the sources change). Peers: $(ipmitool -V 2>&1 | head -1), FreeIPMI $(ipmi-raw --version 2>&1 | head -1 | awk '{print $NF}'), pyghmi (Debian python3-pyghmi $(dpkg-query -W -f '${Version}' python3-pyghmi 2>/dev/null)), ipmi_sim (openipmi $(dpkg-query -W -f '${Version}' openipmi 2>/dev/null))."

# ---- run -----------------------------------------------------------------------------------------------------------
mkdir -p "$RUN/work" "$HERE/results"
log "running the scenarios (this takes a few minutes)"
set +e
timeout $((1200 + 3 * ${BENCH_SCALE:-0})) dotnet "$SRC/tests/bench/IpmiRpc.Bench/bin/Release/net10.0/IpmiRpc.Bench.dll" \
    --fixtures "$SRC/tests/fixtures/ipmi_sim" --fdd "$FDD" --r2r "$R2R" --aot "$AOT" \
    --fleet "${BENCH_FLEET:-20,100}" --scale "${BENCH_SCALE:-0}" --out "$HERE/results/latest.md" --pid-file "$PIDS" --work-dir "$RUN/work" \
    --build-notes "$notes" "$@" &
DRIVER_PID=$!
wait $DRIVER_PID
rc=$?
DRIVER_PID=""
set -e

if [ "${BENCH_PERHOST:-0}" = 1 ]; then
    log "running the per-host Ansible playbooks (ansible-perhost.sh, every run bounded)"
    IPMIRPC_PATH="${AOT:-$FDD}" timeout 3600 "$HERE/ansible-perhost.sh" > "$HERE/results/ansible-perhost-latest.jsonl" \
        || log "ansible-perhost.sh failed (exit $?)"
fi

if [ "${BENCH_MICRO:-0}" = 1 ] && [ -d "$SRC/tests/bench/IpmiRpc.MicroBench" ]; then
    log "running BenchmarkDotNet micro-benchmarks"
    dotnet run -c Release --project "$SRC/tests/bench/IpmiRpc.MicroBench" -- --filter '*' --artifacts "$HERE/results/micro" >&2
fi
exit $rc
