#!/usr/bin/env bash
# ansible-lint (Debian's package, --offline: nothing fetched) on the collection (role, meta, galaxy.yml, the execution
# environment) and on the playbooks given as arguments, with the production profile. The collection is installed into
# a private HOME's default collections path, where ansible-lint resolves its modules; .ansible-lint-ignore beside
# galaxy.yml lists the findings kept and why.
#
#   bash modules/ansible/tests/lint-offline.sh [PLAYBOOK.yml ...]
set -euo pipefail
COLLECTION="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v ansible-lint >/dev/null || { echo "lint-offline: ansible-lint is not installed (apt-get install ansible-lint)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tree="$work/home/.ansible/collections/ansible_collections/ipmirpc/ipmi"
mkdir -p "$tree" "$work/playbooks"
(cd "$COLLECTION" && find . -type f -not -path '*/__pycache__/*' -not -path './tests/output/*' -not -name '*.pyc' \
    -print0 | cpio -0 -pdm --quiet "$tree")
for playbook in "$@"; do
    cp "$playbook" "$work/playbooks/"
done
lint() {
    HOME="$work/home" ANSIBLE_LOCAL_TEMP="$work/tmp" ansible-lint --offline --profile production --nocolor -p "$@"
}
rc=0
echo "lint-offline: collection ipmirpc.ipmi"
(cd "$tree" && lint) || rc=1
if (($#)); then
    echo "lint-offline: $# playbook(s)"
    (cd "$work/playbooks" && lint -- *.yml) || rc=1
fi
exit $rc
