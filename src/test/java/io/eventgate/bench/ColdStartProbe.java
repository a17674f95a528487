package io.eventgate.bench;

import io.eventgate.frontdoor.CdsTraining;
import io.eventgate.frontdoor.LambdaHandler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One cold start of the Lambda handler, run by {@code bench/cold-start.sh} in a fresh JVM with the
 * Lambda package's class path: it constructs {@link LambdaHandler} the way the Lambda runtime does
 * (no-argument constructor, settings from {@code CONF_DIR} and {@code EVENTGATE_*} variables), then
 * hands it one REST API (1.0) {@code POST /topics/public.cps.za.test} event and prints one line:
 * <pre>COLDSTART main_epoch_ms=.. init_ms=.. first_event_ms=.. end_epoch_ms=.. status=202</pre>
 * The script measures the launch itself, so "JVM start" is {@code main_epoch_ms} minus its clock.
 *
 * <p>Modes (first argument):
 * <ul>
 *   <li>{@code publish} (default): the token is the file named by {@code BENCH_TOKEN_FILE}; the
 *       answer must be 202, else the exit code is 1.</li>
 *   <li>{@code train}: for building a class-data-sharing archive without a broker. It makes its own
 *       signing key and points Kafka at a closed port ({@link CdsTraining#offline()}), then sends
 *       the requests that load most of the classes a real instance needs: a publish (refused by
 *       the sink), an unauthenticated publish (401), {@code GET /topics} and {@code GET /health}.
 *       Any answer is fine.</li>
 * </ul>
 * The JVM ends with {@link Runtime#halt} (which still writes an {@code -XX:ArchiveClassesAtExit}
 * archive) without stopping Camel: Lambda freezes and discards instances rather than stopping them,
 * and Camel's shutdown hook would wait for its graceful-shutdown timeout.
 */
public final class ColdStartProbe {

    private static final String TOPIC = "public.cps.za.test";

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        long mainEpochMs = System.currentTimeMillis();
        boolean train = args.length > 0 && args[0].equals("train");
        String token = train ? CdsTraining.offline() : null;

        long initStart = System.nanoTime();
        LambdaHandler handler = new LambdaHandler();
        long initEnd = System.nanoTime();

        if (!train) {
            token = Files.readString(Path.of(System.getenv("BENCH_TOKEN_FILE"))).trim();
        }
        Map<String, Object> event = publishEvent(token, testEvent());
        long firstStart = System.nanoTime();
        Map<String, Object> response = handler.handleRequest(event, null);
        long firstEnd = System.nanoTime();
        long endEpochMs = System.currentTimeMillis();
        Object status = response.get("statusCode");

        if (train) {
            handler.handleRequest(publishEvent(null, testEvent()), null);
            handler.handleRequest(getEvent("/topics"), null);
            handler.handleRequest(getEvent("/health"), null);
        }
        System.out.printf("COLDSTART main_epoch_ms=%d init_ms=%.1f first_event_ms=%.1f end_epoch_ms=%d status=%s%n",
                mainEpochMs, (initEnd - initStart) / 1e6, (firstEnd - firstStart) / 1e6, endEpochMs, status);
        if (!train && !Integer.valueOf(202).equals(status)) {
            System.out.println("COLDSTART body=" + response.get("body"));
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    static String testEvent() {
        return "{\"event_id\": \"" + UUID.randomUUID() + "\", \"tenant_id\": \"DEMO\", \"source_app\": \"bench\","
                + " \"environment\": \"dev\", \"timestamp\": " + System.currentTimeMillis() + "}";
    }

    /** A REST API (1.0) proxy event as the Lambda runtime hands it over: plain maps and lists. */
    static Map<String, Object> publishEvent(String token, String body) {
        Map<String, Object> event = restEvent("POST", "/topics/" + TOPIC, "/topics/{topic_name}");
        Map<String, Object> headers = headers(event);
        headers.put("Content-Type", "application/json");
        if (token != null) {
            headers.put("Authorization", "Bearer " + token);
        }
        Map<String, Object> multi = new HashMap<>();
        headers.forEach((name, value) -> multi.put(name, List.of(value)));
        event.put("multiValueHeaders", multi);
        event.put("pathParameters", Map.of("topic_name", TOPIC));
        event.put("body", body);
        return event;
    }

    private static Map<String, Object> getEvent(String path) {
        Map<String, Object> event = restEvent("GET", path, path);
        Map<String, Object> multi = new HashMap<>();
        headers(event).forEach((name, value) -> multi.put(name, List.of(value)));
        event.put("multiValueHeaders", multi);
        return event;
    }

    private static Map<String, Object> restEvent(String method, String path, String resource) {
        Map<String, Object> event = new HashMap<>();
        event.put("resource", resource);
        event.put("path", path);
        event.put("httpMethod", method);
        Map<String, Object> headers = new HashMap<>();
        headers.put("Accept", "*/*");
        headers.put("Host", "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com");
        headers.put("User-Agent", "cold-start-probe");
        event.put("headers", headers);
        Map<String, Object> context = new HashMap<>();
        context.put("resourcePath", resource);
        context.put("httpMethod", method);
        context.put("path", "/DEV" + path);
        context.put("stage", "DEV");
        context.put("requestId", UUID.randomUUID().toString());
        event.put("requestContext", context);
        event.put("isBase64Encoded", false);
        return event;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> headers(Map<String, Object> event) {
        return (Map<String, Object>) event.get("headers");
    }
}
