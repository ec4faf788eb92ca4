#!/bin/sh
# tests/run-all.sh BUILD "UNIT..." "INTEGRATION..." COMPAT_RUNNER
# Runs every suite in order (unit, integration, compat, clients: real client
# libraries through the stream workflows, redis-compat/clients/run.sh), then
# prints the total as "N passed, M failed".  Exit 1 if anything failed.
build=$1
unit=$2
integ=$3
compat=$4
log=$(mktemp)
status=0
# shellcheck disable=SC2086
sh tests/run-suite.sh unit $unit | tee -a "$log" || status=1
# shellcheck disable=SC2086
sh tests/run-suite.sh integration $integ | tee -a "$log" || status=1
sh redis-compat/run.sh "$compat" | tee -a "$log" || status=1
sh redis-compat/clients/run.sh | tee -a "$log" || status=1
# A suite that died before printing its summary counts as a failure.
for s in unit integration compat clients; do
    grep -Eq "^$s: [0-9]+ passed, [0-9]+ failed" "$log" || { echo "$s: no summary"; status=1; }
done
total_p=0
total_f=0
for n in $(grep -E '^(unit|integration|compat|clients): [0-9]+ passed, [0-9]+ failed' "$log" | sed -E 's/^[a-z]+: ([0-9]+) passed, ([0-9]+) failed.*/\1:\2/'); do
    total_p=$((total_p + ${n%%:*}))
    total_f=$((total_f + ${n##*:}))
done
rm -f "$log"
echo "total: $total_p passed, $total_f failed"
[ "$total_f" -ne 0 ] && status=1
exit $status
