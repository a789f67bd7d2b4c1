#!/bin/sh
# One ipmirpc process: every request of requests.ndjson written at once, then — once each has its answer (bounded
# wait) — sessions.ndjson, so sessions.list sees the pool those requests left (requests run concurrently, so asking
# in the same burst would race them). All answers go to stdout.
in=/tmp/ipmirpc.in
out=/tmp/ipmirpc.out
mkfifo "$in"
/opt/ipmirpc/ipmirpc < "$in" > "$out" &
pid=$!
exec 3> "$in"
cat /test/requests.ndjson >&3
want=$(wc -l < /test/requests.ndjson)
i=0
while [ "$(wc -l < "$out")" -lt "$want" ] && [ $i -lt 600 ]; do
    usleep 50000
    i=$((i + 1))
done
cat /test/sessions.ndjson >&3
exec 3>&-
wait $pid
rc=$?
cat "$out"
exit $rc
