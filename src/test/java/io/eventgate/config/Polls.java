package io.eventgate.config;

import io.eventgate.testsupport.CountingProxy;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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

    /** An access.json that lets only S3User publish to the test topic, and one that lets OtherUser too. */
    static final String ACCESS_A = "{\"public.cps.za.test\": [\"S3User\"]}";
    static final String ACCESS_B = "{\"public.cps.za.test\": [\"S3User\", \"OtherUser\"]}";

    /**
     * Polls that find no change make one request each through {@code proxy}, each one that
     * {@code expected} accepts, and reload nothing.
     */
    static void assertOneRequestPerPollAndNoReload(RunningGateway gateway, CountingProxy proxy,
                                                   Predicate<String> expected) throws Exception {
        EventGateConfig before = gateway.app().config().current();
        Counted counted = counted(gateway, proxy, 3);
        int polls = counted.polls();
        List<String> during = counted.requests();

        assertTrue(polls >= 3, polls + " polls");
        assertEquals(polls, during.size(), "one request per poll: " + during);
        assertTrue(during.stream().allMatch(expected), during.toString());
        assertSame(before, gateway.app().config().current(), "nothing reloaded");
    }

    /**
     * With {@link #ACCESS_A} in force, {@code putAccess} writing {@link #ACCESS_B} lets OtherUser
     * publish after the next poll; {@link #ACCESS_A} is put back (and in force) at the end.
     */
    static void assertAChangedAccessIsInForceAfterTheNextPoll(RunningGateway gateway, Consumer<String> putAccess) {
        assertEquals(403, publish(gateway, "OtherUser"));
        try {
            putAccess.accept(ACCESS_B);

            await(gateway, 2);

            assertEquals(202, publish(gateway, "OtherUser"));
            assertEquals(202, publish(gateway, "S3User"));
        } finally {
            putAccess.accept(ACCESS_A);
            await(gateway, 2);
        }
        assertEquals(403, publish(gateway, "OtherUser"));
    }

    /** The status of a publish to the test topic by {@code subject}. */
    static int publish(RunningGateway gateway, String subject) {
        return gateway.post("/topics/public.cps.za.test", gateway.token(subject), Events.test(Events.id())).statusCode();
    }
}
