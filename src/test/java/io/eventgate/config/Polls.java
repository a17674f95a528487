package io.eventgate.config;

import io.eventgate.testsupport.CountingProxy;
import io.eventgate.testsupport.RunningGateway;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waiting for the configuration poll of a running gateway, polled every second in these tests. */
final class Polls {

    private Polls() {
    }

    /** Waits for {@code count} polls to complete; the first may have begun before the caller's change. */
    static void await(RunningGateway gateway, int count) {
        NotifyBuilder polls = new NotifyBuilder(gateway.app().camelContext()).fromRoute("config-poll")
                .whenCompleted(count).create();
        assertTrue(polls.matches(count * 3L, TimeUnit.SECONDS), count + " polls completed");
    }

    /** How many polls ran, and the requests the proxy saw meanwhile. */
    record Counted(int polls, List<String> requests) {
    }

    /**
     * Lets at least {@code count} polls run and counts them and the requests they made through
     * {@code proxy}. Polls are counted as they start, with the route stopped around the count, so
     * each poll that started has finished and made its requests, and none more has begun.
     */
    static Counted counted(RunningGateway gateway, CountingProxy proxy, int count) throws Exception {
        CamelContext context = gateway.app().camelContext();
        AtomicInteger started = new AtomicInteger();
        EventNotifierSupport notifier = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.ExchangeCreatedEvent created
                        && "config-poll".equals(created.getExchange().getFromRouteId())) {
                    started.incrementAndGet();
                }
            }
        };
        context.getManagementStrategy().addEventNotifier(notifier);
        try {
            context.getRouteController().stopRoute("config-poll");
            int startedBefore = started.get();
            int requestsBefore = proxy.requests().size();
            try {
                context.getRouteController().startRoute("config-poll");
                await(gateway, count);
            } finally {
                context.getRouteController().stopRoute("config-poll");
            }
            Counted counted = new Counted(started.get() - startedBefore,
                    proxy.requests().subList(requestsBefore, proxy.requests().size()));
            context.getRouteController().startRoute("config-poll");
            return counted;
        } finally {
            context.getManagementStrategy().removeEventNotifier(notifier);
        }
    }
}
