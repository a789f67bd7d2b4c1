#!/usr/bin/env bash
# Builds what an in-band guest run needs, into tests/inband/.cache (or $INBAND_CACHE):
#   kernel/vmlinux + kernel/*.ko     Debian's current kernel, resolved through linux-image-amd64
#   base.cpio.gz                     busybox, the IPMI modules, /init, ipmitool (cross-check) with its libraries
#   app.cpio + publish/           ipmirpc published self-contained for linux-x64, with its libraries
# Idempotent: each part is rebuilt only when its inputs changed. Safe to run concurrently (flock).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${INBAND_CACHE:-$HERE/.cache}
CONFIGURATION=${INBAND_CONFIGURATION:-Release}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

log() { echo "build-assets: $*" >&2; }
need() { command -v "$1" >/dev/null || { log "missing $1: install with tests/setup/install-deps.sh"; exit 2; }; }
for tool in apt-cache apt-get dpkg-deb cpio gzip busybox ipmitool dotnet sha256sum flock; do need "$tool"; done

# ---- kernel -------------------------------------------------------------------------------------------------
resolve_kernel() {
    apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}'
}
pkg=$(resolve_kernel)
if [ -z "$pkg" ]; then
    log "apt lists have no linux-image-amd64; running apt-get update"
    apt-get update -qq >&2
    pkg=$(resolve_kernel)
fi
[ -n "$pkg" ] || { log "cannot resolve linux-image-amd64"; exit 2; }
kver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
kstamp="$pkg $kver"
KDIR="$CACHE/kernel"
if [ "$(cat "$KDIR/stamp" 2>/dev/null)" != "$kstamp" ]; then
    log "fetching kernel $kstamp"
    rm -rf "$KDIR" && mkdir -p "$KDIR/dl" "$KDIR/x"
    (cd "$KDIR/dl" && apt-get download "$pkg" >&2 2>/dev/null) || (cd "$KDIR/dl" && apt-get update -qq >&2 && apt-get download "$pkg" >&2)
    deb=$(ls "$KDIR"/dl/*.deb)
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$KDIR/x" --wildcards \
        '*/boot/vmlinuz-*' '*/drivers/char/ipmi/ipmi_msghandler.ko*' '*/drivers/char/ipmi/ipmi_si.ko*' '*/drivers/char/ipmi/ipmi_devintf.ko*'
    for m in ipmi_msghandler ipmi_si ipmi_devintf; do
        f=$(find "$KDIR/x" -name "$m.ko*" | head -n1)
        case "$f" in
            *.ko.xz) if command -v xz >/dev/null; then xz -dc "$f"; else busybox xzcat "$f"; fi > "$KDIR/$m.ko" ;;
            *.ko.zst) zstd -dc "$f" > "$KDIR/$m.ko" ;;
            *.ko.gz) gzip -dc "$f" > "$KDIR/$m.ko" ;;
            *) cp "$f" "$KDIR/$m.ko" ;;
        esac
    done
    vmlinuz=$(find "$KDIR/x" -name 'vmlinuz-*' | head -n1)
    # A plain ELF vmlinux boots through QEMU's PVH entry and skips ~3 s of in-guest decompression.
    off=$(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$vmlinuz" | head -n1 | cut -d: -f1 || true)
    if [ -n "$off" ]; then
        # The kernel's xz stream uses the x86 BCJ filter, which busybox's xz lacks; xz-utils has it. It also
        # complains about the bytes after the stream, so judge by the result.
        if command -v xz >/dev/null; then
            tail -c +$((off + 1)) "$vmlinuz" | xz -dc > "$KDIR/vmlinux" 2>/dev/null || true
        fi
    fi
    if [ "$(head -c 4 "$KDIR/vmlinux" 2>/dev/null | od -An -tx1 | tr -d ' \n')" != "7f454c46" ]; then
        log "no xz payload in $vmlinuz; booting the compressed image"
        cp "$vmlinuz" "$KDIR/vmlinux"
    fi
    rm -rf "$KDIR/dl" "$KDIR/x"
    echo "$kstamp" > "$KDIR/stamp"
fi

# Copies binaries and the shared libraries ldd names into a staging root, keeping their paths.
stage_binary() {
    local root=$1 bin=$2 dest=$3
    mkdir -p "$root$(dirname "$dest")"
    cp -L "$bin" "$root$dest"
    ldd "$bin" 2>/dev/null | grep -oE '/[^ ]+' | while read -r lib; do
        [ -e "$lib" ] || continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

# pack DIR ARCHIVE [gzip]: newc archive of DIR; the app stays uncompressed, the guest kernel copies it faster than it
# inflates it under TCG.
pack() {
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | if [ "${3:-}" = gzip ]; then gzip -1; else cat; fi) > "$2.tmp"
    # Zero padding to a 512-byte boundary: the kernel skips zeros between archives, and a plain archive after a
    # compressed one must start 4-byte aligned.
    local size
    size=$(stat -c %s "$2.tmp")
    if [ $((size % 512)) -ne 0 ]; then head -c $((512 - size % 512)) /dev/zero >> "$2.tmp"; fi
    mv "$2.tmp" "$2"
}

# ---- base initramfs ------------------------------------------------------------------------------------------
bstamp=$( { cat "$KDIR/stamp"; sha256sum "$HERE/build-assets.sh" "$HERE/init" "$(command -v busybox)" "$(command -v ipmitool)"; } | sha256sum | cut -c1-16)
if [ "$(cat "$CACHE/base.stamp" 2>/dev/null)" != "$bstamp" ] || [ ! -f "$CACHE/base.cpio.gz" ]; then
    log "building base initramfs"
    S="$CACHE/stage-base"
    rm -rf "$S" && mkdir -p "$S"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,lib/ipmi,test,opt}
    cp "$(command -v busybox)" "$S/bin/busybox"
    for applet in $("$S/bin/busybox" --list); do
        [ -e "$S/bin/$applet" ] || ln -s busybox "$S/bin/$applet"
    done
    cp "$KDIR"/ipmi_msghandler.ko "$KDIR"/ipmi_si.ko "$KDIR"/ipmi_devintf.ko "$S/lib/ipmi/"
    install -m 0755 "$HERE/init" "$S/init"
    stage_binary "$S" "$(command -v ipmitool)" /usr/bin/ipmitool
    # No libssl on purpose: .NET loads OpenSSL with dlopen, and a hash through System.Security.Cryptography aborts the
    # process without it ("No usable version of libssl was found"). In-band ipmirpc must not need it (the SDR cache
    # hashes with XXH128), and a guest without it is how the tests know.
    printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:1000:1000:nobody:/:/bin/sh\n' > "$S/etc/passwd"
    printf 'root:x:0:\nnobody:x:1000:\n' > "$S/etc/group"
    pack "$S" "$CACHE/base.cpio.gz" gzip
    rm -rf "$S"
    echo "$bstamp" > "$CACHE/base.stamp"
fi

# ---- ipmirpc published for the guest ----------------------------------------------------------------------------
# Published from a private copy of the sources, so a concurrent `dotnet build`/`dotnet test` of the work tree never
# races this on bin/ or obj/.
SRC="$CACHE/src"
mkdir -p "$SRC"
for f in Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig global.json nuget.config NuGet.config; do
    [ -f "$ROOT/$f" ] && cp -p "$ROOT/$f" "$SRC/$f"
done
copy_tree() {
    rm -rf "$SRC/$1.new" && mkdir -p "$SRC/$1.new"
    (cd "$ROOT/$1" && find . -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | cpio -0 -pdm --quiet "$SRC/$1.new")
    # Keep obj/ and bin/ of the previous copy for an incremental publish.
    if [ -d "$SRC/$1" ]; then
        (cd "$SRC/$1" && find . -type d \( -name bin -o -name obj \) -prune) | while read -r d; do
            mkdir -p "$SRC/$1.new/$(dirname "$d")" && mv "$SRC/$1/$d" "$SRC/$1.new/$d"
        done
        rm -rf "$SRC/$1"
    fi
    mv "$SRC/$1.new" "$SRC/$1"
}
copy_tree src
[ -d "$ROOT/schema" ] && copy_tree schema
# The shipped binary's publish settings (trimming roots, analyzers off), which the cold-start benchmark uses too; with
# the release's flags, as tests/run.sh ships this NativeAOT binary as the release's linux-x64 one.
AOT_TARGETS="$ROOT/src/IpmiRpc.Host/publish-aot.targets"
AOT_ROOTS="$ROOT/src/IpmiRpc.Host/publish-aot.roots.xml"
astamp=$( (cd "$SRC" && find . -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
          sha256sum "$AOT_TARGETS" "$AOT_ROOTS"; echo "$CONFIGURATION ${INBAND_PUBLISH_MODE:-}") | sha256sum | cut -c1-16)
if [ -n "${INBAND_REUSE_APP:-}" ] && [ -f "$CACHE/app.cpio" ]; then
    log "INBAND_REUSE_APP set: keeping the published ipmirpc even if sources changed"
elif [ "$(cat "$CACHE/app.stamp" 2>/dev/null)" != "$astamp" ] || [ ! -f "$CACHE/app.cpio" ]; then
    PUB="$CACHE/publish"
    rm -rf "$PUB"
    publish() {
        log "publishing ipmirpc ($1)"
        shift
        DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$SRC/src/IpmiRpc.Host" -c "$CONFIGURATION" -r linux-x64 \
            -o "$PUB" -nologo -v q -p:InvariantGlobalization=true -p:ContinuousIntegrationBuild=true \
            -p:CustomAfterMicrosoftCommonTargets="$AOT_TARGETS" "$@" >&2
    }
    mode=${INBAND_PUBLISH_MODE:-aot}
    case "$mode" in
        aot) publish "NativeAOT" -p:PublishAot=true -p:StripSymbols=true ;;
        trimmed) publish "single-file trimmed ReadyToRun" --self-contained -p:PublishSingleFile=true -p:PublishTrimmed=true -p:PublishReadyToRun=true ;;
        single) publish "single-file self-contained" --self-contained -p:PublishSingleFile=true ;;
        *) log "unknown INBAND_PUBLISH_MODE $mode"; exit 2 ;;
    esac
    rm -f "$PUB"/*.pdb "$PUB"/*.dbg
    S="$CACHE/stage-app"
    rm -rf "$S" && mkdir -p "$S/opt/ipmirpc"
    cp -a "$PUB/." "$S/opt/ipmirpc/"
    stage_binary "$S" "$PUB/ipmirpc" /opt/ipmirpc/ipmirpc
    echo "$mode" > "$S/opt/ipmirpc/PUBLISH_MODE"
    pack "$S" "$CACHE/app.cpio"
    rm -rf "$S"
    echo "$mode $(stat -c %s "$PUB/ipmirpc")" > "$CACHE/app.info"
    echo "$astamp" > "$CACHE/app.stamp"
fi

echo "kernel=$KDIR/vmlinux"
echo "base=$CACHE/base.cpio.gz"
echo "app=$CACHE/app.cpio"
echo "publish=$(cat "$CACHE/app.info")"
