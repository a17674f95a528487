package io.eventgate.metrics;

import io.eventgate.Causes;
import io.eventgate.sinks.eventbridge.EventBridgeSink;
import org.apache.camel.http.base.HttpOperationFailedException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;

/**
 * Why a sink failed an event, as a label with few values: the {@code reason} of
 * {@code eventgate_sink_failures_total}. It is derived from the kind of the sink's error (its
 * exception's class, an SQL state, an HTTP status), never from its text, so an attacker cannot make
 * new label values and a sink's message can change without breaking dashboards.
 */
public enum SinkFailure {
    /** No acknowledgement within the sink's deadline, or the sink's own client timed out. */
    TIMEOUT,
    /** The sink cannot be reached: connection refused, unknown host, no brokers, a 5xx. */
    UNAVAILABLE,
    /** The sink's bulkhead or queue is full, or the service throttles (429). */
    CAPACITY,
    /** The sink refused this event: too large, bad data, a constraint, a 4xx. */
    REJECTED,
    /** Credentials or permissions: authentication, authorization, TLS trust. */
    AUTH,
    /** Anything else. */
    OTHER;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }

    /**
     * The class of a sink's failure.
     *
     * @param failure the sink's exception (the one its route caught, or left), or null
     * @param message the error the sink reported; used only when there is no exception, and only
     *                for the two failures that EventGate itself words: the
     *                bulkhead's "at capacity" and the deadline's "No acknowledgement"
     */
    public static SinkFailure classify(Throwable failure, String message) {
        SinkFailure found = null;
        for (Throwable t : Causes.of(failure)) {
            SinkFailure reason = ofOne(t);
            if (reason != null) {
                // the innermost specific kind wins over a wrapper's, except a timeout, which says it all
                found = reason;
                if (reason == TIMEOUT) {
                    return TIMEOUT;
                }
            }
        }
        if (found != null) {
            return found;
        }
        if (failure instanceof EventBridgeSink.PutEventsFailure) {
            // a PutEvents answered with a failed entry: EventBridge refused the event
            return REJECTED;
        }
        if (failure == null && message != null) {
            if (message.startsWith("No acknowledgement within")) {
                return TIMEOUT;
            }
            if (message.contains("at capacity")) {
                return CAPACITY;
            }
        }
        return OTHER;
    }

    private static SinkFailure ofOne(Throwable t) {
        String name = t.getClass().getSimpleName();
        if (t instanceof java.util.concurrent.TimeoutException || t instanceof SocketTimeoutException
                || t instanceof SQLTimeoutException || t instanceof java.net.http.HttpTimeoutException
                || name.contains("Timeout")) {
            return TIMEOUT;
        }
        if (t instanceof RejectedExecutionException) {
            return CAPACITY;
        }
        if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                || t instanceof SQLTransientConnectionException) {
            return UNAVAILABLE;
        }
        if (t instanceof javax.net.ssl.SSLException || name.contains("Authentication") || name.contains("Authorization")) {
            return AUTH;
        }
        if (t instanceof AwsServiceException aws) {
            return aws.isThrottlingException() ? CAPACITY : ofHttpStatus(aws.statusCode());
        }
        if (t instanceof HttpOperationFailedException http) {
            // a YAML sink's http: endpoint answered with an error status
            return ofHttpStatus(http.getStatusCode());
        }
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            return ofSqlState(sql.getSQLState());
        }
        return ofKafka(name, t.getMessage());
    }

    private static SinkFailure ofHttpStatus(int status) {
        return status == 401 || status == 403 ? AUTH
                : status == 429 ? CAPACITY
                : status == 408 || status == 504 ? TIMEOUT
                : status >= 500 ? UNAVAILABLE
                : status >= 400 ? REJECTED : null;
    }

    /** SQL states by class (the first two characters), as Postgres and the JDBC standard use them. */
    private static SinkFailure ofSqlState(String state) {
        if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
            return state.startsWith("53") ? CAPACITY : UNAVAILABLE;
        }
        if (state.startsWith("28") || state.equals("42501")) {
            return AUTH;
        }
        if (state.startsWith("22") || state.startsWith("23") || state.startsWith("42")) {
            return REJECTED;
        }
        return null;
    }

    /** Kafka's client errors, by class name (so that this class needs no Kafka types). */
    private static SinkFailure ofKafka(String name, String message) {
        if (name.equals("RecordTooLargeException") || name.equals("InvalidRecordException")
                || name.equals("UnknownTopicOrPartitionException") || name.equals("InvalidTopicException")
                || name.equals("SerializationException")) {
            return REJECTED;
        }
        if (name.equals("NetworkException") || name.equals("NotEnoughReplicasException")
                || name.equals("NotEnoughReplicasAfterAppendException") || name.equals("BrokerNotAvailableException")
                || name.equals("LeaderNotAvailableException") || name.equals("NotLeaderOrFollowerException")
                || name.equals("DisconnectException")
                || name.equals("IllegalStateException") && "no brokers available".equals(message)) {
            return UNAVAILABLE;
        }
        return null;
    }
}
