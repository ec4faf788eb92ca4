#!/bin/sh
# tests/run-suite.sh NAME BINARY... -- run Check test binaries, sum their
# results and print "NAME: N passed, M failed".  Exit 1 if any failed.
name=$1
shift
passed=0
failed=0
status=0
for bin in "$@"; do
    out=$("$bin" 2>&1)
    rc=$?
    printf '%s\n' "$out" | sed "s|^|  [$(basename "$bin")] |"
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks: ' | tail -n 1)
    if [ -n "$line" ]; then
        checks=$(printf '%s' "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
        fails=$(printf '%s' "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
        errs=$(printf '%s' "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
        bad=$((fails + errs))
        passed=$((passed + checks - bad))
        failed=$((failed + bad))
    else
        failed=$((failed + 1))
        echo "  [$(basename "$bin")] no Check summary (exit $rc)"
    fi
    [ $rc -ne 0 ] && status=1
done
echo "$name: $passed passed, $failed failed"
[ $failed -ne 0 ] && status=1
exit $status
