package io.eventgate.config;

import io.eventgate.testsupport.RunningGateway;
import org.apache.camel.builder.NotifyBuilder;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting for the configuration poll of a running gateway, polled every second in these tests. */
final class Polls {

    private Polls() {
    }

    /** Waits for {@code count} polls to complete; the first may have begun before the caller's change. */
    static void await(RunningGateway gateway, int count) {
        NotifyBuilder polls = new NotifyBuilder(gateway.app().camelContext()).fromRoute("config-poll")
                .whenCompleted(count).create();
        assertTrue(polls.matches(count * 3L, TimeUnit.SECONDS), count + " polls completed");
    }
}
