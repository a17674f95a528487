package io.eventgate.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.frontdoor.LambdaHandler;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.RawHttp;
import io.eventgate.testsupport.RunningGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input suite of issue 9: a table of requests that EventGate must refuse
 * ({@link HostileCases}), each sent over real HTTP to a gateway whose sinks are a real Kafka broker
 * and a real Postgres, and then, where it applies, to the Lambda handler as REST API (1.0) and HTTP
 * API (2.0) proxy events, with the same sinks.
 *
 * <p>For each case: the status; the contract's error body ({@code success} false, {@code statusCode}
 * the status, one error of the expected type whose message says what is wrong); nothing internal in
 * the answer (no class or package names, no host or port of the test's servers, no stack trace);
 * then a valid event gets 202 right after it; and the refused event is neither in its Kafka topic
 * before that valid one nor in any Postgres table (where the valid one is). A last sweep reads every
 * topic to its end for any refused event.
 *
 * <p>The gateway requires a token audience and issuer ({@link HostileTokens}), has a user whose field
 * constraint would backtrack exponentially in java.util.regex, and a short body timeout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    static final String TEST = "public.cps.za.test";
    static final String RUNS = "public.cps.za.runs";
    static final String STATUS_CHANGE = "public.cps.za.status_change";
    static final String DLCHANGE = "public.cps.za.dlchange";
    static final String REDOS_USER = "BacktrackUser";
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final long BODY_TIMEOUT_MS = 1000;
    private static final String FUNCTION = "hostile-event-gate";

    /** Per topic: who may write it, and a valid event of it whose id (and, for status_change, job id) is the given one. */
    private static final Map<String, String> WRITER = Map.of(TEST, "TestUser", RUNS, "FooBarUser", STATUS_CHANGE, "TestUser");
    private static final Map<String, Function<String, String>> VALID = Map.of(
            TEST, Events::test,
            RUNS, id -> Events.runs(id, "restricted-app", "dev", "avms"),
            STATUS_CHANGE, id -> Events.statusChange(id, id, "RUNNING"));

    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;
    private static RunningGateway gateway;
    private static LambdaHandler lambda;
    private static HostileTokens tokens;
    private static SinkReadBack sinks;
    /** What an answer must not hold: names of code, and the hosts and ports of this test's servers. */
    private static final List<String> internals = new ArrayList<>(List.of(
            "Exception", "exception", "com.", "org.", "java.", "javax.", "io.eventgate", "io.netty", "io.vertx",
            "jackson", "Jackson", "StreamReadConstraints", "DeserializationFeature", "JsonNode", "\tat ", "Caused by",
            "`", "REDACTED", "Feature",
            "127.0.0.1", "localhost", "jdbc", "postgres://", "SQLSTATE"));
    private static final List<String> refused = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        kafka = EmbeddedKafka.start();
        for (String topic : List.of(TEST, RUNS, STATUS_CHANGE, DLCHANGE)) {
            kafka.createTopic(topic);
        }
        Path conf = ExampleConf.copy();
        // (a+)+b: a run of a's that does not end in b costs java.util.regex 2^n steps; RE2/J reads it once.
        ExampleConf.editAccess(conf, access -> ((ObjectNode) access.get(RUNS))
                .putObject(REDOS_USER).putArray("source_app").add("(a+)+b").add("(a|aa)+b"));
        Map<String, String> settings = new HashMap<>(Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.postgres.host", "localhost",
                "eventgate.postgres.port", String.valueOf(postgres.getPort()),
                "eventgate.postgres.database", "postgres",
                "eventgate.postgres.user", "postgres",
                "eventgate.postgres.migrate", "true",
                "eventgate.token_audience", HostileTokens.AUDIENCE,
                "eventgate.token_issuer", HostileTokens.ISSUER,
                "eventgate.http.body_timeout_ms", String.valueOf(BODY_TIMEOUT_MS)));
        settings.put("eventgate.max_body_bytes", String.valueOf(MAX_BODY_BYTES));
        gateway = RunningGateway.start(settings);
        tokens = new HostileTokens(gateway.tokens());

        Map<String, String> lambdaSettings = new HashMap<>(settings);
        lambdaSettings.put("eventgate.token_public_keys_url", gateway.tokens().keysUrl());
        lambdaSettings.put("eventgate.token_public_key_url", "");
        lambda = lambdaHandler(lambdaSettings);

        sinks = new SinkReadBack(kafka.bootstrapServers(), postgres.getPostgresDatabase());
        internals.add(String.valueOf(gateway.uri("/").getPort()));
        internals.add(kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
        internals.add(String.valueOf(postgres.getPort()));
    }

    /**
     * The Lambda handler as the tests of its own package make it (settings that win over the rest, a
     * function name): its constructor for that is package-private, the public one reads the environment.
     */
    private static LambdaHandler lambdaHandler(Map<String, String> settings) throws Exception {
        Constructor<LambdaHandler> constructor = LambdaHandler.class.getDeclaredConstructor(
                ConfigReader.class, Map.class, String.class, Duration.class);
        constructor.setAccessible(true);
        LambdaHandler handler = constructor.newInstance(ConfigReader.LOCAL_ONLY, settings, FUNCTION, LambdaHandler.INIT_RETRY_INTERVAL);
        Map<String, Object> topics = handler.handleRequest(ProxyEvents.v1(new HostileCase("topics").request("GET", "/topics")), null);
        assertEquals(200, topics.get("statusCode"), () -> "the Lambda handler did not start: " + topics);
        return handler;
    }

    @AfterAll
    static void stop() throws Exception {
        if (sinks != null) {
            sinks.close();
        }
        if (lambda != null) {
            Method stop = LambdaHandler.class.getDeclaredMethod("stop");
            stop.setAccessible(true);
            stop.invoke(lambda);
        }
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    static Stream<HostileCase> cases() {
        List<HostileCase> all = HostileCases.all(tokens, MAX_BODY_BYTES);
        assertTrue(all.size() >= 85, all.size() + " cases");
        assertEquals(all.size(), all.stream().map(c -> c.marker).distinct().count(), "a marker for each case");
        assertEquals(all.size(), all.stream().map(c -> c.name).distinct().count(), "a name for each case");
        return all.stream();
    }

    static Stream<Arguments> lambdaCases() {
        List<HostileCase> applicable = HostileCases.all(tokens, MAX_BODY_BYTES).stream().filter(c -> c.lambda != null).toList();
        return Stream.of(ProxyEvents.Version.values())
                .flatMap(version -> applicable.stream().map(c -> Arguments.of(version, c)));
    }

    // --- over HTTP ---

    @Order(1)
    @ParameterizedTest(name = "HTTP: {0}")
    @MethodSource("cases")
    void overHttpEachIsRefusedAndReachesNoSink(HostileCase c) throws IOException {
        refused.add(c.marker);
        long started = System.nanoTime();
        RawHttp.Answer answer;
        long elapsedMs;
        try (RawHttp connection = RawHttp.connect(gateway.uri("/").getPort(), 10_000)) {
            try {
                connection.send(c.httpRequest());
            } catch (RuntimeException e) {
                // the server may close a connection whose request it has refused before all of it was sent
            }
            answer = connection.read();
            elapsedMs = (System.nanoTime() - started) / 1_000_000;
            if (c.closes) {
                assertEquals("close", answer.header("Connection"), answer.head());
                assertTrue(connection.closedByServer(), "the connection stays open after " + answer.head());
            }
        }

        assertFalse(answer.head().contains("HTTP/1.1 100"), "an interim 100 Continue: " + answer.head());
        assertContractError(c.http, answer.status(), answer.header("Content-Type"), answer.head() + answer.body());
        assertTimely(c, elapsedMs);

        String next = Events.id();
        HttpResponse<String> accepted = gateway.post("/topics/" + c.topic, tokens.valid(WRITER.get(c.topic)),
                VALID.get(c.topic).apply(next));
        assertEquals(202, accepted.statusCode(), "the valid event right after: " + accepted.body());
        assertReachedNoSink(c, next);
    }

    // --- through the Lambda handler ---

    @Order(2)
    @ParameterizedTest(name = "Lambda {0}: {1}")
    @MethodSource("lambdaCases")
    void throughLambdaEachIsRefusedAndReachesNoSink(ProxyEvents.Version version, HostileCase c) {
        refused.add(c.marker);
        long started = System.nanoTime();
        Map<String, Object> response = lambda.handleRequest(ProxyEvents.of(version, c), null);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(false, response.get("isBase64Encoded"), response::toString);
        @SuppressWarnings("unchecked")
        Map<String, String> headers = (Map<String, String>) response.get("headers");
        assertEquals(Map.of("Content-Type", "application/json"), headers, "nothing of the request comes back");
        assertContractError(c.lambda, (Integer) response.get("statusCode"), headers.get("Content-Type"), (String) response.get("body"));
        assertTimely(c, elapsedMs);

        String next = Events.id();
        HostileCase valid = new HostileCase("valid").request("POST", "/topics/" + c.topic)
                .bearer(tokens.valid(WRITER.get(c.topic))).body(VALID.get(c.topic).apply(next));
        Map<String, Object> accepted = lambda.handleRequest(ProxyEvents.of(version, valid), null);
        assertEquals(202, accepted.get("statusCode"), () -> "the valid event right after: " + accepted.get("body"));
        assertReachedNoSink(c, next);
    }

    // --- the limit itself is accepted ---

    @Order(3)
    @Test
    void aBodyOfExactlyMaxBodyBytesIsAcceptedByBothFrontDoorsAndEverySink() {
        String overHttp = Events.id();
        String body = HostileCases.padTo(Events.test(overHttp), MAX_BODY_BYTES);
        assertEquals(MAX_BODY_BYTES, body.getBytes(StandardCharsets.UTF_8).length);
        HttpResponse<String> response = gateway.post("/topics/" + TEST, tokens.valid("TestUser"), body);
        assertEquals(202, response.statusCode(), response.body());
        sinks.assertPostgresPresent(overHttp);
        sinks.assertKafkaHoldsOnce(TEST, overHttp);

        for (ProxyEvents.Version version : ProxyEvents.Version.values()) {
            String id = Events.id();
            HostileCase request = new HostileCase("max").request("POST", "/topics/" + TEST)
                    .bearer(tokens.valid("TestUser")).body(HostileCases.padTo(Events.test(id), MAX_BODY_BYTES));
            Map<String, Object> answer = lambda.handleRequest(ProxyEvents.of(version, request), null);
            assertEquals(202, answer.get("statusCode"), () -> version + ": " + answer.get("body"));
            sinks.assertPostgresPresent(id);
            sinks.assertKafkaHoldsOnce(TEST, id);
        }
    }

    /** The last check: every topic read to its end holds none of the refused events. */
    @Order(4)
    @Test
    void noRefusedEventIsInAnyTopicAtTheEnd() {
        assertTrue(refused.size() > 80, "the cases ran first: " + refused.size());
        for (String topic : List.of(TEST, RUNS, STATUS_CHANGE, DLCHANGE)) {
            List<String> all = sinks.readAll(topic);
            for (String marker : refused) {
                assertTrue(all.stream().noneMatch(v -> v.contains(marker)), "refused " + marker + " is in " + topic);
            }
        }
        for (String marker : refused) {
            sinks.assertPostgresAbsent(marker);
        }
    }

    // --- assertions ---

    /** The contract's error body, and nothing internal in the answer. */
    private static void assertContractError(HostileCase.Expect expect, int status, String contentType, String answer) {
        assertEquals(expect.status(), status, answer);
        assertEquals("application/json", contentType, answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") < 0 ? 0 : answer.indexOf("\r\n\r\n") + 4);
        JsonNode error = json(body);
        assertEquals(Map.of("success", false, "statusCode", expect.status()),
                Map.of("success", error.path("success").asBoolean(true), "statusCode", error.path("statusCode").asInt()), body);
        assertEquals(expect.errors(), error.path("errors").size(), body);
        boolean told = false;
        for (JsonNode each : error.path("errors")) {
            assertEquals(List.of("type", "message"), fieldNames(each), body);
            assertEquals(expect.type(), each.path("type").asText(), body);
            told |= each.path("message").asText().contains(expect.fragment());
        }
        assertTrue(told, () -> "no message with '" + expect.fragment() + "': " + body);
        for (String internal : internals) {
            assertFalse(answer.contains(internal), () -> "the answer gives away '" + internal + "': " + answer);
        }
    }

    private static void assertTimely(HostileCase c, long elapsedMs) {
        if (c.withinMillis > 0) {
            assertTrue(elapsedMs < c.withinMillis, c.name + " answered after " + elapsedMs + " ms");
        }
    }

    private static void assertReachedNoSink(HostileCase c, String acceptedId) {
        sinks.assertPostgresPresent(acceptedId);
        sinks.assertPostgresAbsent(c.marker);
        sinks.assertKafkaAbsentBefore(c.topic, c.marker, acceptedId);
    }

    /** The field names of a JSON object, in order. */
    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
