package io.eventgate.frontdoor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The Lambda handler's one-line reason for a failed start must never hang the init (review): it walked
 * the cause chain until null, and a chain that loops back (A caused by B caused by A) never ends.
 */
class LambdaStartReasonTest {

    @Test
    void aCycleOfCausesEndsWithOneLine() {
        RuntimeException outer = new RuntimeException("outer");
        IllegalStateException inner = new IllegalStateException("the broker is away");
        outer.initCause(inner);
        inner.initCause(outer);

        String reason = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> LambdaHandler.reason(outer));

        assertEquals("the broker is away", reason);
    }
}
