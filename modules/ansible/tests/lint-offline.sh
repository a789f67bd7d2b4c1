#!/usr/bin/env bash
# ansible-lint (Debian's package, --offline: nothing fetched) on the collection (role, meta, galaxy.yml, the execution
# environment) and on the playbooks given as arguments; each run must end "Passed with production profile". The
# collection is installed into a temporary collections path, so the args rule loads our modules' argument specs and
# refuses an option they do not take, or a missing required one. .ansible-lint-ignore beside galaxy.yml lists the
# findings kept and why.
#
# Not `--profile production`: a profile unloads every rule outside it, and ansible-lint 6.13 (Debian 12) puts args in
# none (it is tagged experimental). Every rule runs instead, with warn_list emptied so an experimental finding fails
# too; the summary still names the highest profile passed.
#
#   bash modules/ansible/tests/lint-offline.sh [--playbooks-only] [PLAYBOOK.yml ...]
set -euo pipefail
lint_collection=1
[[ "${1:-}" == --playbooks-only ]] && { lint_collection=0; shift; }
COLLECTION="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v ansible-lint >/dev/null || { echo "lint-offline: ansible-lint is not installed (apt-get install ansible-lint)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
collections="$work/collections/ansible_collections"
tree="$collections/ipmirpc/ipmi"
mkdir -p "$tree" "$work/playbooks" "$work/home"
(cd "$COLLECTION" && find . -type f -not -path '*/__pycache__/*' -not -path './tests/output/*' -not -name '*.pyc' \
    -print0 | cpio -0 -pdm --quiet "$tree")
for playbook in "$@"; do
    cp "$playbook" "$work/playbooks/"
done
printf '%s\n' 'warn_list: []' 'enable_list:' '  - args' > "$work/ansible-lint.yml"
# The path ends in ansible_collections on purpose: with ansible-core 2.14, ansible-compat points the in-process
# collection finder (through which the args and fqcn rules load modules) at the parent folder of
# ANSIBLE_COLLECTIONS_PATH; ansible itself accepts either form.
lint() {
    HOME="$work/home" ANSIBLE_LOCAL_TEMP="$work/tmp" ANSIBLE_COLLECTIONS_PATH="$collections" \
        ansible-lint --offline --nocolor -p -c "$work/ansible-lint.yml" "$@"
}
rc=0
if ((lint_collection)); then
    echo "lint-offline: collection ipmirpc.ipmi"
    (cd "$tree" && lint) || rc=1
fi
if (($#)); then
    echo "lint-offline: $# playbook(s)"
    (cd "$work/playbooks" && lint -- *.yml) || rc=1
fi
exit $rc
