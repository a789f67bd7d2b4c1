#!/usr/bin/env bash
# LAN configuration of many BMCs as CSV, through ONE ipmirpc process: every request is written at once
# (newline-delimited JSON-RPC), ipmirpc serves them concurrently, jq matches the answers by id.
#
#   IPMI_PASSWORD=... examples/inventory-lan.sh [options] BMCS.csv > lan.csv
#
# BMCS.csv (see bmcs.example.csv): a header line, then one BMC per line; '#' lines are skipped.
#   name,host,port,username[,password_env][,channel]
# Passwords never travel on a command line or through the pipe: each row names an environment variable
# (column password_env, default IPMI_PASSWORD) that ipmirpc reads itself (target.passwordEnv).
# Plain comma-separated values: no quoting, no commas inside fields.
#
# Options: --cipher-suite N  --timeout-ms N (per attempt)  --retries N  --privilege LEVEL
# ipmirpc is $IPMIRPC_PATH, else ipmirpc on PATH. Needs jq.
# Output columns: name,host,port,channel,ip_address,ip_address_source,subnet_mask,mac_address,
#   default_gateway_ip,default_gateway_mac,backup_gateway_ip,backup_gateway_mac,vlan_enabled,vlan_id,
#   vlan_priority,cipher_suites,error_code,error   (a failed BMC gets its error, the others still their values)
set -euo pipefail

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

source "$(dirname "${BASH_SOURCE[0]}")/lib/batch.sh"
parse_args "" "$@"
start_batch

jq -c --argjson opts "$opts" "$target_jq"'
  {jsonrpc: "2.0", id: .row, method: "lan.getConfiguration",
   params: ({target: target}
            + (if (.channel // "") == "" then {} else {channel: (.channel | tonumber)} end))}
' "$work/rows.ndjson" > "$work/requests.ndjson"

# One process for all BMCs; it exits once stdin ends and every answer is out.
"$ipmirpc" < "$work/requests.ndjson" > "$work/answers.ndjson"

jq -r -n --slurpfile rows "$work/rows.ndjson" --slurpfile answers "$work/answers.ndjson" '
  (reduce $answers[] as $a ({}; .[($a.id | tostring)] = $a)) as $by_id
  | ["name","host","port","channel","ip_address","ip_address_source","subnet_mask","mac_address",
     "default_gateway_ip","default_gateway_mac","backup_gateway_ip","backup_gateway_mac","vlan_enabled","vlan_id",
     "vlan_priority","cipher_suites","error_code","error"],
    ($rows[] | . as $row | $by_id[($row.row | tostring)] as $a
     | ($a.result // {}) as $r
     | [$row.name, $row.host, $row.port, $r.channel, $r.ipAddress, $r.ipAddressSource, $r.subnetMask, $r.macAddress,
        $r.defaultGatewayIp, $r.defaultGatewayMac, $r.backupGatewayIp, $r.backupGatewayMac, $r.vlanEnabled, $r.vlanId,
        $r.vlanPriority, ([$r.cipherSuites[]?.id] | map(tostring) | join(" ")),
        (if $a == null then -32603 else $a.error.code end),
        (if $a == null then "no answer from ipmirpc" else $a.error.message end)])
  | @csv
'
