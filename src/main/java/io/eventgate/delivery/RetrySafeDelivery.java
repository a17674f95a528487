package io.eventgate.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.gateway.Exchanges;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkOutcomes;
import io.eventgate.topics.EventReader;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

/**
 * The publish route's two steps of retry-safe delivery, around the fan-out: {@link #lookUp} before
 * it (which sinks already have this event: they are left out), and {@link #record} after it (which
 * sinks acknowledged it now). The logic is the {@link DeliveryLedger}'s; these steps only carry its
 * answers on the exchange, and run its calls on its own pool when they wait for a database, so that
 * the HTTP front door's event loop never does.
 */
public final class RetrySafeDelivery {

    /** The event's identity, when it has one ({@link DeliveryLedger#identity}). */
    public static final String IDENTITY = "eventGateIdentity";
    /** The names of the sinks that acknowledged this event before, a {@code Set<String>}; absent: none. */
    public static final String ALREADY_ACKNOWLEDGED = "eventGateAlreadyAcknowledged";
    private static final Logger LOG = LoggerFactory.getLogger(RetrySafeDelivery.class);

    private final DeliveryLedger ledger;

    public RetrySafeDelivery(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    /** The sinks of {@code active} that the fan-out goes to: those that do not have this event yet. */
    public static List<SinkDirectory.Sink> pending(Exchange exchange, List<SinkDirectory.Sink> active) {
        Set<?> acknowledged = exchange.getProperty(ALREADY_ACKNOWLEDGED, Set.class);
        if (acknowledged == null || acknowledged.isEmpty()) {
            return active;
        }
        return active.stream().filter(sink -> !acknowledged.contains(sink.name())).toList();
    }

    /** Before the fan-out: sets {@link #IDENTITY} and {@link #ALREADY_ACKNOWLEDGED} for the active sinks. */
    public AsyncProcessor lookUp(SinkDirectory sinks) {
        return new Step() {
            @Override
            boolean prepare(Exchange exchange) {
                String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
                ledger.identity(exchange, topic, exchange.getProperty(EventReader.EVENT, JsonNode.class))
                        .ifPresent(id -> exchange.setProperty(IDENTITY, id));
                return exchange.getProperty(IDENTITY) != null;
            }

            @Override
            void run(Exchange exchange) {
                String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
                String id = exchange.getProperty(IDENTITY, String.class);
                List<SinkDirectory.Sink> active = sinks.active();
                List<SinkDirectory.Sink> pending = ledger.pendingSinks(topic, id, active);
                if (pending.size() < active.size()) {
                    Set<String> have = active.stream().filter(s -> !pending.contains(s))
                            .map(SinkDirectory.Sink::name).collect(Collectors.toUnmodifiableSet());
                    exchange.setProperty(ALREADY_ACKNOWLEDGED, have);
                    LOG.debug("Retry of {} on {}: {} already acknowledged it", id, topic, have);
                }
            }

            @Override
            void rejected(Exchange exchange) {
                // The ledger cannot be asked now: deliver to every sink (a duplicate at worst, never a loss).
                LOG.warn("Delivery ledger is at capacity; {} goes to every sink", exchange.getProperty(IDENTITY));
            }
        };
    }

    /** After the fan-out: records the sinks that acknowledged the event within their deadline. */
    public AsyncProcessor record() {
        return new Step() {
            @Override
            boolean prepare(Exchange exchange) {
                return exchange.getProperty(IDENTITY) != null && exchange.getProperty(Exchanges.OUTCOMES) != null;
            }

            @Override
            void run(Exchange exchange) {
                String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
                String id = exchange.getProperty(IDENTITY, String.class);
                for (String sink : exchange.getProperty(Exchanges.OUTCOMES, SinkOutcomes.class).acknowledged()) {
                    ledger.acknowledged(topic, id, sink);
                }
            }

            @Override
            void rejected(Exchange exchange) {
                LOG.warn("Delivery ledger is at capacity; the acknowledgements of {} are not recorded, a retry of it "
                        + "goes to every sink", exchange.getProperty(IDENTITY));
            }
        };
    }

    /**
     * A step of another route (the batch publish) that calls the ledger: {@code run} inline, or on the
     * ledger's pool when the ledger blocks, so that no event loop waits for the database. It never fails
     * the exchange: a {@code run} that throws is logged, and {@code rejected} is called when the pool is full.
     *
     * @param prepare on the calling thread; false: nothing to do
     */
    public AsyncProcessor step(java.util.function.Predicate<Exchange> prepare,
                               java.util.function.Consumer<Exchange> run,
                               java.util.function.Consumer<Exchange> rejected) {
        return new Step() {
            @Override
            boolean prepare(Exchange exchange) {
                return prepare.test(exchange);
            }

            @Override
            void run(Exchange exchange) {
                run.accept(exchange);
            }

            @Override
            void rejected(Exchange exchange) {
                rejected.accept(exchange);
            }
        };
    }

    public DeliveryLedger ledger() {
        return ledger;
    }

    /** A step that does its work inline, or on the ledger's pool when the ledger blocks. It never fails the exchange. */
    private abstract class Step extends AsyncProcessorSupport {

        /** On the calling thread; false: nothing to do. */
        abstract boolean prepare(Exchange exchange);

        abstract void run(Exchange exchange);

        abstract void rejected(Exchange exchange);

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            if (!prepare(exchange)) {
                callback.done(true);
                return true;
            }
            if (!ledger.blocking()) {
                runSafely(exchange);
                callback.done(true);
                return true;
            }
            try {
                ledger.executor().execute(() -> {
                    runSafely(exchange);
                    callback.done(false);
                });
                return false;
            } catch (RejectedExecutionException e) {
                rejected(exchange);
                callback.done(true);
                return true;
            }
        }

        private void runSafely(Exchange exchange) {
            try {
                run(exchange);
            } catch (RuntimeException e) {
                LOG.warn("Delivery ledger step failed for {}: {}", exchange.getProperty(IDENTITY), e.toString());
            }
        }
    }
}
