#!/usr/bin/env bash
# Stamp operating system names into many BMCs (system info parameter 4, IPMI v2.0 §22.14a) through ONE
# ipmirpc process; idempotent (a BMC already holding the name is not written) and reports per BMC.
#
#   IPMI_PASSWORD=... examples/stamp-os.sh [--dry-run] [options] LIST.csv > result.csv
#
# LIST.csv (see stamp-os.example.csv): a header line, then one BMC per line; '#' lines are skipped.
#   name,host,port,username,os_name[,password_env]
# Passwords never travel on a command line or through the pipe: each row names an environment variable
# (column password_env, default IPMI_PASSWORD) that ipmirpc reads itself (target.passwordEnv).
# Plain comma-separated values: no quoting, no commas inside fields.
#
# --dry-run: write nothing; "changed" then says whether the BMC would change (ipmirpc's dryRun).
# Options: --cipher-suite N  --timeout-ms N (per attempt)  --retries N  --privilege LEVEL
# ipmirpc is $IPMIRPC_PATH, else ipmirpc on PATH. Needs jq.
# Output columns: name,host,port,os_name,changed,dry_run,previous,error_code,error
# Exit status: 0 when every BMC succeeded, 1 when any failed.
set -euo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/batch.sh"
dry=false
stamp_flag() { case "$1" in --dry-run) dry=true ;; *) return 1 ;; esac; }
parse_args stamp_flag "$@"
start_batch

jq -c --argjson opts "$opts" --argjson dry "$dry" "$target_jq"'
  {jsonrpc: "2.0", id: .row, method: "systemInfo.set",
   params: {target: target,
            values: {operatingSystemName: .os_name},
            dryRun: $dry}}
' "$work/rows.ndjson" > "$work/requests.ndjson"

"$ipmirpc" < "$work/requests.ndjson" > "$work/answers.ndjson"

jq -r -n --slurpfile rows "$work/rows.ndjson" --slurpfile answers "$work/answers.ndjson" '
  (reduce $answers[] as $a ({}; .[($a.id | tostring)] = $a)) as $by_id
  | ["name","host","port","os_name","changed","dry_run","previous","error_code","error"],
    ($rows[] | . as $row | $by_id[($row.row | tostring)] as $a
     | ($a.result // {}) as $r
     | [$row.name, $row.host, $row.port, $row.os_name, $r.changed, $r.dryRun, $r.previous.operatingSystemName,
        (if $a == null then -32603 else $a.error.code end),
        (if $a == null then "no answer from ipmirpc" else $a.error.message end)])
  | @csv
'

# Non-zero when any BMC failed (or went unanswered).
jq -e -n --slurpfile rows "$work/rows.ndjson" --slurpfile answers "$work/answers.ndjson" '
  ($rows | length) == ([$answers[] | select(.result != null)] | length)' > /dev/null
