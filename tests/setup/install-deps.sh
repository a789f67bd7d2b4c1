#!/usr/bin/env bash
# Installs what IpmiRpc's tests and demo need on Debian 12 that has only the .NET SDK. Idempotent: asks
# apt only when a package is missing (one `apt-get update`, then one install), and installs the
# PowerShell global tool only when pwsh is missing. Recommended packages come too (apt's default), as on
# the machines the tests were written on.
#
#   bash tests/setup/install-deps.sh            # everything the tests need
#   bash tests/setup/install-deps.sh --demo     # only what examples/demo.sh needs
#
# When sourced, it also leaves ~/.dotnet/tools on the caller's PATH.
#
# Proven once on a fresh Debian 12 made with `debootstrap bookworm` plus the .NET SDK folder and nothing else, run
# inside it with systemd-nspawn: it installs everything and its final check passes (tens of minutes, mostly apt).

_ipmirpc_install_deps() {
    local demo_only=0
    [[ "${1:-}" == "--demo" ]] && demo_only=1

    export DEBIAN_FRONTEND=noninteractive
    # ca-certificates: NuGet (PowerShell) is reached over TLS and a minimal Debian (debootstrap) has no CA bundle.
    # libicu72: the .NET runtime's globalization library, which an SDK unpacked from Microsoft's tarball does not
    # bring (pwsh needs it; the SDK itself too).
    local packages
    if ((demo_only)); then
        packages=(openipmi jq gcc libc6-dev libopenipmi-dev)
    else
        packages=(ca-certificates libicu72 openipmi ipmitool freeipmi-tools python3-pyghmi libopenipmi-dev gcc make
                  libc6-dev qemu-system-x86 busybox-static cpio xz-utils ansible-core jq zip unzip
                  python3-voluptuous python3-pycodestyle pylint yamllint shellcheck ansible-lint
                  qemu-user-static systemd wine64 debootstrap systemd-container)
    fi

    local missing=() p
    for p in "${packages[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$p")
        fi
    done
    # Node.js and npm (the MCP end-to-end test's client): asked for by command, not by package, because a machine may
    # have them from another source (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
    if ((demo_only == 0)) && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
        missing+=(nodejs npm)
    fi

    local sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null 2>&1; then sudo=(sudo -E); else
            echo "install-deps: not root and no sudo; cannot install: ${missing[*]:-nothing}" >&2
            ((${#missing[@]} == 0)) || return 1
        fi
    fi

    if ((${#missing[@]} > 0)); then
        echo "install-deps: installing ${missing[*]}" >&2
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "install-deps: Debian packages already present" >&2
    fi

    export PATH="$PATH:$HOME/.dotnet/tools"
    if ((demo_only == 0)) && ! command -v pwsh >/dev/null 2>&1; then
        echo "install-deps: installing PowerShell 7.6.9 (dotnet global tool)" >&2
        DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
            dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
    fi

    # The arm64 C/C++ runtimes and OpenSSL the linux-arm64 release binary needs under qemu-aarch64-static (its test
    # fails and says so when they are missing; the rest of the suite does not need them).
    if ((demo_only == 0)); then
        bash "$(dirname "${BASH_SOURCE[0]}")/arm64-sysroot.sh" || echo "install-deps: no arm64 root (tests/setup/arm64-sysroot.sh failed)" >&2
    fi

    local tools=(ipmi_sim jq gcc) t
    ((demo_only)) || tools+=(node npm ipmitool ipmi-raw qemu-system-x86_64 busybox cpio ansible-playbook pwsh
                             ansible-test ansible-lint pylint yamllint shellcheck qemu-aarch64-static systemd-analyze /usr/lib/wine/wine64
                             debootstrap systemd-nspawn)
    for t in "${tools[@]}"; do
        if ! command -v "$t" >/dev/null 2>&1; then
            echo "install-deps: '$t' still missing after install" >&2
            return 1
        fi
    done
    [[ -f /usr/include/OpenIPMI/mcserv.h ]] || {
        echo "install-deps: OpenIPMI headers missing" >&2
        return 1
    }
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    _ipmirpc_install_deps "$@"
else
    # Sourced: install in a subshell (so `set -e` can't end the caller), then fix the caller's PATH.
    (set -euo pipefail; _ipmirpc_install_deps "$@")
    _ipmirpc_rc=$?
    unset -f _ipmirpc_install_deps
    case ":$PATH:" in *":$HOME/.dotnet/tools:"*) ;; *) export PATH="$PATH:$HOME/.dotnet/tools" ;; esac
    return $_ipmirpc_rc
fi
