package io.eventgate.review;

import io.eventgate.StartFailure;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A switch that turns a sink off, or opens /metrics, must be {@code true} or {@code false} (review of the
 * jbang and metrics merges): read with Boolean.parseBoolean, {@code sinks.kafka.enabled=yes} (or {@code 1},
 * {@code on}) switched Kafka off without a word, and left it out of /health too, and
 * {@code metrics.require_admin=yes} left /metrics open. Now such a value stops the start with one line.
 */
class SwitchTypoTest {

    @ParameterizedTest
    @CsvSource({"sinks.kafka.enabled, yes", "sinks.kafka.enabled, 1", "metrics.require_admin, yes",
            "metrics.enabled, on", "traces.enabled, 1"})
    void aSwitchThatIsNeitherTrueNorFalseStopsTheStartWithOneLine(String key, String value) {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate." + key, value)).close());

        assertEquals("setting '" + key + "': '" + value + "' is not true or false", StartFailure.reason(failure));
    }
}
