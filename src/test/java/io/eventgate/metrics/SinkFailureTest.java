package io.eventgate.metrics;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reason classes of the sinks' real failures: the exceptions that their clients throw. */
class SinkFailureTest {

    private static SinkFailure of(Throwable failure) {
        return SinkFailure.classify(failure, failure == null ? null : failure.getMessage());
    }

    @Test
    void kafkaFailuresAreClassedByTheirKind() {
        assertEquals(SinkFailure.TIMEOUT, of(new CompletionException(new TimeoutException("Expiring 1 record(s)"))));
        assertEquals(SinkFailure.REJECTED, of(new RecordTooLargeException("too large")));
        assertEquals(SinkFailure.AUTH, of(new SaslAuthenticationException("bad credentials")));
        assertEquals(SinkFailure.UNAVAILABLE, of(new IllegalStateException("no brokers available")));
    }

    @Test
    void postgresFailuresAreClassedBySqlState() {
        assertEquals(SinkFailure.UNAVAILABLE, of(new PSQLException("refused", PSQLState.CONNECTION_UNABLE_TO_CONNECT)));
        assertEquals(SinkFailure.REJECTED, of(new PSQLException("duplicate key", PSQLState.UNIQUE_VIOLATION)));
        assertEquals(SinkFailure.AUTH, of(new PSQLException("password authentication failed", PSQLState.INVALID_PASSWORD)));
        assertEquals(SinkFailure.CAPACITY, of(new RejectedExecutionException("queue full")));
    }

    @Test
    void awsAndHttpFailuresAreClassedByStatus() {
        assertEquals(SinkFailure.AUTH, of(aws(403)));
        assertEquals(SinkFailure.UNAVAILABLE, of(new RuntimeException("PutEvents failed", aws(503))));
        assertEquals(SinkFailure.REJECTED, of(aws(400)));
        assertEquals(SinkFailure.CAPACITY, of(new HttpOperationFailedException("http://hook", 429, "Too Many", null, Map.of(), "")));
        assertEquals(SinkFailure.UNAVAILABLE, of(new ConnectException("Connection refused")));
    }

    private static AwsServiceException aws(int status) {
        return AwsServiceException.builder().message("status " + status).statusCode(status).build();
    }

    @Test
    void failuresWithoutAnExceptionAreClassedOnlyByEventGatesOwnWords() {
        assertEquals(SinkFailure.TIMEOUT, SinkFailure.classify(null, "No acknowledgement within 5000 ms"));
        assertEquals(SinkFailure.CAPACITY, SinkFailure.classify(null, "Sink is at capacity (1000 events in flight); try again later"));
        assertEquals(SinkFailure.OTHER, SinkFailure.classify(null, "timeout auth rejected anything a YAML sink says"));
        assertEquals(SinkFailure.OTHER, of(new IllegalArgumentException("whatever")));
    }
}
