# Shared by the batch examples: option parsing, finding the tools, CSV → one JSON object per row, the target
# object of each request. Sourced, not run. Callers define usage() and, for options of their own, a flag hook.

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

# parse_args HOOK ARGS...: the shared target options into $opts, the one CSV file into $input; usage() on -h,
# an unknown option or no file. HOOK (may be "") names a function that gets each option first and returns 0 when
# it took it (flags only, no value).
parse_args() {
    local hook=$1
    shift
    input=
    while [[ $# -gt 0 ]]; do
        if [[ -n "$hook" ]] && "$hook" "$1"; then
            shift
            continue
        fi
        case "$1" in
            --cipher-suite|--timeout-ms|--retries|--privilege) add_target_option "$1" "$2"; shift 2 ;;
            -h|--help)      usage ;;
            -*)             echo "unknown option: $1" >&2; usage ;;
            *)              input=$1; shift ;;
        esac
    done
    [[ -n "$input" ]] || usage
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

# start_batch: finds the tools, makes $work (removed on exit) and writes $input's rows to $work/rows.ndjson.
start_batch() {
    find_tools
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    csv_to_rows "$input" > "$work/rows.ndjson"
}

# jq definitions for the request programs: `target` is a row's target (password by name only, never the value)
# merged with the shared options, which the program must get as --argjson opts "$opts".
target_jq='
  def num: if . == null or . == "" then null else tonumber end;
  def target: {host: .host, port: (.port | num), username: .username,
               passwordEnv: (if (.password_env // "") == "" then "IPMI_PASSWORD" else .password_env end)}
              | with_entries(select(.value != null)) + $opts;
'
