package io.eventgate.dev;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Just the in-JVM broker and a dev key, for trying {@code java -jar target/eventgate.jar} locally
 * and for the benchmarks: prints the bootstrap servers and a {@code token_public_keys_url}, and
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
        DevTokens tokens = DevTokens.create();
        if (args.length > 0) {
            Path out = Files.createDirectories(Path.of(args[0]));
            Files.writeString(out.resolve("bootstrap"), kafka.bootstrapServers());
            Files.writeString(out.resolve("keys-url"), tokens.keysUrl());
            Files.writeString(out.resolve("token"), tokens.token("TestUser", java.time.Duration.ofHours(8)));
        }
        System.out.println("bootstrap=" + kafka.bootstrapServers());
        System.out.println("keys-url=" + tokens.keysUrl());
        new CountDownLatch(1).await();
    }
}
