#!/usr/bin/env bash
# Builds every release artifact of IpmiRpc into artifacts/release/ (see README.md beside this script):
#   ipmirpc-<v>-linux-x64.tar.gz     NativeAOT ipmirpc, and ipmirpc-mcp: the MCP server, left out of ipmirpc (it doubled
#                                    the relocations every start applies); `ipmirpc mcp` runs it from beside ipmirpc
#   ipmirpc-<v>-linux-arm64.tar.gz   self-contained single file (NativeAOT needs an arm64 linker and sysroot)
#   ipmirpc-<v>-win-x64.zip          self-contained single file (NativeAOT for Windows only builds on Windows)
#   ipmirpc.<v>.nupkg                the .NET tool (dotnet tool install -g ipmirpc --add-source artifacts/release)
#   ipmirpc-ipmi-<v>.tar.gz          the Ansible collection (ansible-galaxy collection build)
#   powershell/IpmiRpc.<v>.nupkg     the PowerShell module; the folder is a local PSResource repository (in its own
#                                    folder: beside ipmirpc.<v>.nupkg the two names collide on Windows and macOS)
#   SHA256SUMS
# The version is <Version> in Directory.Build.props; the script refuses to run when galaxy.yml or the PowerShell
# manifest says another one. Publishing works on a private copy of the sources (artifacts/release-work/src), so a
# concurrent build of the work tree never races it on bin/ or obj/.
#
#   --only LIST   comma-separated subset of: linux-x64,linux-arm64,win-x64,tool,ansible,powershell
#   --if-stale    do nothing when artifacts/release/ was built from the same sources (a stamp of them), or at all
#                 when IPMIRPC_RELEASE_REUSE is set (iterating on the packaging tests)
#   --linux-x64-binary PATH   ship this NativeAOT linux-x64 ipmirpc instead of publishing one: tests/run.sh passes the
#                 in-band assets' publish, made from the same sources with the same settings minutes before
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/src/IpmiRpc.Packaging"
OUT="$ROOT/artifacts/release"
WORK="$ROOT/artifacts/release-work"
# The NativeAOT publish settings (trimming roots, analyzers off), shared with the benchmark and the in-band tests.
AOT_TARGETS="$ROOT/src/IpmiRpc.Host/publish-aot.targets"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDTERMINALLOGGER=off
export PATH="$PATH:$HOME/.dotnet/tools"

only="linux-x64,linux-arm64,win-x64,tool,ansible,powershell"
if_stale=0
linux_x64_binary=""
while (($#)); do
    case "$1" in
        --only) only="$2"; shift 2 ;;
        --if-stale) if_stale=1; shift ;;
        --linux-x64-binary) linux_x64_binary="$2"; shift 2 ;;
        -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "release.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
    esac
done
wants() { [[ ",$only," == *",$1,"* ]]; }
log() { echo "release: $*" >&2; }

version="$(sed -n 's:.*<Version>\([^<]*\)</Version>.*:\1:p' "$ROOT/Directory.Build.props" | head -n1)"
[ -n "$version" ] || { log "no <Version> in Directory.Build.props"; exit 1; }
galaxy_version="$(sed -n 's/^version: *\([^ ]*\) *$/\1/p' "$ROOT/modules/ansible/galaxy.yml")"
psd1_version="$(sed -n "s/^ *ModuleVersion *= *'\([^']*\)'.*/\1/p" "$ROOT/modules/powershell/IpmiRpc/IpmiRpc.psd1")"
if [ "$galaxy_version" != "$version" ] || [ "$psd1_version" != "$version" ]; then
    log "version mismatch: Directory.Build.props $version, modules/ansible/galaxy.yml $galaxy_version," \
        "IpmiRpc.psd1 $psd1_version (set galaxy.yml; regenerate the manifest with modules/generator/generate_wrappers.py)"
    exit 1
fi

# What the artifacts are built from: a change to any of it (or to this script) makes --if-stale rebuild.
stamp=$( (cd "$ROOT" && find src modules \
            Directory.Build.props Directory.Packages.props BannedSymbols.txt global.json LICENSE -type f \
            -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/__pycache__/*' -not -path '*/tests/output/*' \
            -print0 | LC_ALL=C sort -z | xargs -0 sha256sum; echo "$only") | sha256sum | cut -c1-16)
if ((if_stale)) && [ -n "${IPMIRPC_RELEASE_REUSE:-}" ] && [ -f "$OUT/SHA256SUMS" ]; then
    log "IPMIRPC_RELEASE_REUSE set: keeping artifacts/release/ even if sources changed"
    exit 0
fi
if ((if_stale)) && [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$stamp" ] && [ -f "$OUT/SHA256SUMS" ]; then
    log "artifacts/release/ is up to date ($version, $stamp)"
    exit 0
fi

rm -rf "$OUT" && mkdir -p "$OUT" "$WORK"
SRC="$WORK/src"
# A fresh copy of the sources (no stale file survives), keeping the previous copy's bin/ and obj/ for an incremental
# publish (a cold NativeAOT publish takes minutes).
rm -rf "$SRC.new" && mkdir -p "$SRC.new"
for f in Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig global.json LICENSE; do
    cp -p "$ROOT/$f" "$SRC.new/$f"
done
(cd "$ROOT" && find src -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 | cpio -0 -pdm --quiet "$SRC.new")
if [ -d "$SRC/src" ]; then
    (cd "$SRC" && find src -type d \( -name bin -o -name obj \) -prune) | while read -r d; do
        if [ -d "$SRC.new/$(dirname "$d")" ]; then mv "$SRC/$d" "$SRC.new/$d"; fi
    done
fi
rm -rf "$SRC" && mv "$SRC.new" "$SRC"

publish() { # $1 = runtime id, $2 = output folder, rest = publish options
    local rid="$1" dir="$2"
    shift 2
    log "publishing ipmirpc $version for $rid"
    rm -rf "$dir"
    dotnet publish "$SRC/src/IpmiRpc.Host" -c Release -r "$rid" -o "$dir" -nologo -v q -clp:ErrorsOnly \
        -p:ContinuousIntegrationBuild=true "$@" >&2
    rm -f "$dir"/*.pdb "$dir"/*.dbg
}

# One folder per archive: the binaries, LICENSE and README.txt (this folder's archive-readme.txt, version filled in).
stage() { # $1 = archive base name, rest = binary paths
    local dir="$WORK/stage/$1"
    rm -rf "$dir" && mkdir -p "$dir"
    cp -p "${@:2}" "$dir/"
    cp "$ROOT/LICENSE" "$dir/LICENSE"
    sed "s/@VERSION@/$version/g; s/@RID@/${1##*-"$version"-}/g" "$HERE/archive-readme.txt" > "$dir/README.txt"
    echo "$dir"
}

if wants linux-x64; then
    if [ -n "$linux_x64_binary" ]; then
        [ -x "$linux_x64_binary" ] || { log "--linux-x64-binary $linux_x64_binary is not an executable"; exit 1; }
        # Only a binary of this version: a stale or foreign one is refused, not shipped.
        got="$("$linux_x64_binary" --version)" || true
        [ "$got" = "$version" ] || { log "--linux-x64-binary says version '$got', not $version"; exit 1; }
        log "linux-x64: using $linux_x64_binary (not publishing again)"
        rm -rf "$WORK/linux-x64" && mkdir -p "$WORK/linux-x64" && cp -p "$linux_x64_binary" "$WORK/linux-x64/ipmirpc"
    else
        publish linux-x64 "$WORK/linux-x64" -p:PublishAot=true -p:StripSymbols=true -p:CustomAfterMicrosoftCommonTargets="$AOT_TARGETS"
    fi
    # The same project with the MCP server compiled in (its own obj/ and bin/, see the Host csproj), shipped under the
    # name ipmirpc's `mcp` command looks for.
    publish linux-x64 "$WORK/linux-x64-mcp" -p:PublishAot=true -p:IpmiRpcMcpInProcess=true -p:StripSymbols=true \
        -p:CustomAfterMicrosoftCommonTargets="$AOT_TARGETS"
    mv "$WORK/linux-x64-mcp/ipmirpc" "$WORK/linux-x64-mcp/ipmirpc-mcp"
    name="ipmirpc-$version-linux-x64"
    dir="$(stage "$name" "$WORK/linux-x64/ipmirpc" "$WORK/linux-x64-mcp/ipmirpc-mcp")"
    tar -C "$(dirname "$dir")" --owner=0 --group=0 -czf "$OUT/$name.tar.gz" "$name"
fi
single_file=(--self-contained -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true)
if wants linux-arm64; then
    publish linux-arm64 "$WORK/linux-arm64" "${single_file[@]}"
    name="ipmirpc-$version-linux-arm64"
    dir="$(stage "$name" "$WORK/linux-arm64/ipmirpc")"
    tar -C "$(dirname "$dir")" --owner=0 --group=0 -czf "$OUT/$name.tar.gz" "$name"
fi
if wants win-x64; then
    publish win-x64 "$WORK/win-x64" "${single_file[@]}"
    name="ipmirpc-$version-win-x64"
    dir="$(stage "$name" "$WORK/win-x64/ipmirpc.exe")"
    (cd "$(dirname "$dir")" && rm -f "$OUT/$name.zip" && zip -qr "$OUT/$name.zip" "$name")
fi
if wants tool; then
    log "packing the .NET tool"
    dotnet pack "$SRC/src/IpmiRpc.Host" -c Release -o "$OUT" -nologo -v q -clp:ErrorsOnly -p:ContinuousIntegrationBuild=true >&2
fi
if wants ansible; then
    log "building the Ansible collection"
    col="$WORK/collection"
    rm -rf "$col" && mkdir -p "$col"
    (cd "$ROOT/modules/ansible" && find . -type f -not -path '*/__pycache__/*' -not -path './tests/output/*' -print0 \
        | cpio -0 -pdm --quiet "$col")
    cp "$ROOT/LICENSE" "$col/LICENSE"
    ansible-galaxy collection build "$col" --output-path "$OUT" --force >&2
fi
if wants powershell; then
    log "packing the PowerShell module"
    psmod="$WORK/powershell/IpmiRpc"
    psrepo="$WORK/powershell-repository"
    rm -rf "$WORK/powershell" "$psrepo" && mkdir -p "$psmod" "$psrepo"
    cp -r "$ROOT/modules/powershell/IpmiRpc/." "$psmod/"
    cp "$ROOT/LICENSE" "$psmod/LICENSE"
    # Publish-PSResource needs a registered repository: a throw-away one, registered under a private HOME so the
    # user's PSResourceGet settings are never touched.
    # .NET resolves an XDG folder that does not exist to "", and PSResourceGet would then write into the current folder.
    mkdir -p "$WORK/powershell/home/.local/share" "$WORK/powershell/home/.config" "$WORK/powershell/home/.cache"
    HOME="$WORK/powershell/home" XDG_DATA_HOME="$WORK/powershell/home/.local/share" \
    XDG_CONFIG_HOME="$WORK/powershell/home/.config" XDG_CACHE_HOME="$WORK/powershell/home/.cache" \
    RELEASE_PSREPO="$psrepo" RELEASE_PSMODULE="$psmod" pwsh -NoProfile -NonInteractive -Command '
        $ErrorActionPreference = "Stop"
        Register-PSResourceRepository -Name IpmiRpcRelease -Uri $env:RELEASE_PSREPO -Trusted
        Publish-PSResource -Path $env:RELEASE_PSMODULE -Repository IpmiRpcRelease
    ' >&2
    rm -rf "$OUT/powershell" && mkdir -p "$OUT/powershell"
    cp "$psrepo"/*.nupkg "$OUT/powershell/"
fi

# nullglob: an --only subset has no archive of some kinds (a literal "*.nupkg" made sha256sum fail the run).
(cd "$OUT" && shopt -s nullglob && sha256sum -- *.tar.gz *.zip *.nupkg powershell/*.nupkg > SHA256SUMS)
echo "$stamp" > "$OUT/.stamp"
log "done: $OUT"
(cd "$OUT" && ls -l)
