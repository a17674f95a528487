package io.eventgate.sinks.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SecuredKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static io.eventgate.testsupport.Answers.assertError;
import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Kafka security tests check, for any mechanism: a publish through a gateway configured
 * for it gets 202 and its record is read back over the same listener; with wrong credentials the
 * publish gets a 500 {@code kafka} with a plain reason within the sink's deadline, and
 * {@code /health} reports that reason; and no secret reaches the log ({@link Log}).
 */
final class SecuredSink {

    /** The sink's deadline in these tests (the gateway's sink_timeout_ms). */
    static final long SINK_TIMEOUT_MS = 5000;

    private SecuredSink() {
    }

    /**
     * EventGate with its Kafka sink on this listener and these {@code kafka.<property>} settings.
     *
     * @param kafkaSettings Kafka client properties, given as {@code eventgate.kafka.<property>}
     */
    static RunningGateway gateway(String listener, Map<String, String> kafkaSettings) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("eventgate.kafka_bootstrap_server", SecuredKafka.get().bootstrap(listener));
        overrides.put("eventgate.sink_timeout_ms", String.valueOf(SINK_TIMEOUT_MS));
        kafkaSettings.forEach((key, value) -> overrides.put("eventgate.kafka." + key, value));
        return RunningGateway.start(overrides);
    }

    /** A publish gets 202, its record is on the listener (read with {@code consumer} properties), and /health is ok. */
    static void assertPublishedAndReadBack(RunningGateway gateway, String listener, Map<String, Object> consumer) {
        String eventId = Events.id();
        String body = Events.test(eventId);
        HttpResponse<String> response = gateway.post("/topics/" + SecuredKafka.TOPIC, gateway.token("TestUser"), body);
        assertEquals(202, response.statusCode(), response.body());

        ConsumerRecord<String, String> record = KafkaRecords.find(SecuredKafka.get().bootstrap(listener), consumer,
                        SecuredKafka.TOPIC, r -> r.value().contains(eventId), Duration.ofSeconds(15))
                .orElseThrow(() -> new AssertionError("event " + eventId + " not read back over " + listener));
        assertEquals(body, record.value());

        HttpResponse<String> health = gateway.get("/health");
        assertEquals("ok", json(health.body()).path("dependencies").path("kafka").asText(), health.body());
    }

    /**
     * A publish gets 500 {@code kafka} whose message holds {@code reason}, before the sink's deadline,
     * and /health answers 503 with the same reason for Kafka.
     */
    static void assertRefused(RunningGateway gateway, String reason) {
        long started = System.nanoTime();
        HttpResponse<String> response = gateway.post("/topics/" + SecuredKafka.TOPIC, gateway.token("TestUser"),
                Events.test(Events.id()));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertError(response, 500, "kafka", reason);
        assertTrue(elapsedMs < SINK_TIMEOUT_MS, "answered after " + elapsedMs + " ms: " + response.body());

        HttpResponse<String> health = gateway.get("/health");
        assertEquals(503, health.statusCode(), health.body());
        JsonNode failure = json(health.body()).path("failures").path("kafka");
        assertTrue(failure.asText().contains(reason), health.body());
    }

    /** Kafka client properties as a map, for the read-back consumer. */
    static Map<String, Object> client(String... keyValues) {
        Map<String, Object> properties = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    /**
     * For {@code @RegisterExtension}: captures everything written to standard output and error
     * (where slf4j-simple logs, looked up at each line) from before the class's first test to after
     * its last, still passing it on, and then checks that no line holds any of the secrets.
     */
    static final class Log implements BeforeAllCallback, AfterAllCallback {

        private final Supplier<List<String>> secrets;
        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        private PrintStream out;
        private PrintStream err;

        /** @param secrets asked for after the last test */
        Log(Supplier<List<String>> secrets) {
            this.secrets = secrets;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            out = System.out;
            err = System.err;
            System.setOut(tee(out));
            System.setErr(tee(err));
        }

        @Override
        public void afterAll(ExtensionContext context) {
            System.setOut(out);
            System.setErr(err);
            String text;
            synchronized (captured) {
                text = captured.toString(StandardCharsets.UTF_8);
            }
            assertFalse(text.isEmpty(), "nothing was logged");
            for (String secret : secrets.get()) {
                assertFalse(text.contains(secret), "a secret is in the log: " + secret.substring(0, 6) + "...");
            }
        }

        private PrintStream tee(PrintStream original) {
            return new PrintStream(new OutputStream() {
                @Override
                public void write(int b) {
                    original.write(b);
                    synchronized (captured) {
                        captured.write(b);
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    synchronized (captured) {
                        captured.write(b, off, len);
                    }
                }
            }, true, StandardCharsets.UTF_8);
        }
    }
}
