#!/usr/bin/env bash
# Time from `java -jar target/eventgate.jar` to the first 202, with an in-JVM broker started first.
# Usage: bench/first-202.sh [runs]   (needs `mvn -B package -DskipTests` and test classes compiled)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null
java -cp "target/test-classes:target/classes:$(cat "$work/cp")" io.eventgate.dev.StandaloneKafka "$work" >"$work/kafka.log" 2>&1 &
kafka_pid=$!
trap 'kill $kafka_pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do [ -s "$work/token" ] && break; sleep 0.2; done
port=18080
body='{"event_id":"bench","tenant_id":"T","source_app":"bench","environment":"dev","timestamp":1}'
for run in $(seq 1 "$runs"); do
    start=$(date +%s%N)
    CAMEL_SERVER_PORT=$port EVENTGATE_KAFKA_BOOTSTRAP_SERVER=$(cat "$work/bootstrap") \
        EVENTGATE_TOKEN_PUBLIC_KEYS_URL=$(cat "$work/keys-url") LOG_LEVEL=WARN \
        java ${JAVA_OPTS:-} -jar target/eventgate.jar >"$work/gw.log" 2>&1 &
    gw=$!
    status=000
    deadline=$(( $(date +%s) + 60 ))
    while [ "$status" != "202" ]; do
        if [ "$(date +%s)" -gt "$deadline" ] || ! kill -0 $gw 2>/dev/null; then
            echo "run $run: no 202 within 60 s; log:" >&2; tail -20 "$work/gw.log" >&2; exit 1
        fi
        status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/topics/public.cps.za.test" \
            -H "Authorization: Bearer $(cat "$work/token")" -H 'Content-Type: application/json' -d "$body" || true)
        [ "$status" = "202" ] || sleep 0.02
    done
    end=$(date +%s%N)
    echo "run $run: first 202 after $(( (end - start) / 1000000 )) ms"
    kill $gw; wait $gw 2>/dev/null || true
done
