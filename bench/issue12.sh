#!/usr/bin/env bash
# The request-path benchmarks of issue 12, in one run (io.eventgate.bench.Issue12Bench):
#   - the per-event floor: RS256 verify, JSON parse, schema validation (one thread, own JVM);
#   - EventGate (`java $EVENTGATE_JAVA_OPTS -jar target/eventgate.jar`, Kafka sink only) side by side
#     with a bare KafkaProducer (own JVM; same broker, record, acks=all, idempotence) at 1, 16 and 64
#     clients: throughput, p50, p99, CPU µs per event, and the ratios; EventGate's VmRSS after 60 s at 64;
#   - the broker paused (kill -STOP) for 20 s under 16 publishing clients: GET /topics latency and
#     every publish's answer and latency;
#   - 1,000 slow clients (headers, then 1 byte/s, no token): GET /health latency and publish
#     throughput at 16 clients, against the same without them.
# Broker (io.eventgate.dev.StandaloneKafka), EventGate, the baseline and the load generator (our own,
# plain sockets, keep-alive HTTP/1.1) all run on this machine, each in its own JVM.
#
# Usage: bench/issue12.sh [--smoke] [--first-202 [runs]] [Issue12Bench options]
#   --smoke          a few seconds per step (CI keeps the benchmark working; figures mean nothing)
#   --first-202 N    afterwards, also bench/first-202.sh N (java -jar to the first 202), with
#                    JAVA_OPTS=$EVENTGATE_JAVA_OPTS
#   options          --seconds N (10), --warmup N (5), --clients 1,16,64, --pause N (20), --slow N (1000),
#                    --rss-seconds N (60), --only floor,side,paused,slow
# Environment: EVENTGATE_JAVA_OPTS  EventGate's JVM flags (default: the README's launch settings,
#                                   "@jvm.options -XX:SharedArchiveFile=target/eventgate.jsa")
#              EVENTGATE_*          settings passed to EventGate (the smoke run sets EVENTGATE_SINK_TIMEOUT_MS=1000
#                                   unless given, so that its 3 s pause outlasts the deadline)
#              BENCH_LOADGEN_OPTS   JVM flags of the load generator's JVM
# Needs: mvn -B -o package -DskipTests && mvn -B -o test-compile   (mvn verify also does)
# Output: Markdown on stdout and in target/bench/issue12.md (also copied to target/bench/issue12-<time>.md);
#         child logs in target/bench/logs/. Exit code 1 when a step did not run as intended.
set -euo pipefail
cd "$(dirname "$0")/.."

first202=0
args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --first-202)
            first202=5
            if [ $# -gt 1 ] && [[ "$2" =~ ^[0-9]+$ ]]; then first202=$2; shift; fi ;;
        *) args+=("$1") ;;
    esac
    shift
done

[ -f target/eventgate.jar ] && [ -f target/test-classes/io/eventgate/bench/Issue12Bench.class ] || {
    echo "build first: mvn -B -o package -DskipTests && mvn -B -o test-compile" >&2; exit 2; }

# EventGate starts the way the README says (jvm.options and the CDS archive) unless told otherwise;
# EVENTGATE_JAVA_OPTS= (empty) measures JVM defaults.
export EVENTGATE_JAVA_OPTS="${EVENTGATE_JAVA_OPTS-@jvm.options -XX:SharedArchiveFile=target/eventgate.jsa}"

out=target/bench
mkdir -p "$out"
if [ ! -s "$out/test-cp" ] || [ pom.xml -nt "$out/test-cp" ]; then
    mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-cp" >/dev/null
fi
cp_all="$PWD/target/test-classes:$PWD/target/classes:$(cat "$out/test-cp")"

# 1,000 slow connections plus the rest: each side needs more than 1,024 descriptors.
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
    ulimit -n 4096 2>/dev/null || echo "warning: open file limit $(ulimit -n), could not raise it to 4096" >&2
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
code=$(git log -1 --format=%h -- src/main pom.xml conf routes 2>/dev/null || echo unknown)
[ "$code" = "$commit" ] || commit="$commit (EventGate's code: src/main, pom.xml, conf, routes as of $code)"
if [ -n "$(git status --porcelain -- src/main pom.xml conf routes 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes to EventGate's code"
fi

# One run at a time in this working copy (they share target/bench).
exec 9>"$out/.lock"
flock -n 9 || { echo "another bench/issue12.sh is running in this working copy" >&2; exit 2; }

# The Java side stops its children itself (also from a shutdown hook); this is for a hard kill of it.
pids=$out/children.pids
rm -f "$pids"
cleanup() {
    [ -f "$pids" ] || return 0
    while read -r pid name; do
        if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q java; then
            kill -CONT "$pid" 2>/dev/null || true
            kill "$pid" 2>/dev/null || true
            echo "stopped leftover $name ($pid)" >&2
        fi
    done <"$pids"
}
trap cleanup EXIT

start=$(date +%s)
rc=0
java ${BENCH_LOADGEN_OPTS:-} -Dbench.cp="$cp_all" -Dbench.commit="$commit" -Dbench.clkTck="$(getconf CLK_TCK)" \
    -Dbench.out="$out" -cp "$cp_all" io.eventgate.bench.Issue12Bench "${args[@]}" || rc=$?

if [ "$first202" -gt 0 ]; then
    {
        echo "### \`java -jar\` to the first 202 (\`bench/first-202.sh $first202\`, JAVA_OPTS: ${EVENTGATE_JAVA_OPTS:-none})"
        echo
        echo '```'
        JAVA_OPTS="${EVENTGATE_JAVA_OPTS:-}" bench/first-202.sh "$first202" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || rc=1
        echo '```'
        echo
    } | tee -a "$out/issue12.md"
fi
cp "$out/issue12.md" "$out/issue12-$(date +%Y%m%d-%H%M%S).md"
echo "report: $out/issue12.md ($(( $(date +%s) - start )) s)" >&2
exit $rc
