#!/usr/bin/env bash
# The long fault runs of RELIABILITY.md: io.eventgate.reliability.FaultRunTest with each fault held
# for <seconds> (default 30) and EventGate's default sink deadline, 5000 ms. The short form (2 s per
# fault, 1500 ms deadline) runs in the normal build.
# Usage: bench/reliability.sh [seconds-per-fault] [sink-deadline-ms]
# Writes target/reliability/report-long.md (the report, with commit and machine) and keeps the
# build's output in target/reliability/mvn-test.log.
set -euo pipefail
cd "$(dirname "$0")/.."
fault_seconds=${1:-30}
deadline_ms=${2:-5000}
out=target/reliability
mkdir -p "$out"
rm -f "$out/report.md"
commit=$(git rev-parse --short HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then commit="$commit (with uncommitted changes)"; fi
started=$(date +%s)
status=passed
LOG_LEVEL=${LOG_LEVEL:-WARN} mvn -B -o test -Dtest=FaultRunTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfault.seconds="$fault_seconds" -Dfault.sink_timeout_ms="$deadline_ms" >"$out/mvn-test.log" 2>&1 || status=FAILED
elapsed=$(( $(date +%s) - started ))
{
    echo "<!-- bench/reliability.sh $fault_seconds $deadline_ms: $status in $elapsed s; commit $commit;" \
        "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //');" \
        "$(java -version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%MZ) -->"
    echo
    if [ -f "$out/report.md" ]; then cat "$out/report.md"; else echo "(no report: see $out/mvn-test.log)"; fi
} >"$out/report-long.md"
grep -E "Tests run:|FaultRunTest: " "$out/mvn-test.log" || true
echo "bench/reliability.sh: $status in $elapsed s; report: $out/report-long.md"
[ "$status" = passed ]
