#!/usr/bin/env bash
# Publish throughput and latency over HTTP: `java -jar target/eventgate.jar` with the Kafka sink
# (acks=all, idempotent) to an in-JVM broker, loaded by wrk on loopback for a fixed time.
# Usage: bench/throughput.sh [seconds] [connections]   (needs wrk, `mvn -B package -DskipTests`
# and the test classes compiled: `mvn -B test-compile`)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
connections=${2:-16}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp" >/dev/null
java -cp "target/test-classes:target/classes:$(cat "$work/cp")" io.eventgate.dev.StandaloneKafka "$work" >"$work/kafka.log" 2>&1 &
kafka_pid=$!
gw=
trap 'kill $kafka_pid ${gw:-} 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do [ -s "$work/token" ] && break; sleep 0.2; done
port=18081
CAMEL_SERVER_PORT=$port EVENTGATE_KAFKA_BOOTSTRAP_SERVER=$(cat "$work/bootstrap") \
    EVENTGATE_TOKEN_PUBLIC_KEYS_URL=$(cat "$work/keys-url") LOG_LEVEL=WARN \
    java ${JAVA_OPTS:-} -jar target/eventgate.jar >"$work/gw.log" 2>&1 &
gw=$!
for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:$port/health" && break; sleep 0.1; done
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $(cat "$work/token")"
wrk.body = '{"event_id":"bench","tenant_id":"BNCH","source_app":"wrk","environment":"dev","timestamp":1732000000000,"additional_info":{"n":1}}'
local statuses = {}
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
done = function() end
LUA
# Warm-up, then the measured run.
wrk -t2 -c"$connections" -d5s -s "$work/post.lua" "http://127.0.0.1:$port/topics/public.cps.za.test" >/dev/null
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port/topics/public.cps.za.test"
echo "non-202 answers in the gateway log:"; grep -c "failed in" "$work/gw.log" || true
