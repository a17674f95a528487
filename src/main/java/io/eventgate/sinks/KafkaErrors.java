package io.eventgate.sinks;

import org.apache.camel.Exchange;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a failure of the Kafka sink, or of its health probe, into a plain sentence for the answer
 * and for {@code /health}: the kind of failure, never the client's own text, which names brokers,
 * partitions and classes (that goes to the log at DEBUG).
 */
public final class KafkaErrors {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaErrors.class);

    private KafkaErrors() {
    }

    /** For {@code routes/kafka.yaml}: the exception caught by its {@code doCatch}. */
    public static String describe(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return describe(caught != null ? caught : exchange.getException());
    }

    public static String describe(Throwable failure) {
        LOG.debug("Kafka failure", failure);
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SslAuthenticationException) {
                return "TLS handshake with Kafka failed (certificate not trusted or refused)";
            }
            if (t instanceof AuthenticationException) {
                return "authentication with Kafka failed";
            }
            if (t instanceof AuthorizationException) {
                return "not authorized by Kafka to write the topic";
            }
            if (t instanceof RecordTooLargeException) {
                return "the event is larger than Kafka accepts";
            }
            if (t instanceof UnknownTopicOrPartitionException) {
                return "the Kafka topic does not exist";
            }
            if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return "no acknowledgement from Kafka in time";
            }
            if (t instanceof IllegalStateException && "no brokers available".equals(t.getMessage())) {
                return "no Kafka brokers available";
            }
        }
        return "Kafka did not accept the event";
    }
}
