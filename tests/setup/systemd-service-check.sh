#!/usr/bin/env bash
# Proves the release's systemd unit under a real systemd: boots a Debian 12 root with `systemd-nspawn -b
# --private-network` (the development machine's PID 1 is not systemd), and inside it, from the release artifacts,
# installs the collection, runs the ipmirpc.ipmi.install role with the service on (unit written, enabled, started
# by systemctl), starts an ipmi_sim on the container's own loopback, and calls bmc.getDeviceId through the service's
# socket twice: with a plain JSON-RPC line on the Unix socket and with the ipmi_bmc_info module in socket mode. Then
# checks that the service's process answered (no second server was started), that a second role run changes nothing,
# and that stopping the service removes its socket. About 2 minutes with the root built; building it (debootstrap)
# takes several, so tests/run.sh does that first (--build-root-only), outside any test's hang timeout. Run by
# tests/IpmiRpc.EndToEnd.Tests/Packaging/SystemdServiceTests.cs.
#
#   bash tests/setup/systemd-service-check.sh [--build-root-only] [ROOT]
#
# ROOT (default ${IPMIRPC_SYSTEMD_ROOT:-$HOME/.cache/ipmirpc-systemd-root}) is made with debootstrap when absent
# (systemd, openipmi, ansible-core; mirror $DEBIAN_MIRROR, default http://deb.debian.org/debian) and kept for the next
# run; the check's files are removed from it afterwards. The artifacts come from `release.sh --only linux-x64,ansible
# --if-stale`, or from the folder $IPMIRPC_SYSTEMD_CHECK_ARTIFACTS (with the same file names and SHA256SUMS).
# Exit 0 and "systemd-service-check: PASS" when every step held.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
root_only=0
[[ "${1:-}" == --build-root-only ]] && { root_only=1; shift; }
root="${1:-${IPMIRPC_SYSTEMD_ROOT:-$HOME/.cache/ipmirpc-systemd-root}}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
log() { echo "systemd-service-check: $*" >&2; }

for tool in systemd-nspawn timeout sha256sum; do
    command -v "$tool" >/dev/null || { log "missing $tool (apt-get install systemd-container)"; exit 1; }
done
# One check (or root build) per root at a time: both write into it.
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock 9
if [[ ! -x "$root/lib/systemd/systemd" || ! -x "$root/usr/bin/ipmi_sim" || ! -x "$root/usr/bin/ansible-playbook" ]]; then
    command -v debootstrap >/dev/null || { log "missing debootstrap (apt-get install debootstrap)"; exit 1; }
    log "building the root $root with debootstrap ($mirror)"
    rm -rf "$root.new"
    timeout 1800 debootstrap --include=systemd-sysv,dbus bookworm "$root.new" "$mirror" >&2
    # apt inside, not debootstrap --include: debootstrap does not resolve virtual packages (python3-cryptography, which
    # ansible-core needs, depends on python3-cffi-backend-api-min, provided by python3-cffi-backend).
    timeout 1800 systemd-nspawn --register=no --keep-unit --quiet --directory="$root.new" \
        --setenv=DEBIAN_FRONTEND=noninteractive /bin/sh -c \
        'apt-get update -q && apt-get install -y -q --no-install-recommends openipmi ansible-core python3 procps' </dev/null >&2
    rm -rf "$root" && mv "$root.new" "$root"
fi
((root_only == 0)) || exit 0

release="${IPMIRPC_SYSTEMD_CHECK_ARTIFACTS:-}"
if [[ -z "$release" ]]; then
    log "release artifacts (linux-x64, ansible)"
    timeout 3000 bash "$REPO/src/IpmiRpc.Packaging/release.sh" --only linux-x64,ansible --if-stale >&2
    release="$REPO/artifacts/release"
fi
version="$(sed -n 's:.*<Version>\([^<]*\)</Version>.*:\1:p' "$REPO/Directory.Build.props" | head -n1)"
tarball="ipmirpc-$version-linux-x64.tar.gz"
collection="ipmirpc-ipmi-$version.tar.gz"
checksum="$(awk -v f="$tarball" '$2 == f {print $1}' "$release/SHA256SUMS")"
[[ -n "$checksum" ]] || { log "$tarball is not in $release/SHA256SUMS"; exit 1; }

check="$root/srv/ipmirpc-check"
unit="$root/etc/systemd/system/ipmirpc-check.service"
# The check's files and what the role installed, so each run starts from the same root.
cleanup() {
    rm -rf "$check" "$unit" "$root/etc/systemd/system/multi-user.target.wants/ipmirpc-check.service" \
        "$root/etc/systemd/system/ipmirpc.service" "$root/etc/systemd/system/multi-user.target.wants/ipmirpc.service" \
        "$root/usr/local/lib/ipmirpc" "$root/usr/local/bin/ipmirpc"
}
trap cleanup EXIT
cleanup
mkdir -p "$check"
cp "$release/$tarball" "$release/$collection" "$REPO/tests/fixtures/ipmi_sim/sim.emu" "$check/"
sed -e 's/@PORT@/9623/' -e '/^@[A-Z_]*@$/d' "$REPO/tests/fixtures/ipmi_sim/lan.conf.in" > "$check/lan.conf"
cp "$HERE/systemd-service-check.inner.sh" "$check/inner.sh"
printf 'VERSION=%q\nTARBALL=%q\nCOLLECTION=%q\nCHECKSUM=%q\n' "$version" "$tarball" "$collection" "$checksum" > "$check/env"

# Runs the check once the container has booted, then powers it off (the container's end is the check's end).
cat > "$unit" <<'EOF'
[Unit]
Description=ipmirpc systemd service check
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/bash /srv/ipmirpc-check/inner.sh
ExecStopPost=/bin/systemctl --no-block poweroff
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=600

[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf ../ipmirpc-check.service "$root/etc/systemd/system/multi-user.target.wants/ipmirpc-check.service"

log "booting $root (systemd-nspawn -b --private-network)"
start=$SECONDS
set +e
timeout 900 systemd-nspawn --register=no --keep-unit --quiet --boot --private-network --directory="$root" \
    --machine=ipmirpc-check </dev/null >&2
nspawn_rc=$?
set -e
log "container ran $((SECONDS - start)) s (systemd-nspawn exit $nspawn_rc)"
result="$(cat "$check/result" 2>/dev/null || echo "FAIL: no result (the check did not run or did not finish)")"
echo "systemd-service-check: $result"
[[ "$result" == PASS ]]
