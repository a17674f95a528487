package io.eventgate.batch;

import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.delivery.RetrySafeDelivery;
import io.eventgate.gateway.Exchanges;
import io.eventgate.sinks.SinkDirectory;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retry-safe delivery for a batch, with the answers per event that {@link RetrySafeDelivery} gives for
 * one event: {@link #lookUp} before the plan finds, for each event that has an identity, the sinks that
 * already acknowledged it ({@link BatchPlan} leaves them out), and {@link #record} after the fan-out
 * records each sink's acknowledgement of each event it got in time. Both ask the ledger once for the
 * whole batch ({@link DeliveryLedger#acknowledgedSinks}, {@link DeliveryLedger#acknowledged(String,
 * java.util.Collection, String)}): with {@code delivery.repository=jdbc} that is one statement per sink,
 * not one per event and sink, and both run on the ledger's own pool, never on the HTTP front door's
 * event loop.
 */
final class BatchLedger {

    /** The batch's identities and what the ledger knew of them ({@link Known}). */
    static final String PROPERTY = "eventGateBatchLedger";
    private static final Logger LOG = LoggerFactory.getLogger(BatchLedger.class);

    private final DeliveryLedger ledger;
    private final RetrySafeDelivery steps;
    private final SinkDirectory sinks;

    BatchLedger(RetrySafeDelivery steps, SinkDirectory sinks) {
        this.steps = steps;
        this.ledger = steps.ledger();
        this.sinks = sinks;
    }

    /**
     * Per event index: its identity (null: none, or refused by the checks) and the names of the sinks
     * that acknowledged it before (null: none).
     */
    record Known(String[] ids, Set<String>[] acknowledged) {

        /** The sinks that acknowledged the event at {@code index} before; empty when none did. */
        Set<String> acknowledged(int index) {
            Set<String> have = acknowledged[index];
            return have == null ? Set.of() : have;
        }
    }

    /** Before the plan: sets {@link #PROPERTY} when an event of the batch has an identity. */
    AsyncProcessor lookUp() {
        return steps.step(this::identify, this::lookUpAll, exchange ->
                // The ledger cannot be asked now: every event goes to every sink (a duplicate at worst, never a loss).
                LOG.warn("Delivery ledger is at capacity; the batch to {} goes to every sink", exchange.getProperty(Exchanges.TOPIC)));
    }

    /** After the fan-out: records which sink acknowledged which event within its deadline. */
    AsyncProcessor record() {
        return steps.step(
                exchange -> exchange.getProperty(PROPERTY) != null && exchange.getProperty(BatchOutcomes.PROPERTY) != null,
                this::recordAll,
                exchange -> LOG.warn("Delivery ledger is at capacity; the acknowledgements of a batch to {} are not "
                        + "recorded, a retry of it goes to every sink", exchange.getProperty(Exchanges.TOPIC)));
    }

    @SuppressWarnings("unchecked")
    private boolean identify(Exchange exchange) {
        List<BatchEvent> events = exchange.getProperty(BatchReader.EVENTS, List.class);
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        if (events == null || ledger.kind() == DeliveryLedger.Kind.OFF) {
            return false;
        }
        String[] ids = new String[events.size()];
        boolean any = false;
        for (BatchEvent event : events) {
            if (event.valid()) {
                String id = ledger.identity(exchange, topic, event.event()).orElse(null);
                ids[event.index()] = id;
                any |= id != null;
            }
        }
        if (any) {
            exchange.setProperty(PROPERTY, new Known(ids, new Set[ids.length]));
        }
        return any;
    }

    private void lookUpAll(Exchange exchange) {
        Known known = exchange.getProperty(PROPERTY, Known.class);
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        Set<String> ids = new LinkedHashSet<>();
        for (String id : known.ids()) {
            if (id != null) {
                ids.add(id);
            }
        }
        // the whole batch at once: with the shared table, one query per sink rather than one per event and sink
        Map<String, Set<String>> acknowledged = ledger.acknowledgedSinks(topic, ids, sinks.active());
        if (acknowledged.isEmpty()) {
            return;
        }
        for (int i = 0; i < known.ids().length; i++) {
            Set<String> have = known.ids()[i] == null ? null : acknowledged.get(known.ids()[i]);
            if (have != null) {
                known.acknowledged()[i] = Set.copyOf(have);
            }
        }
    }

    private void recordAll(Exchange exchange) {
        Known known = exchange.getProperty(PROPERTY, Known.class);
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        BatchOutcomes outcomes = exchange.getProperty(BatchOutcomes.PROPERTY, BatchOutcomes.class);
        for (Delivery delivery : outcomes.deliveries()) {
            List<BatchEvent> events = delivery.events();
            Set<String> ids = new LinkedHashSet<>();
            for (int position = 0; position < events.size(); position++) {
                String id = known.ids()[events.get(position).index()];
                if (id != null && delivery.error(position) == null) {
                    ids.add(id);
                }
            }
            // the sink's share at once: with the shared table, one insert per sink
            ledger.acknowledged(topic, ids, delivery.sink().name());
        }
    }
}
