#!/usr/bin/env bash
# Runs every IpmiRpc test on a fresh Debian 12 with only the .NET SDK: installs what is missing, builds the
# solution in Release, runs all test projects (unit, ipmi_sim end-to-end, QEMU, Ansible, PowerShell: all
# driven from xunit), and ends with one line `tests: N passed, N failed, N skipped`. Non-zero on any failure.
# Extra arguments go to `dotnet test` (e.g. `bash tests/run.sh --filter FullyQualifiedName~EndToEnd`).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=false MSBUILDTERMINALLOGGER=off
export PATH="$PATH:$HOME/.dotnet/tools"

bash tests/setup/install-deps.sh || { echo "tests: 0 passed, 1 failed, 0 skipped (dependency install failed)"; exit 1; }

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

start=$SECONDS
if ! dotnet build IpmiRpc.sln -c Release -nologo -v minimal; then
    echo "build failed"
    echo "tests: 0 passed, 1 failed, 0 skipped"
    exit 1
fi
echo "build: $((SECONDS - start)) s"

# The QEMU in-band tests' kernel, initramfs and NativeAOT ipmirpc (minutes when cold): built here, outside any test's
# hang timeout; the in-band fixture re-runs it (a cache hit) and reports a failure itself.
start=$SECONDS
inband_binary=()
if bash tests/inband/build-assets.sh >/dev/null; then
    # Its NativeAOT linux-x64 publish is the release's linux-x64 ipmirpc too (same sources, same settings): one
    # NativeAOT compile fewer; release.sh compiles only ipmirpc-mcp (the MCP server's image) itself.
    inband_cache="${INBAND_CACHE:-tests/inband/.cache}"
    if [[ "${INBAND_CONFIGURATION:-Release}" == Release && "$(cut -d' ' -f1 "$inband_cache/app.info" 2>/dev/null)" == aot ]]; then
        inband_binary=(--linux-x64-binary "$inband_cache/publish/ipmirpc")
    fi
else
    echo "in-band assets: build failed (the in-band tests will say why)"
fi
echo "in-band assets: $((SECONDS - start)) s"

# The release artifacts the packaging tests install (NativeAOT and cross publishes: minutes when cold), likewise.
start=$SECONDS
bash src/IpmiRpc.Packaging/release.sh --if-stale "${inband_binary[@]}" >/dev/null 2>&1 || echo "release artifacts: build failed (the packaging tests will say why)"
echo "release artifacts: $((SECONDS - start)) s"

# The Debian root the systemd service test boots (debootstrap: minutes when cold, then kept in ~/.cache), likewise.
start=$SECONDS
bash tests/setup/systemd-service-check.sh --build-root-only >/dev/null 2>&1 || echo "systemd test root: build failed (the systemd service test will say why)"
echo "systemd test root: $((SECONDS - start)) s"

start=$SECONDS
dotnet test IpmiRpc.sln -c Release --no-build -nologo \
    --logger trx --logger "console;verbosity=normal" \
    --results-directory "$results" \
    --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
test_rc=$?
echo "test run: $((SECONDS - start)) s (dotnet test exit $test_rc)"

passed=0 failed=0 skipped=0 files=0
shopt -s nullglob globstar
for trx in "$results"/**/*.trx; do
    files=$((files + 1))
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1)"
    attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    p="$(attr passed)"; f="$(attr failed)"; e="$(attr error)"; t="$(attr timeout)"; a="$(attr aborted)"
    n="$(attr notExecuted)"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
    skipped=$((skipped + ${n:-0}))
    # Name the failures again at the end, where a reader of a long log looks.
    grep -o '<UnitTestResult [^>]*outcome="Failed"[^>]*>' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/FAILED: \1/p'
done

# The first lines of each failure's message too: a CI log is often read only from its tail.
for trx in "$results"/**/*.trx; do
    python3 tests/setup/trx_failures.py "$trx" 2>/dev/null
done

rc=0
if ((test_rc != 0)); then rc=1; fi
if ((failed > 0)); then rc=1; fi
if ((files == 0 || passed == 0)); then
    echo "no test results found in $results"
    rc=1
    ((failed == 0)) && failed=1
fi
if ((test_rc != 0 && failed == 0)); then
    # A crashed test host can leave counters that show no failure: count the crash as one.
    echo "dotnet test failed (exit $test_rc) without a failed test in the results: counting it as a failure"
    failed=1
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $rc
