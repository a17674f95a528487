#!/bin/sh
# EventGate's entry point in the Lambda container image (see the Dockerfile).
#
#   lambda-entrypoint.sh <handler>           run the function: what Lambda starts (CMD gives the handler)
#   lambda-entrypoint.sh --train [handler]   write the class-data-sharing archive (a RUN step of the
#                                            image build: it must be made by the image's own JVM)
#
# It starts the JVM itself, instead of the base image's runtime, so that it can add the archive
# (-XX:SharedArchiveFile) that the managed runtime's own command line would override. The flags are
# those the managed java17 runtime uses: C1 only, the serial collector, a heap of 85 % of the
# function's memory. JAVA_TOOL_OPTIONS still applies.
#
# The class path is $LAMBDA_TASK_ROOT/lib/*.jar only, EventGate's classes included as a jar:
# class-data sharing refuses a non-empty directory on the class path.
#
# Environment: LAMBDA_TASK_ROOT (default /var/task), EVENTGATE_JAVA (default /var/lang/bin/java),
# EVENTGATE_CDS_ARCHIVE (default $LAMBDA_TASK_ROOT/eventgate.jsa), EVENTGATE_CDS=off to start without
# the archive. Without AWS_LAMBDA_RUNTIME_API (a local `docker run`), it runs under the runtime
# interface emulator of the base image, as the base image's own entry point does.
set -eu
task=${LAMBDA_TASK_ROOT:-/var/task}
java=${EVENTGATE_JAVA:-/var/lang/bin/java}
archive=${EVENTGATE_CDS_ARCHIVE:-$task/eventgate.jsa}
handler=io.eventgate.frontdoor.LambdaHandler::handleRequest
ric=com.amazonaws.services.lambda.runtime.api.client.AWSLambda
heap_kb=$(( ${AWS_LAMBDA_FUNCTION_MEMORY_SIZE:-1024} * 1024 * 85 / 100 ))
jvm="-XX:MaxHeapSize=${heap_kb}k -XX:+UseSerialGC -XX:+TieredCompilation -XX:TieredStopAtLevel=1
     --add-opens=java.base/java.io=ALL-UNNAMED -XX:+ErrorFileToStderr"
cd "$task"

if [ "${1:-}" = "--train" ]; then
    rm -f "$archive"
    scratch=$(mktemp -d)  # the training's throw-away key, removed after
    AWS_LAMBDA_RUNTIME_API=127.0.0.1:${EVENTGATE_TRAINING_PORT:-9001} CONF_DIR=${CONF_DIR:-conf} \
        "$java" $jvm -Djava.io.tmpdir="$scratch" -XX:ArchiveClassesAtExit="$archive" -cp "$task/lib/*" \
        io.eventgate.frontdoor.CdsTraining "${2:-$handler}" || { rm -rf "$scratch"; exit 1; }
    rm -rf "$scratch"
    [ -s "$archive" ] || { echo "no archive was written to $archive" >&2; exit 1; }
    echo "class-data-sharing archive: $archive ($(du -k "$archive" | cut -f1) kB)"
    exit 0
fi

if [ -f "$archive" ] && [ "${EVENTGATE_CDS:-on}" != off ]; then
    # auto: an archive this JVM does not accept is skipped with a warning, never a failed start
    jvm="$jvm -Xshare:auto -XX:SharedArchiveFile=$archive"
fi
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ] && [ -x /usr/local/bin/aws-lambda-rie ]; then
    exec /usr/local/bin/aws-lambda-rie "$java" $jvm -cp "$task/lib/*" "$ric" "${1:-$handler}"
fi
exec "$java" $jvm -cp "$task/lib/*" "$ric" "${1:-$handler}"
