package io.eventgate.review;

import io.eventgate.StartFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * StartFailure must never hang (review of the first-hour merge): its walk down the cause chain stopped
 * only at a cause that is its own cause, and looped for ever on a longer cycle (A caused by B caused by
 * A), which {@link Throwable#initCause} allows.
 */
class StartFailureReasonTest {

    @Test
    void aCycleOfCausesEndsWithOneLine() {
        RuntimeException outer = new RuntimeException("outer");
        IllegalStateException inner = new IllegalStateException("the broker is away");
        outer.initCause(inner);
        inner.initCause(outer);

        String reason = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> StartFailure.reason(outer));

        assertEquals("the broker is away", reason);
    }
}
