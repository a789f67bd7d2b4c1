#!/usr/bin/env bash
# Boots one in-band test guest and waits for it (hard timeout, killed on expiry).
#   run-guest.sh --test-dir DIR --out DIR [--bmc sim[:PROPS] | --bmc extern:PORT] [--timeout SECONDS]
# DIR holds run.sh (sourced by /init, may call `step NAME CMD...`) and any files it reads; it becomes /test.
# Writes OUT/console.log (ttyS0) and OUT/data.log (ttyS1); exits with the guest's rc (124 on timeout).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${INBAND_CACHE:-$HERE/.cache}
TEST_DIR= OUT= BMC=sim TIMEOUT=60
while [ $# -gt 0 ]; do
    case "$1" in
        --test-dir) TEST_DIR=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --bmc) BMC=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        *) echo "run-guest: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -n "$TEST_DIR" ] && [ -f "$TEST_DIR/run.sh" ] || { echo "run-guest: --test-dir with run.sh required" >&2; exit 2; }
[ -n "$OUT" ] || { echo "run-guest: --out required" >&2; exit 2; }
for f in kernel/vmlinux base.cpio.gz app.cpio; do
    [ -f "$CACHE/$f" ] || { echo "run-guest: $CACHE/$f missing: run tests/inband/build-assets.sh" >&2; exit 2; }
done
mkdir -p "$OUT"

# Concatenated newc archives unpack into one tree: base + app + this test's /test.
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/root/test"
cp -a "$TEST_DIR/." "$STAGE/root/test/"
(cd "$STAGE/root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) > "$STAGE/test.cpio"
cat "$CACHE/base.cpio.gz" "$CACHE/app.cpio" "$STAGE/test.cpio" > "$STAGE/initrd"

case "$BMC" in
    sim) BMC_ARGS=(-device ipmi-bmc-sim,id=bmc0) ;;
    sim:*) BMC_ARGS=(-device "ipmi-bmc-sim,id=bmc0,${BMC#sim:}") ;;
    extern:*) BMC_ARGS=(-chardev "socket,id=ipmi0,host=127.0.0.1,port=${BMC#extern:},reconnect=10"
                        -device ipmi-bmc-extern,chardev=ipmi0,id=bmc0) ;;
    *) echo "run-guest: bad --bmc $BMC" >&2; exit 2 ;;
esac

: > "$OUT/data.log"
set +e
timeout -s KILL "$TIMEOUT" qemu-system-x86_64 -machine pc -accel tcg -cpu max -m 512 -smp 1 \
    -display none -monitor none -no-reboot -nic none \
    -chardev "file,id=con,path=$OUT/console.log" -serial chardev:con \
    -chardev "file,id=data,path=$OUT/data.log" -serial chardev:data \
    -kernel "$CACHE/kernel/vmlinux" -initrd "$STAGE/initrd" \
    -append "console=ttyS0 quiet loglevel=1 panic=-1" \
    "${BMC_ARGS[@]}" -device isa-ipmi-kcs,bmc=bmc0 \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null
qrc=$?
set -e
if [ $qrc -eq 137 ]; then
    echo "run-guest: killed after ${TIMEOUT}s" >&2
    exit 124
fi
# isa-debug-exit gives (rc << 1) | 1; anything else (0 = panic with -no-reboot) is a crash.
if [ $((qrc & 1)) -ne 1 ]; then
    echo "run-guest: qemu exited $qrc without a result" >&2
    exit 125
fi
grc=$((qrc >> 1))
grep -q "INBAND-RESULT rc=$grc" "$OUT/console.log" || { echo "run-guest: no result marker on the console" >&2; exit 125; }
exit $grc
