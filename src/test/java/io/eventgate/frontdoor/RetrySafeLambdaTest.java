package io.eventgate.frontdoor;

import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.SharedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.eventgate.frontdoor.LambdaEvents.v1Publish;
import static io.eventgate.frontdoor.LambdaEvents.v2Publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retry-safe delivery in Lambda: two warm containers (two {@link LambdaHandler}s, each with its own
 * application) share the acknowledgements through {@code delivery.repository=jdbc} on the Postgres
 * database, so a client's retry that API Gateway hands to the other container is not sent again.
 */
class RetrySafeLambdaTest {

    private static final String TOPIC = "public.cps.za.test";

    private static EmbeddedPostgres postgres;
    private static DevTokens tokens;
    private static LambdaHandler first;
    private static LambdaHandler second;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        tokens = DevTokens.create();
        Map<String, String> settings = Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", "",
                "eventgate.postgres.host", "localhost",
                "eventgate.postgres.port", String.valueOf(postgres.getPort()),
                "eventgate.postgres.database", "postgres",
                "eventgate.postgres.user", "postgres",
                "eventgate.postgres.migrate", "true",
                "eventgate.delivery.repository", "jdbc");
        first = new LambdaHandler(ConfigReader.LOCAL_ONLY, settings, "retry-safe", LambdaHandler.INIT_RETRY_INTERVAL);
        second = new LambdaHandler(ConfigReader.LOCAL_ONLY, settings, "retry-safe", LambdaHandler.INIT_RETRY_INTERVAL);
    }

    @AfterAll
    static void stop() throws Exception {
        for (LambdaHandler handler : new LambdaHandler[] {first, second}) {
            if (handler != null) {
                handler.stop();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aRetryOnAnotherContainerIsNotSentAgain() throws SQLException {
        String id = Events.id();
        String event = Events.test(id);
        String token = tokens.token("TestUser", Duration.ofMinutes(5));

        assertEquals(202, first.handleRequest(v1Publish(TOPIC, token, event), null).get("statusCode"));
        assertEquals(202, second.handleRequest(v2Publish(TOPIC, token, event), null).get("statusCode"));

        String marker = Events.id();
        assertEquals(202, second.handleRequest(v1Publish(TOPIC, token, Events.test(marker)), null).get("statusCode"));
        List<String> values = KafkaRecords.upTo(SharedKafka.bootstrapServers(), TOPIC, r -> r.value().contains(marker),
                Duration.ofSeconds(10)).stream().map(r -> r.value()).filter(v -> v.contains(id)).toList();
        assertEquals(List.of(event), values, "one copy in Kafka");
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM public_cps_za_test WHERE event_id = '" + id + "'")) {
            r.next();
            assertEquals(1, r.getLong(1), "one row in Postgres");
        }
    }
}
