#!/usr/bin/env bash
# ansible-test sanity without PyPI: ansible-test wants one virtual environment per sanity test, filled by pip from
# the internet. Here each is made with `python3 -m venv --system-site-packages` (so Debian's python3-voluptuous,
# python3-pycodestyle, pylint, yamllint, python3-yaml and python3-jinja2 serve it) and marked as ready, which ansible-test
# then takes as is. The collection is copied to a temp ansible_collections/ipmirpc/ipmi tree (ansible-test's layout).
#
#   bash modules/ansible/tests/sanity/run-offline.sh [ansible-test sanity options, e.g. --test validate-modules]
# Environment: IPMIRPC_SANITY_HOME (default ~/.cache/ipmirpc-sanity) keeps the venvs between runs.
set -euo pipefail
COLLECTION="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Debian's Python: the one whose dist-packages hold ansible and the linters (a pyenv python3 first on PATH has neither).
PYBIN=/usr/bin/python3
PY="$("$PYBIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
STATE="${IPMIRPC_SANITY_HOME:-$HOME/.cache/ipmirpc-sanity}"
mkdir -p "$STATE/home"
# One run at a time per state folder: two runs filling the same venv would race.
exec 9>"$STATE/.lock"
flock 9
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/ansible_collections/ipmirpc/ipmi"
mkdir -p "$tree"
(cd "$COLLECTION" && find . -type f -not -path '*/__pycache__/*' -not -path './tests/output/*' -not -name '*.pyc' \
    -print0 | cpio -0 -pdm --quiet "$tree")
# ansible-test looks at the files git knows when the tree is a repository; a plain copy is taken whole.
cd "$tree"

# Each round either passes, fails on a real finding, or names one more venv it could not fill; at most one round per
# sanity test that has requirements.
for _ in $(seq 1 30); do
    set +e
    HOME="$STATE/home" ansible-test sanity --local --python "$PY" --python-interpreter "$PYBIN" --color no "$@" >"$work/out" 2>&1
    rc=$?
    set -e
    venv="$(sed -n 's|^FATAL: Python [0-9.]* at "\(.*\)/bin/python" does not have pip available\.$|\1|p' "$work/out")"
    if [ -z "$venv" ]; then
        cat "$work/out"
        exit $rc
    fi
    rm -rf "$venv"
    "$PYBIN" -m venv --system-site-packages --without-pip "$venv"
    echo '[]' >"$venv/meta.install.json"
    "$PYBIN" -c 'import yaml, json; print(json.dumps({"cloader": bool(getattr(yaml, "CLoader", None))}))' >"$venv/meta.yaml.json"
    touch "$venv/marker.txt"
done
echo "run-offline: gave up after 30 rounds" >&2
exit 1
