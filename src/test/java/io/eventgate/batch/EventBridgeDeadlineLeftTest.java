package io.eventgate.batch;

import io.eventgate.gateway.Exchanges;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkOutcomes;
import io.eventgate.sinks.eventbridge.EventBridgeSink;
import org.apache.camel.Exchange;
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
        Exchange exchange = publishing(new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 300));
        PutEventsRequest request = sink(300).requestWithin("{}", "t", BUS, exchange, "sink-eventbridge");
        assertEquals(1, request.entries().size());
    }

    @Test
    void aFreshEventGetsTheWholeCallTimeoutAndOneOutsideAPublishToo() {
        Exchange exchange = publishing(new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 5000));
        assertEquals(null, callTimeout(sink(5000).requestWithin("{}", "t", BUS, exchange, "sink-eventbridge")));
        assertEquals(null, callTimeout(sink(5000).requestWithin("{}", "t", BUS, new DefaultExchange(new DefaultCamelContext()), "sink-eventbridge")));
        assertEquals(null, callTimeout(sink(5000).requestWithin("{}", "t", BUS, null, null)));
    }

    @Test
    void aCopyOfTheRouteUnderAnotherNameCountsItsOwnDeadline() throws InterruptedException {
        // the built-in sink has 5 s, the copy 700 ms; 500 ms have passed since the fan-out
        Exchange exchange = publishing(new SinkDirectory.Sink("eventbridge", "direct:sink-eventbridge", List.of(), 5000),
                new SinkDirectory.Sink("audit-bus", "direct:sink-audit-bus", List.of(), 700));
        Thread.sleep(500);
        assertThrows(EventBridgeSink.WaitTimeoutException.class,
                () -> sink(5000).requestWithin("{}", "t", BUS, exchange, "sink-audit-bus"));
        Duration builtIn = callTimeout(sink(5000).requestWithin("{}", "t", BUS, exchange, "sink-eventbridge"));
        assertTrue(builtIn != null && builtIn.toMillis() <= 4250 && builtIn.toMillis() > 3000, "what is left of 5 s: " + builtIn);
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
