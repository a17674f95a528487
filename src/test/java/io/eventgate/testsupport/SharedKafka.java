package io.eventgate.testsupport;

import io.eventgate.dev.EmbeddedKafka;

/**
 * One in-JVM broker for every test class that only needs a healthy broker; started on first use,
 * closed by its own shutdown hook when the test JVM exits. Tests that stop their broker start their own.
 */
public final class SharedKafka {

    private static EmbeddedKafka kafka;

    private SharedKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start();
        }
        return kafka.bootstrapServers();
    }
}
