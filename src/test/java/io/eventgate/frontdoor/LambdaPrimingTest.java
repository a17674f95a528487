package io.eventgate.frontdoor;

import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.stats.StatsAccess;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The priming for SnapStart ({@link LambdaPriming}): with {@code prime=true} it runs at init, as a
 * CRaC resource it runs before a checkpoint, it writes nothing to Kafka, and the handler serves
 * normally afterwards. Its stats request is refused before the query, with or without a token check.
 */
class LambdaPrimingTest {

    private static final List<String> TOPICS = List.of("public.cps.za.dlchange", "public.cps.za.runs",
            "public.cps.za.status_change", "public.cps.za.test");

    private static EmbeddedKafka kafka;
    private static DevTokens tokens;
    private static LambdaHandler handler;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        TOPICS.forEach(kafka::createTopic);
        tokens = DevTokens.create();
        handler = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", "",
                "eventgate." + LambdaPriming.SETTING, "true"),
                "fn", LambdaHandler.INIT_RETRY_INTERVAL);
    }

    @AfterAll
    static void stop() throws Exception {
        if (handler != null) {
            handler.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void primesAtInitAndBeforeACheckpointWithoutWritingToKafka() {
        assertTrue(handler.priming().runs() >= 1, "the setting prime=true primes at init");
        Map<TopicPartition, Long> before = endOffsets();

        handler.priming().beforeCheckpoint(null);

        assertTrue(handler.priming().runs() >= 2, "a checkpoint primes");
        assertEquals(before, endOffsets(), "priming wrote to Kafka");
    }

    @Test
    void publishAfterPrimingIsAcceptedAndReachesKafka() {
        String id = Events.id();
        Map<String, Object> response = handler.handleRequest(LambdaEvents.v1Publish("public.cps.za.test",
                tokens.token("TestUser", Duration.ofMinutes(5)), Events.test(id)), null);
        assertEquals(202, response.get("statusCode"), () -> "body: " + response.get("body"));
        assertTrue(KafkaRecords.find(kafka.bootstrapServers(), "public.cps.za.test",
                r -> r.value().contains(id), Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void primingTokenIsRefused() {
        Map<String, Object> event = LambdaEvents.v1Publish("public.cps.za.test", LambdaPriming.UNVERIFIABLE_TOKEN,
                Events.test(Events.id()));
        assertEquals(401, handler.handleRequest(event, null).get("statusCode"));
    }

    @Test
    void primingAsksForStatsAndIsRefusedBeforeAnyQuery() throws Exception {
        // No database is configured here: a query would be a 500; the token check refuses first.
        assertEquals(List.of(401), handler.priming().primeStats(TOPICS));
        // Without a token check (upstream's open endpoint) the body is refused, still before the query.
        LambdaHandler open = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", "",
                "eventgate." + StatsAccess.REQUIRE_TOKEN, "false"),
                "fn-open", LambdaHandler.INIT_RETRY_INTERVAL);
        try {
            open.handleRequest(LambdaPriming.event("GET", "/topics", null, null), null);
            assertEquals(List.of(400), open.priming().primeStats(TOPICS));
        } finally {
            open.stop();
        }
    }

    private static Map<TopicPartition, Long> endOffsets() {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            return consumer.endOffsets(TOPICS.stream().map(t -> new TopicPartition(t, 0)).toList(),
                    Duration.ofSeconds(10));
        }
    }
}
