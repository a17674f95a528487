package io.eventgate.dev;

import io.eventgate.EventGateApplication;
import io.eventgate.config.S3ConfigReader;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The README's run command: EventGate with embedded defaults, for a laptop. It starts an in-JVM
 * Kafka broker, uses the example {@code conf/}, makes a dev signing key, serves HTTP on
 * {@code CAMEL_SERVER_PORT} (default 8080), and prints a ready-to-paste {@code curl} with a valid token.
 * Production never runs this class: it lives in the test sources.
 */
public final class DevRun {

    private DevRun() {
    }

    public static void main(String[] args) throws Exception {
        io.eventgate.Logging.configure();
        EmbeddedKafka kafka = EmbeddedKafka.start();
        DevTokens tokens = DevTokens.create();
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", ""));
        // EVENTGATE_DEV_POSTGRES=true: an embedded Postgres as well, migrated, for the Postgres sink and /stats.
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = "true".equalsIgnoreCase(System.getenv("EVENTGATE_DEV_POSTGRES"))
                ? io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start() : null;
        if (postgres != null) {
            settings.putAll(Map.of("eventgate.postgres.host", "localhost", "eventgate.postgres.port", String.valueOf(postgres.getPort()),
                    "eventgate.postgres.database", "postgres", "eventgate.postgres.user", "postgres", "eventgate.postgres.migrate", "true"));
        }
        EventGateApplication app = EventGateApplication.create(EventGateApplication.FrontDoor.HTTP,
                new S3ConfigReader(), settings);
        app.start();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                app.stop();
            } catch (Exception ignored) {
                // stopping anyway
            }
            kafka.close();
            if (postgres != null) {
                try {
                    postgres.close();
                } catch (java.io.IOException ignored) {
                    // stopping anyway
                }
            }
            stopped.countDown();
        }));

        String port = System.getenv().getOrDefault("CAMEL_SERVER_PORT", "8080");
        String base = "http://localhost:" + port;
        String token = tokens.token("TestUser", Duration.ofHours(8));
        String event = "{\"event_id\": \"" + UUID.randomUUID() + "\", \"tenant_id\": \"DEMO\", "
                + "\"source_app\": \"curl\", \"environment\": \"dev\", \"timestamp\": " + System.currentTimeMillis() + "}";
        System.out.println();
        System.out.println("EventGate dev run is up on " + base + " (Kafka at " + kafka.bootstrapServers() + ")");
        System.out.println("Swagger UI: " + base + "/docs   Health: " + base + "/health   Topics: " + base + "/topics");
        System.out.println("Token for TestUser (valid 8 h):");
        System.out.println(token);
        System.out.println("Post an event (expect 202):");
        System.out.println("curl -i -X POST " + base + "/topics/public.cps.za.test \\");
        System.out.println("  -H 'Authorization: Bearer " + token + "' \\");
        System.out.println("  -H 'Content-Type: application/json' \\");
        System.out.println("  -d '" + event + "'");
        if (postgres != null) {
            System.out.println("Read the runs' stats (Postgres at localhost:" + postgres.getPort() + "; publish to public.cps.za.runs first):");
            System.out.println("curl -i -X POST " + base + "/stats/public.cps.za.runs -H 'Authorization: Bearer "
                    + tokens.token("FooBarUser", Duration.ofHours(8)) + "' -d '{}'");
        }
        System.out.println("Press Ctrl+C to stop.");
        stopped.await();
    }
}
