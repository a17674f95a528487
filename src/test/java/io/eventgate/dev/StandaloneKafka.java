package io.eventgate.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Just the in-JVM broker and the dev key ({@code target/dev/}, the dev run's), for trying
 * {@code java -jar target/eventgate.jar} locally (README, "Against your own Kafka") and for the benchmarks: prints the bootstrap servers and a {@code token_public_keys_url}, and
 * writes both, plus a sample token, to the folder given as the first argument (if any). Further
 * arguments are topics to create first, so that a first publish does not wait for auto-creation.
 */
public final class StandaloneKafka {

    private StandaloneKafka() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start();
        for (int i = 1; i < args.length; i++) {
            kafka.createTopic(args[i]);
        }
        DevTokens tokens = DevTokens.persistent(DevRun.devDir()); // the dev run's key: its tokens work here too
        if (args.length > 0) {
            Path out = Files.createDirectories(Path.of(args[0]));
            Files.writeString(out.resolve("bootstrap"), kafka.bootstrapServers());
            Files.writeString(out.resolve("keys-url"), tokens.keysUrl());
            Files.writeString(out.resolve("token"), tokens.token("TestUser", java.time.Duration.ofHours(8)));
        }
        System.out.println("bootstrap=" + kafka.bootstrapServers());
        System.out.println("keys-url=" + tokens.keysUrl());
        System.out.println("Run EventGate against this broker with the dev key (Ctrl+C here stops the broker):");
        System.out.println("  export EVENTGATE_KAFKA_BOOTSTRAP_SERVER=" + kafka.bootstrapServers());
        System.out.println("  export EVENTGATE_TOKEN_PUBLIC_KEYS_URL=" + tokens.keysUrl());
        System.out.println("  java @jvm.options -jar target/eventgate.jar");
        System.out.println("A token for TestUser (valid 8 h):");
        System.out.println("  " + tokens.token("TestUser", java.time.Duration.ofHours(8)));
        new CountDownLatch(1).await();
    }
}
