package io.eventgate.dev;

import io.eventgate.EventGateApplication;
import io.eventgate.StartFailure;
import io.eventgate.config.S3ConfigReader;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The README's run command: EventGate with embedded defaults, for a laptop. It starts an in-JVM
 * Kafka broker, uses the example {@code conf/}, makes a dev signing key, serves HTTP on
 * {@code CAMEL_SERVER_PORT} (default 8080), and prints a ready-to-paste {@code curl} with a valid token.
 * Production never runs this class: it lives in the test sources.
 *
 * <p>The signing key is kept in {@code target/dev/} ({@link DevTokens#persistent}), so that a
 * {@code curl} printed by an earlier run still works. Any failure to start (a broken configuration
 * file, the port in use, a sink route that cannot be made) ends the run with one line and a non-zero
 * status ({@link StartFailure}), with the broker stopped: never a JVM left hanging.
 */
public final class DevRun {

    private DevRun() {
    }

    /** System property that moves the dev key's folder (tests); default {@code target/dev}. */
    public static final String DEV_DIR_PROPERTY = "eventgate.dev-dir";

    /** Where the dev key is kept. */
    public static Path devDir() {
        return Path.of(System.getProperty(DEV_DIR_PROPERTY, "target/dev")).toAbsolutePath();
    }

    public static void main(String[] args) {
        io.eventgate.Logging.configure();
        StartFailure.exitOnFailure(DevRun::run);
    }

    private static void run() throws Exception {
        StartFailure.checkHttpPortFree(); // before the broker's seconds of start
        DevTokens tokens = DevTokens.persistent(devDir());
        EmbeddedKafka kafka = EmbeddedKafka.start();
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", ""));
        // EVENTGATE_DEV_POSTGRES=true: an embedded Postgres as well, migrated, for the Postgres sink and /stats.
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres database = null;
        EventGateApplication app;
        try {
            if ("true".equalsIgnoreCase(System.getenv("EVENTGATE_DEV_POSTGRES"))) {
                database = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder().start();
                settings.putAll(Map.of("eventgate.postgres.host", "localhost",
                        "eventgate.postgres.port", String.valueOf(database.getPort()),
                        "eventgate.postgres.database", "postgres", "eventgate.postgres.user", "postgres",
                        "eventgate.postgres.migrate", "true"));
            }
            app = EventGateApplication.create(EventGateApplication.FrontDoor.HTTP, new S3ConfigReader(), settings);
            app.start();
        } catch (Exception | Error e) {
            kafka.close();
            if (database != null) {
                database.close();
            }
            throw e;
        }
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres = database;

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
