# Shared by the batch examples: target options, finding the tools, CSV → one JSON object per row.
# Sourced, not run. Callers keep their own usage() and option loop.

opts='{}'

# add_target_option NAME VALUE: folds one of the shared target options into $opts.
add_target_option() {
    case "$1" in
        --cipher-suite) opts=$(jq -c --argjson v "$2" '. + {cipherSuite: $v}' <<<"$opts") ;;
        --timeout-ms)   opts=$(jq -c --argjson v "$2" '. + {timeoutMs: $v}' <<<"$opts") ;;
        --retries)      opts=$(jq -c --argjson v "$2" '. + {retries: $v}' <<<"$opts") ;;
        --privilege)    opts=$(jq -c --arg v "$2" '. + {privilege: $v}' <<<"$opts") ;;
    esac
}

# find_tools: exits 2 unless jq and ipmirpc are there; sets $ipmirpc.
find_tools() {
    command -v jq >/dev/null || { echo "jq not found" >&2; exit 2; }
    ipmirpc=${IPMIRPC_PATH:-$(command -v ipmirpc || true)}
    [[ -n "$ipmirpc" && -x "$ipmirpc" ]] || { echo "ipmirpc not found: set IPMIRPC_PATH or put ipmirpc on PATH" >&2; exit 2; }
}

# csv_to_rows INPUT: one JSON object per CSV row (keys from the header), numbered from 1 in .row — the request id.
csv_to_rows() {
    jq -R -s -c '
      def trim: gsub("^\\s+|\\s+$"; "");
      [split("\n")[] | sub("\r$"; "") | select(length > 0 and (startswith("#") | not))] as $lines
      | if ($lines | length) == 0 then error("empty input") else . end
      | ($lines[0] | split(",") | map(trim)) as $hdr
      | $lines[1:] | to_entries[]
      | (.value | split(",") | map(trim)) as $f
      | ([$hdr, $f] | transpose | map(select(.[0] != null) | {(.[0]): (.[1] // "")}) | add) + {row: (.key + 1)}
    ' "$1"
}
