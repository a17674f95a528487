package io.eventgate.batch;

import io.eventgate.gateway.Exchanges;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkOutcomes;
import io.eventgate.sinks.eventbridge.EventBridgeSink;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How much of its deadline an EventBridge call gets ({@link EventBridgeSink#requestWithin}), from the
 * deadline of the sink whose route runs. Found in review: a deadline shorter than the margin and the
 * shortest call (350 ms) refused every event as "waited" though none had; and a copy of the route under
 * another sink name, or a batch sent one event at a time, must count its own deadline.
 */
class EventBridgeDeadlineLeftTest {

    private static final String BUS = "arn:aws:events:eu-west-1:123456789012:event-bus/b";

    private static EventBridgeSink sink(long deadlineMs) {
        EventBridgeSink sink = new EventBridgeSink();
        sink.setDeadlineMs(deadlineMs);
        return sink;
    }

    private static Exchange publishing(SinkDirectory.Sink... sinks) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchanges.OUTCOMES, new SinkOutcomes(List.of(sinks)));
        return exchange;
    }

    private static Duration callTimeout(PutEventsRequest request) {
        return request.overrideConfiguration().flatMap(o -> o.apiCallTimeout()).orElse(null);
    }

    @Test
    void aDeadlineShorterThanTheMarginStillSendsAnEventThatDidNotWait() {
        long before = System.nanoTime();
        Exchange exchange = publishing(new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 300));
        EventBridgeSink sink = sink(300);
        try {
            assertEquals(1, sink.requestWithin("{}", "t", BUS, exchange, "sink-eventbridge").entries().size());
        } catch (EventBridgeSink.WaitTimeoutException e) {
            // only when this machine stalled for 100 ms (the wait that counts) between the fan-out and the call
            assumeTrue((System.nanoTime() - before) / 1_000_000 < 100, "stalled; cannot tell");
            throw e;
        }
    }

    @Test
    void aBatchWithADeadlineShorterThanTheMarginStillMakesItsFirstCall() {
        // no client can be made here (no region), so the call fails: but it is made, not refused as "not sent"
        List<String> errors = sink(300).putAll(List.of("{}"), "t", 300L);
        assertFalse(errors.get(0).startsWith("Not sent"), errors.get(0));
    }

    @Test
    void aFreshEventGetsTheWholeCallTimeoutAndOneOutsideAPublishToo() {
        Exchange exchange = publishing(new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 5000));
        assertEquals(null, callTimeout(sink(5000).requestWithin("{}", "t", BUS, exchange, "sink-eventbridge")));
        assertEquals(null, callTimeout(sink(5000).requestWithin("{}", "t", BUS, new DefaultExchange(new DefaultCamelContext()), "sink-eventbridge")));
        assertEquals(null, callTimeout(sink(5000).requestWithin("{}", "t", BUS, null, null)));
    }

    @Test
    void aCopyOfTheRouteUnderAnotherNameCountsItsOwnDeadline() throws Exception {
        // the built-in sink has 5 s, the copy 700 ms; at least 500 ms have passed since the fan-out.
        // The copy's route has an id of its own: the sink is named by its from: endpoint, as the directory names it.
        DefaultCamelContext context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:sink-audit-bus").routeId("route7").log("audit");
            }
        });
        context.start();
        try {
            long fanOut = System.nanoTime();
            Exchange exchange = new DefaultExchange(context);
            exchange.setProperty(Exchanges.OUTCOMES, new SinkOutcomes(List.of(
                    new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 5000),
                    new SinkDirectory.Sink("audit-bus", "direct:sink-audit-bus", List.of(), 700))));
            Thread.sleep(500);
            assertThrows(EventBridgeSink.WaitTimeoutException.class,
                    () -> sink(5000).requestWithin("{}", "t", BUS, exchange, "route7"));
            assertThrows(EventBridgeSink.WaitTimeoutException.class,
                    () -> sink(5000).requestWithin("{}", "t", BUS, exchange, "sink-audit-bus"));
            long before = (System.nanoTime() - fanOut) / 1_000_000;
            Duration builtIn = callTimeout(sink(5000).requestWithin("{}", "t", BUS, exchange, "sink-eventbridge"));
            long after = (System.nanoTime() - fanOut) / 1_000_000;
            assertTrue(builtIn != null && builtIn.toMillis() <= 4750 - before + 1 && builtIn.toMillis() >= 4750 - after - 1,
                    "what is left of 5 s after " + before + " to " + after + " ms: " + builtIn);
        } finally {
            context.stop();
        }
    }

    @Test
    void aBatchSentOneEventAtATimeCountsItsShareOfTheDeadline() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        SinkDirectory.Sink eventBridge = new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 400);
        // the share fanned out 300 ms ago: 100 ms left, less than the margin
        exchange.setProperty(BatchPublish.DELIVERY, new Delivery(eventBridge, List.of(), System.nanoTime() - 300_000_000L, 1));
        assertThrows(EventBridgeSink.WaitTimeoutException.class,
                () -> sink(400).requestWithin("{}", "t", BUS, exchange, "sink-eventbridge"));
    }

    @Test
    void theBatchRouteTakesNoDeadlineAsTheWholeOne() {
        assertFalse(sink(1000).putAll(List.of(), "t", (Long) null).iterator().hasNext());
    }
}
