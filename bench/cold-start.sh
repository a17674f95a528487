#!/usr/bin/env bash
# Cold start of the Lambda handler: N fresh JVMs, each constructing LambdaHandler and answering one
# POST /topics/public.cps.za.test (REST API event, valid token), against a broker started first in
# its own JVM. Prints per run and then median/min/max (ms) of:
#   jvm   launch of `java` -> ColdStartProbe.main     init  new LambdaHandler()
#   first the first handleRequest (202)                total launch -> first response
#
# Usage: bench/cold-start.sh [runs]          (default 5; needs `mvn -B -o package -DskipTests`)
# Environment:
#   JAVA_OPTS      JVM flags for the measured runs, e.g. "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
#   CDS=1          first build a class-data-sharing archive (one training run of the probe with
#                  -XX:ArchiveClassesAtExit, no broker), then run with it (-Xshare:on: a rejected
#                  archive fails the run rather than silently measuring without it)
#   EVENTGATE_PRIME=true   passed through: the handler primes itself at init (see LambdaHandler)
#   BENCH_CPUS     run the measured JVMs on these CPUs only (taskset list, e.g. 0), to see one core
#   BENCH_SETTLE   seconds to wait after the broker is up (default 5)
#   BENCH_TIMEOUT  seconds allowed per JVM (default 60); the broker gets 90 s to come up
#   IMAGE=1        measure the container image's start path instead: src/main/docker/lambda-entrypoint.sh
#                  runs the runtime interface client against a stand-in of the Lambda Runtime
#                  API (io.eventgate.bench.ImageColdStart), in target/cold-start/task laid out as
#                  the Dockerfile lays out /var/task (lib/: target/lib, target/image-lib and
#                  target/eventgate.jar; conf/, routes/);
#                  with CDS=1 the archive is made by the script's own --train, as the image build
#                  does. The script sets its JVM flags itself (JAVA_OPTS is not used; use
#                  JAVA_TOOL_OPTIONS). Times: init (launch -> first poll), first event, total.
#                  BENCH_CPUS applies to the function's JVM (the training is not pinned).
# The run layout is the Lambda package's, target/eventgate-lambda.zip unzipped into
# target/cold-start/task (the working dir: conf/, routes/), except that the classes and resources
# at its root are packed into task/lib/eventgate-app.jar: class-data sharing refuses a non-empty
# directory on the class path. Class path: "lib/*:probe.jar" (the probe alone in its jar).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
timeout_s=${BENCH_TIMEOUT:-60}
root=$PWD/target/cold-start
task=$root/task
probe=$root/probe
kafka_dir=$root/kafka

[ -f target/eventgate-lambda.zip ] && [ -f target/test-classes/io/eventgate/bench/ColdStartProbe.class ] || {
    echo "build first: mvn -B -o package -DskipTests" >&2; exit 2; }

rm -rf "$root" && mkdir -p "$task" "$probe/io/eventgate/bench" "$kafka_dir"
(cd "$task" && unzip -q ../../eventgate-lambda.zip \
    && app=$(ls -A | grep -vxE 'conf|routes|lib') && jar cf lib/eventgate-app.jar $app && rm -rf $app)
if [ "${IMAGE:-0}" = 1 ]; then  # the image's /var/task, as the Dockerfile copies it
    rm -rf "$task" && mkdir -p "$task/lib"
    cp target/lib/*.jar target/image-lib/*.jar target/eventgate.jar "$task/lib/"
    cp -r conf routes "$task/"
fi
cp target/test-classes/io/eventgate/bench/ColdStartProbe*.class "$probe/io/eventgate/bench/"
jar cf "$root/probe.jar" -C "$probe" .
cp_run="lib/*:$root/probe.jar"

# --- the broker, in its own JVM ---
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$root/test-cp" >/dev/null
java -cp "target/test-classes:target/classes:$(cat "$root/test-cp")" io.eventgate.dev.StandaloneKafka \
    "$kafka_dir" public.cps.za.test public.cps.za.dlchange public.cps.za.runs public.cps.za.status_change \
    >"$root/kafka.log" 2>&1 &
kafka_pid=$!
trap 'kill $kafka_pid 2>/dev/null || true; wait $kafka_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 450); do
    [ -s "$kafka_dir/token" ] && break
    kill -0 $kafka_pid 2>/dev/null || { echo "broker died:" >&2; tail -20 "$root/kafka.log" >&2; exit 1; }
    sleep 0.2
done
[ -s "$kafka_dir/token" ] || { echo "broker not up within 90 s" >&2; tail -20 "$root/kafka.log" >&2; exit 1; }
sleep "${BENCH_SETTLE:-5}"  # let the broker JVM finish its own start-up work before measuring

# --- optional CDS archive: a training run without the broker ---
if [ "${IMAGE:-0}" = 1 ]; then
    script=$PWD/src/main/docker/lambda-entrypoint.sh
    export LAMBDA_TASK_ROOT=$task EVENTGATE_JAVA=java EVENTGATE_CDS_ARCHIVE=$root/eventgate.jsa
    if [ "${CDS:-0}" = 1 ]; then
        "$script" --train >"$root/train.log" 2>&1 || {
            echo "CDS training run failed:" >&2; tail -20 "$root/train.log" >&2; exit 1; }
        tail -1 "$root/train.log"
    fi
    echo "image entry point, CDS archive: $([ -f "$EVENTGATE_CDS_ARCHIVE" ] && echo yes || echo no)  runs: $runs"
    EVENTGATE_KAFKA_BOOTSTRAP_SERVER="$(cat "$kafka_dir/bootstrap")" \
        EVENTGATE_TOKEN_PUBLIC_KEYS_URL="$(cat "$kafka_dir/keys-url")" BENCH_TOKEN_FILE="$kafka_dir/token" \
        java -cp "target/test-classes:target/classes:$(cat "$root/test-cp")" io.eventgate.bench.ImageColdStart \
        "$script" "$task" "$runs" | tee "$root/image-runs"
    grep -q "^IMAGE run=$runs " "$root/image-runs" || { echo "image runs failed (logs: $root/image-run-*.log)" >&2; exit 1; }
    sed -n 's/^IMAGE run=\([1-9][0-9]*\) init_ms=\([0-9]*\) first_event_ms=\([0-9]*\) total_ms=\([0-9]*\)/0 \2 \3 \4/p' \
        "$root/image-runs" >"$root/results"
    results=$root/results
fi

opts=${JAVA_OPTS:-}
if [ "${IMAGE:-0}" != 1 ] && [ "${CDS:-0}" = 1 ]; then
    (cd "$task" && env -u EVENTGATE_PRIME CONF_DIR=conf LOG_LEVEL=WARN timeout "$timeout_s" \
        java $opts -XX:ArchiveClassesAtExit="$root/eventgate.jsa" -cp "$cp_run" \
        io.eventgate.bench.ColdStartProbe train) >"$root/train.log" 2>&1 || {
        echo "CDS training run failed:" >&2; tail -20 "$root/train.log" >&2; exit 1; }
    echo "CDS archive: $(du -h "$root/eventgate.jsa" | cut -f1) ($(grep -c . "$root/train.log") log lines in $root/train.log)"
    opts="$opts -Xshare:on -XX:SharedArchiveFile=$root/eventgate.jsa"
fi

pin=()
[ -n "${BENCH_CPUS:-}" ] && pin=(taskset -c "$BENCH_CPUS")
[ "${IMAGE:-0}" = 1 ] || echo "JAVA_OPTS: ${opts:-(none)}  EVENTGATE_PRIME=${EVENTGATE_PRIME:-}  CPUs: ${BENCH_CPUS:-all}  runs: $runs"
results=$root/results
[ "${IMAGE:-0}" = 1 ] || : >"$results"
# Run 0 is not counted: it only warms the OS file cache, as every later run finds it.
for run in $( [ "${IMAGE:-0}" = 1 ] || seq 0 "$runs"); do
    log=$root/run-$run.log
    launch=$(date +%s%N)
    if ! (cd "$task" && CONF_DIR=conf AWS_LAMBDA_FUNCTION_NAME=cold-start-bench \
            EVENTGATE_KAFKA_BOOTSTRAP_SERVER="$(cat "$kafka_dir/bootstrap")" \
            EVENTGATE_TOKEN_PUBLIC_KEYS_URL="$(cat "$kafka_dir/keys-url")" \
            BENCH_TOKEN_FILE="$kafka_dir/token" \
            timeout "$timeout_s" "${pin[@]}" java $opts -cp "$cp_run" io.eventgate.bench.ColdStartProbe) >"$log" 2>&1; then
        echo "run $run failed (exit code above 0, or no answer within $timeout_s s):" >&2
        tail -20 "$log" >&2
        exit 1
    fi
    line=$(grep '^COLDSTART main_epoch_ms' "$log")
    launch_ms=$(( launch / 1000000 ))
    field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
    jvm=$(( $(field main_epoch_ms) - launch_ms ))
    total=$(( $(field end_epoch_ms) - launch_ms ))
    printf 'run %d%s: jvm %d ms, init %s ms, first event %s ms, total %d ms\n' \
        "$run" "$([ "$run" = 0 ] && echo ' (warm-up, not counted)')" "$jvm" "$(field init_ms)" "$(field first_event_ms)" "$total"
    [ "$run" = 0 ] || echo "$jvm $(field init_ms) $(field first_event_ms) $total" >>"$results"
done

stat() {  # column -> "median (min-max)"
    sort -n <(cut -d' ' -f"$1" "$results") | awk '{v[NR]=$1} END {
        m = NR % 2 ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
        printf "%.0f (%.0f-%.0f)", m, v[1], v[NR] }'
}
if [ "${IMAGE:-0}" = 1 ]; then
    echo "median (min-max) ms over $runs runs: init $(stat 2) | first event $(stat 3) | total $(stat 4)"
else
    echo "median (min-max) ms over $runs runs: jvm $(stat 1) | init $(stat 2) | first event $(stat 3) | total $(stat 4)"
fi
