package io.eventgate.batch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import io.eventgate.metrics.BatchCounts;
import io.eventgate.sinks.SinkDirectory;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcome of one batch publish: the events and their refusals, each sink's {@link Delivery},
 * and the answer made from them. Shared by every copy of the exchange in the fan-out.
 *
 * <p>The answer is 202 {@code {"success": true, "statusCode": 202, "accepted": n}} when every event
 * passed its checks and every sink acknowledged it; otherwise 207, with one result per event in array
 * order: {@code {"index": i, "success": true, "statusCode": 202}}, or the single-event error body
 * with its index, {@code {"index": i, "success": false, "statusCode": s, "errors": [...]}} (400, 403
 * or 413 from the checks; 500 with one error per failed sink).
 */
public final class BatchOutcomes implements AutoCloseable, BatchCounts {

    public static final String PROPERTY = BatchCounts.PROPERTY;

    private final List<BatchEvent> events;
    private final List<SinkDirectory.Sink> sinks;
    private final List<Delivery> deliveries = new ArrayList<>();
    /** Per sink name, per event index: the delivery and the event's position in it. */
    private final Map<String, Map<Integer, Integer>> positions = new HashMap<>();
    private final Map<String, Delivery> deliveryOf = new HashMap<>();
    /** Per sink name, the events its bulkhead had no room for. */
    private final Map<String, java.util.Set<Integer>> overCapacity = new HashMap<>();
    private final AtomicInteger prepared = new AtomicInteger();

    /**
     * Plans the deliveries ({@link BatchPlan}; {@code known}: what the delivery ledger knew, null when
     * nothing) and takes the sinks' bulkhead places: one for the whole share of a sink with a batch
     * route ({@code oneCall}: it takes the share in one call, on its own bounded queue), one per event for
     * the others (each event is its own call of the sink's route). An event a sink has no room for fails
     * for that sink at once ("at capacity").
     */
    BatchOutcomes(List<BatchEvent> events, List<SinkDirectory.Sink> sinks, BatchLedger.Known known,
                  java.util.function.Predicate<SinkDirectory.Sink> oneCall) {
        this.events = events;
        this.sinks = List.copyOf(sinks);
        long start = System.nanoTime();
        BatchPlan.sinksPerEvent(events, sinks,
                index -> known == null ? java.util.Set.of() : known.acknowledged(index)).forEach((sink, planned) -> {
            boolean whole = !planned.isEmpty() && oneCall.test(sink);
            int admitted = whole ? Delivery.admit(sink, 1) * planned.size() : Delivery.admit(sink, planned.size());
            if (admitted < planned.size()) {
                overCapacity.put(sink.name(), planned.subList(admitted, planned.size()).stream()
                        .map(BatchEvent::index).collect(java.util.stream.Collectors.toSet()));
            }
            Map<Integer, Integer> position = new HashMap<>();
            for (int i = 0; i < planned.size(); i++) {
                position.put(planned.get(i).index(), i);
            }
            positions.put(sink.name(), position);
            if (admitted > 0) {
                Delivery delivery = new Delivery(sink, planned.subList(0, admitted), start, whole ? 1 : admitted);
                deliveries.add(delivery);
                deliveryOf.put(sink.name(), delivery);
            }
        });
    }

    /** The deliveries to send, in sink order. */
    List<Delivery> deliveries() {
        return deliveries;
    }

    /** The next delivery, for the fan-out's copies as they are made (in the order of {@link #deliveries()}). */
    Delivery nextDelivery() {
        return deliveries.get(prepared.getAndIncrement());
    }

    /** The publish answers: the places of sinks that did not answer in time are given back. */
    @Override
    public void close() {
        deliveries.forEach(Delivery::release);
    }

    /**
     * Writes the answer onto the exchange.
     *
     * @return the sinks' errors of the first event that a sink did not acknowledge, and how many such
     *         events there were; null when every sink acknowledged every event sent to it
     */
    String answer(Exchange exchange) {
        int accepted = 0;
        int sinkFailed = 0;
        List<Responses.Error> firstSinkErrors = null;
        ArrayNode results = Responses.JSON.createArrayNode();
        for (BatchEvent event : events) {
            ObjectNode result = results.addObject().put("index", event.index());
            List<Responses.Error> errors;
            int status;
            if (event.valid()) {
                errors = sinkErrors(event.index());
                status = errors.isEmpty() ? 202 : 500;
                if (!errors.isEmpty() && sinkFailed++ == 0) {
                    firstSinkErrors = errors;
                }
            } else {
                GatewayException refusal = event.refusal();
                errors = refusal.errors();
                status = refusal.status();
            }
            result.put("success", errors.isEmpty()).put("statusCode", status);
            if (errors.isEmpty()) {
                accepted++;
            } else {
                ArrayNode list = result.putArray("errors");
                errors.forEach(e -> list.addObject().put("type", e.type()).put("message", e.message()));
            }
        }
        ObjectNode body = Responses.JSON.createObjectNode();
        boolean all = accepted == events.size();
        body.put("success", all).put("statusCode", all ? 202 : 207)
                .put("accepted", accepted).put("failed", events.size() - accepted);
        if (!all) {
            body.set("results", results);
        }
        Responses.json(exchange, all ? 202 : 207, body);
        return sinkFailed == 0 ? null : sinkFailed + " of " + events.size() + " events, the first in " + firstSinkErrors;
    }

    /** For the metrics: each event's status, as {@link #answer} gives it. */
    @Override
    public void forEachEvent(EventVisitor visitor) {
        for (BatchEvent event : events) {
            if (event.valid()) {
                List<Responses.Error> errors = sinkErrors(event.index());
                visitor.event(errors.isEmpty() ? 202 : 500, null, errors);
            } else {
                visitor.event(event.refusal().status(), event.refusal().type(), List.of());
            }
        }
    }

    /** One error per sink that did not acknowledge the event, in sink order. */
    private List<Responses.Error> sinkErrors(int index) {
        List<Responses.Error> errors = new ArrayList<>(0);
        for (SinkDirectory.Sink sink : sinks) {
            Integer position = positions.get(sink.name()).get(index);
            if (position == null) {
                continue; // the plan did not send it there
            }
            String error;
            if (overCapacity.getOrDefault(sink.name(), java.util.Set.of()).contains(index)) {
                error = "Sink is at capacity (" + sink.maxInFlight() + " events or batches in flight); try again later";
            } else {
                error = deliveryOf.get(sink.name()).error(position);
            }
            if (error != null) {
                errors.add(new Responses.Error(sink.name(), error));
            }
        }
        return errors;
    }
}
