#!/usr/bin/env bash
# A minimal Debian arm64 root (the C and C++ runtimes and OpenSSL, which .NET loads for HMAC and AES) so the
# linux-arm64 release binary runs here under `qemu-aarch64-static -L ROOT`. The packages come from Debian by name,
# through apt with arm64 package lists of its own (a private lists folder): this machine's dpkg and apt
# configuration are left as they are. Idempotent: a root holding the same package list is kept.
#
#   bash tests/setup/arm64-sysroot.sh [ROOT]     (default ${IPMIRPC_ARM64_SYSROOT:-$HOME/.cache/ipmirpc-arm64-sysroot})
set -euo pipefail
root="${1:-${IPMIRPC_ARM64_SYSROOT:-$HOME/.cache/ipmirpc-arm64-sysroot}}"
packages=(libc6 libgcc-s1 libstdc++6 libssl3 zlib1g)
want="${packages[*]}"
if [[ -f "$root/.packages" && "$(cat "$root/.packages")" == "$want" ]]; then
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/debs" "$work/root"
apt_arm64=(apt-get -q -o APT::Architectures::=arm64 -o "Dir::State::Lists=$work/lists"
           -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root)
echo "arm64-sysroot: fetching ${packages[*]} (arm64)" >&2
timeout 600 "${apt_arm64[@]}" update >/dev/null
(cd "$work/debs" && timeout 600 "${apt_arm64[@]}" download "${packages[@]/%/:arm64}" >/dev/null)
for deb in "$work"/debs/*.deb; do
    dpkg-deb -x "$deb" "$work/root"
done
[[ -e "$work/root/lib/ld-linux-aarch64.so.1" ]] || { echo "arm64-sysroot: no arm64 dynamic loader in the packages" >&2; exit 1; }
echo "$want" > "$work/root/.packages"
rm -rf "$root.new" && mkdir -p "$(dirname "$root")" && mv "$work/root" "$root.new"
rm -rf "$root" && mv "$root.new" "$root"
echo "arm64-sysroot: $root" >&2
