#!/usr/bin/env bash
# The batch publish benchmark of issue 11 (io.eventgate.bench.BatchBench): EventGate
# (`java $EVENTGATE_JAVA_OPTS -jar target/eventgate.jar`, Kafka sink only) and a broker
# (io.eventgate.dev.StandaloneKafka), each in its own JVM, the load generator (plain sockets, keep-alive
# HTTP/1.1) in a third; POST /topics/{topic}/batch with 100 x 1 KB events and POST /topics/{topic} with one,
# alternating in the same run, at 16 clients: events/s, p50/p99, CPU µs per event, and the ratios.
#
# Usage: bench/batch.sh [--smoke] [BatchBench options]
#   --smoke          a second per point (CI keeps the benchmark working; figures mean nothing)
#   options          --seconds N (10), --warmup N (5), --clients N (16), --events N (100), --rounds N (2)
#   --ledger-before JAR   instead: the shared delivery ledger (delivery.repository=jdbc, table on an embedded
#                    Postgres), batches only, this working copy's jar ("after") and JAR ("before", e.g. built
#                    from an older commit in a second worktree) side by side in one run; ratios after / before
#                    of events/s and of EventGate's and Postgres's CPU per event (target/bench/batch-ledger.md)
# Environment: EVENTGATE_JAVA_OPTS  EventGate's JVM flags (default: the README's launch settings,
#                                   "@jvm.options -XX:SharedArchiveFile=target/eventgate.jsa")
#              EVENTGATE_*          settings passed to EventGate (EVENTGATE_SINK_MAX_IN_FLIGHT defaults to
#                                   2 x clients x events here: a batch holds one bulkhead place per event)
# Needs: mvn -B -o package -DskipTests && mvn -B -o test-compile   (mvn verify also does)
# Output: Markdown on stdout and in target/bench/batch.md; child logs in target/bench/logs/batch-*.log.
# Exit code 1 when a step did not run as intended (not when the target is missed).
set -euo pipefail
cd "$(dirname "$0")/.."

[ -f target/eventgate.jar ] && [ -f target/test-classes/io/eventgate/bench/BatchBench.class ] || {
    echo "build first: mvn -B -o package -DskipTests && mvn -B -o test-compile" >&2; exit 2; }

export EVENTGATE_JAVA_OPTS="${EVENTGATE_JAVA_OPTS-@jvm.options -XX:SharedArchiveFile=target/eventgate.jsa}"

out=target/bench
mkdir -p "$out"
if [ ! -s "$out/test-cp" ] || [ pom.xml -nt "$out/test-cp" ]; then
    mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/test-cp" >/dev/null
fi
cp_all="$PWD/target/test-classes:$PWD/target/classes:$(cat "$out/test-cp")"

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain -- src/main pom.xml conf routes 2>/dev/null)" ]; then
    commit="$commit + uncommitted changes to EventGate's code"
fi

exec 9>"$out/.batch-lock"
flock -n 9 || { echo "another bench/batch.sh is running in this working copy" >&2; exit 2; }

java ${BENCH_LOADGEN_OPTS:-} -Dbench.cp="$cp_all" -Dbench.commit="$commit" -Dbench.clkTck="$(getconf CLK_TCK)" \
    -Dbench.out="$out" -cp "$cp_all" io.eventgate.bench.BatchBench "$@"
