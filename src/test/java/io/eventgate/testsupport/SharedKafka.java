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

    /**
     * Makes sure {@code topic} exists, for a test whose first publish is timed: left to the first
     * publish, the topic is made then, and its metadata retries can take a second or more on a busy
     * machine (a class that runs before any other that publishes to it).
     */
    public static synchronized void createTopic(String topic) {
        bootstrapServers();
        kafka.createTopic(topic);
    }
}
