package io.eventgate.review;

import io.eventgate.Causes;
import io.eventgate.metrics.SinkFailure;
import io.eventgate.sinks.KafkaErrors;
import io.eventgate.sinks.postgres.PostgresErrors;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every explanation of a failure walks its cause chain through {@link Causes}, and so ends on a chain
 * that loops back (A caused by B caused by A, which {@link Throwable#initCause} allows). Before,
 * several sink explainers stopped only at a cause that is its own cause, and a longer loop would
 * have held the sink's thread for ever.
 */
class CauseCycleTest {

    private static RuntimeException loop() {
        RuntimeException outer = new RuntimeException("outer");
        IllegalStateException inner = new IllegalStateException("the broker is away");
        outer.initCause(inner);
        inner.initCause(outer);
        return outer;
    }

    @Test
    void aLoopIsWalkedOnceOutermostFirst() {
        RuntimeException outer = loop();
        List<Throwable> chain = Causes.of(outer);
        assertEquals(2, chain.size());
        assertEquals(outer, chain.get(0));
        assertEquals("the broker is away", Causes.root(outer).getMessage());
        assertEquals(List.of(), Causes.of(null));
    }

    @Test
    void aLongChainIsCut() {
        RuntimeException failure = new RuntimeException("0");
        for (int i = 1; i < 1000; i++) {
            failure = new RuntimeException(String.valueOf(i), failure);
        }
        assertEquals(Causes.MAX_DEPTH, Causes.of(failure).size());
    }

    @Test
    void theSinkExplainersEndOnALoop() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertNotNull(KafkaErrors.describe(loop()));
            assertNotNull(PostgresErrors.describe(loop()));
            assertNotNull(SinkFailure.classify(loop(), null));
        });
    }
}
