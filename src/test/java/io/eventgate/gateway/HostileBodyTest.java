package io.eventgate.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies made to slip past the checks (issue 9): each is refused before any sink sees it, and the
 * next valid event is accepted. Real HTTP, the Kafka sink only, and a user whose field constraint is
 * a pattern that backtracks badly in java.util.regex.
 */
class HostileBodyTest {

    private static final String RUNS = "public.cps.za.runs";
    private static final String TEST = "public.cps.za.test";
    private static final int MIB = 1024 * 1024;

    private static String bootstrap;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        bootstrap = SharedKafka.bootstrapServers();
        Path conf = ExampleConf.copy();
        ExampleConf.editAccess(conf, access -> ((ObjectNode) access.get(RUNS))
                .putObject("PatternUser").putArray("source_app").add(".*-.*-app"));
        // Room for a constrained value of 1 MiB in a body.
        gateway = RunningGateway.start(Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.max_body_bytes", String.valueOf(2 * MIB)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static Stream<Arguments> invalidUtf8() {
        return Stream.of(
                Arguments.of("an overlong '-' (C0 AD), which a lenient decoder reads as restricted-app",
                        new int[] {0xC0, 0xAD}, "byte C0 at offset"),
                Arguments.of("an encoded surrogate (ED A0 80)", new int[] {0xED, 0xA0, 0x80}, "bytes ED A0 80 at offset"),
                Arguments.of("a truncated sequence (E2 82, then the closing quote)", new int[] {0xE2, 0x82}, "bytes E2 82 at offset"),
                Arguments.of("a byte UTF-8 never uses (FF)", new int[] {0xFF}, "byte FF at offset"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidUtf8")
    void invalidUtf8Is400AndReachesNoSink(String name, int[] bytes, String reported) {
        String id = Events.id();
        byte[] body = withBytes(Events.runs(id, "restricted@app", "dev", "avms"), bytes);

        assertError(gateway.post("/topics/" + RUNS, gateway.token("RestrictedTestUser"), body), 400, "validation", reported);
        assertNextIsAcceptedAndRefusedIsAbsent(RUNS, "RestrictedTestUser", id);
    }

    @Test
    void byteOrderMarkIs400AndReachesNoSink() {
        String id = Events.id();
        byte[] event = Events.test(id).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        body.writeBytes(event);

        assertError(gateway.post("/topics/" + TEST, gateway.token("TestUser"), body.toByteArray()), 400, "validation", "byte-order mark");
        assertNextIsAcceptedAndRefusedIsAbsent(TEST, "TestUser", id);
    }

    @Test
    void theBytesThatLandAreTheBytesThatCame() {
        String id = Events.id();
        // Two- to four-byte UTF-8, escapes (a surrogate pair among them), a mid-text U+FEFF and U+2028.
        String body = Events.test(id).replace("\"hello\"",
                "\"Zürich, ½ € 😀 \\ud83d\\ude00 \\u00e9 \uFEFF \u2028 \\\"quoted\\\"\"");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = gateway.post("/topics/" + TEST, gateway.token("TestUser"), bytes);

        assertEquals(202, response.statusCode(), response.body());
        ConsumerRecord<String, String> record = KafkaRecords.find(bootstrap, TEST, r -> r.value().contains(id), Duration.ofSeconds(10))
                .orElseThrow();
        assertEquals(body, record.value());
    }

    @Test
    void unpairedSurrogateEscapeIs400NamingTheField() {
        String id = Events.id();
        String lone = Events.test(id).replace("\"DEMO\"", "\"DE\\ud800MO\"");
        assertError(gateway.post("/topics/" + TEST, gateway.token("TestUser"), lone), 400, "validation",
                "/tenant_id: the string holds an unpaired UTF-16 surrogate (\\ud800");
        String loneLow = Events.test(id).replace("\"note\"", "\"no\\udc00te\"");
        assertError(gateway.post("/topics/" + TEST, gateway.token("TestUser"), loneLow), 400, "validation",
                "the key holds an unpaired UTF-16 surrogate (\\udc00");

        assertNextIsAcceptedAndRefusedIsAbsent(TEST, "TestUser", id);
    }

    @Test
    void duplicateKeyIs400AndReachesNoSink() {
        // Only the last tenant_id would meet the constraint; a sink would get both.
        String id = Events.id();
        String body = Events.runs(id, "restricted-app", "dev", "avms").replaceFirst("\\{", "{\"tenant_id\": \"OTHER\", ");

        assertError(gateway.post("/topics/" + RUNS, gateway.token("RestrictedTestUser"), body), 400, "validation",
                "/tenant_id: the key appears more than once");
        assertNextIsAcceptedAndRefusedIsAbsent(RUNS, "RestrictedTestUser", id);
    }

    @Test
    void nestedDuplicateKeyNamesItsLocation() {
        String body = Events.runs(Events.id(), "app", "dev", "t").replace("\"status\": \"succeeded\"",
                "\"status\": \"succeeded\", \"status\": \"failed\"");

        assertError(gateway.post("/topics/" + RUNS, gateway.token("FooBarUser"), body), 400, "validation",
                "/jobs/0/status: the key appears more than once");
    }

    @Test
    void nulInAStringIsForwardedWhileNoPostgresSinkIsActive() {
        // A sink's limits apply only while that sink is active: Kafka stores any JSON text.
        String id = Events.id();
        String body = Events.test(id).replace("\"tests\"", "\"te\\u0000sts\"");

        assertEquals(202, gateway.post("/topics/" + TEST, gateway.token("TestUser"), body).statusCode());
        assertEquals(body, KafkaRecords.find(bootstrap, TEST, r -> r.value().contains(id), Duration.ofSeconds(10))
                .orElseThrow().value());
    }

    @Test
    void fieldConstraintPatternsTakeLinearTime() {
        String token = gateway.token("PatternUser");
        assertEquals(202, gateway.post("/topics/" + RUNS, token, Events.runs(Events.id(), "one-two-app", "dev", "t")).statusCode());
        assertError(gateway.post("/topics/" + RUNS, token, Events.runs(Events.id(), "one-two", "dev", "t")),
                403, "permission", "source_app");

        // java.util.regex backtracks on these for seconds (40,000 characters: 9.5 s); RE2/J reads each once
        // (1 MiB: about 100 ms here, request included). The best of 3 answers, so that a collection
        // pause or a busy machine in one of them does not count.
        for (int length : new int[] {40_000, MIB}) {
            String body = Events.runs(Events.id(), "-".repeat(length), "dev", "t");
            long bestMs = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 3; attempt++) {
                long start = System.nanoTime();
                HttpResponse<String> response = gateway.post("/topics/" + RUNS, token, body);
                bestMs = Math.min(bestMs, (System.nanoTime() - start) / 1_000_000);
                assertError(response, 403, "permission", "source_app");
            }
            assertTrue(bestMs < 1000, length + " characters took " + bestMs + " ms");
        }
    }

    @Test
    void kafkaRecordOverTheProducersLimitIs413BeforeAnySink() {
        // This gateway takes bodies of 2 MiB but its producer still sends records of 2 MiB + 64 KiB
        // (the default): a body whose key (here event_id) is most of it would not fit.
        String id = "k".repeat(MIB + 100_000);

        assertError(gateway.post("/topics/" + TEST, gateway.token("TestUser"), Events.test(id)), 413, "validation",
                "the Kafka sink sends at most 2162688 (sinks.kafka.max_request_size)");
        assertNextIsAcceptedAndRefusedIsAbsent(TEST, "TestUser", id);
    }

    /** A valid event posted right after a refusal is accepted, and in Kafka nothing of the refused one is before it. */
    private static void assertNextIsAcceptedAndRefusedIsAbsent(String topic, String user, String refusedId) {
        String next = Events.id();
        String event = TEST.equals(topic) ? Events.test(next) : Events.runs(next, "restricted-app", "dev", "avms");
        HttpResponse<String> response = gateway.post("/topics/" + topic, gateway.token(user), event);
        assertEquals(202, response.statusCode(), response.body());
        KafkaRecords.assertAbsentBefore(bootstrap, topic, refusedId, next);
    }

    /** The JSON text in UTF-8, with these raw bytes where it has '@'. */
    private static byte[] withBytes(String json, int[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = json.indexOf('@');
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        for (int b : bytes) {
            out.write(b);
        }
        out.writeBytes(json.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
