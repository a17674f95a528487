package io.eventgate.sinks;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.ExampleConf;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sink's health probe: checks at the same time share one probe, and a check that comes after an
 * answered one probes again, even when it is made the moment that answer is handed over (a client
 * that sends its next {@code /health} as soon as it reads the last one).
 */
class SinkHealthProbeTest {

    private final AtomicInteger probes = new AtomicInteger();
    private volatile CountDownLatch hold;
    private DefaultCamelContext context;
    private SinkHealth health;

    @BeforeEach
    void start() throws Exception {
        Properties overrides = new Properties();
        overrides.setProperty("eventgate.token_public_keys_url", DevTokens.create().keysUrl());
        ConfigLoader loader = new ConfigLoader(ExampleConf.copy(), Map.of(), overrides, ConfigReader.LOCAL_ONLY);
        ConfigHolder config = new ConfigHolder(loader::load);
        context = new DefaultCamelContext();
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:sink-probed").routeId("sink-probed").log("event");
                from("direct:health-probed").routeId("health-probed").process(exchange -> {
                    probes.incrementAndGet();
                    CountDownLatch latch = hold;
                    if (latch != null) {
                        latch.await(10, TimeUnit.SECONDS);
                    }
                });
            }
        });
        context.start();
        SinkDirectory sinks = new SinkDirectory(config);
        sinks.refresh(context);
        assertTrue(sinks.find("probed").isPresent(), "the sink is found");
        health = new SinkHealth(sinks);
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
    }

    @Test
    void aCheckMadeAsTheLastAnswerIsHandedOverProbesAgain() throws Exception {
        SinkHealth.Report second = health.check(context)
                .thenCompose(first -> health.check(context))
                .get(10, TimeUnit.SECONDS);

        assertEquals("ok", second.dependencies().get("probed"));
        assertEquals(2, probes.get(), "the second check probed the sink again");
    }

    @Test
    void checksAtTheSameTimeShareOneProbe() throws Exception {
        hold = new CountDownLatch(1);
        CompletableFuture<SinkHealth.Report> first = health.check(context);
        CompletableFuture<SinkHealth.Report> second = health.check(context);
        assertFalse(first.isDone() || second.isDone(), "the probe is held");
        hold.countDown();

        assertEquals("ok", first.get(10, TimeUnit.SECONDS).dependencies().get("probed"));
        assertEquals("ok", second.get(10, TimeUnit.SECONDS).dependencies().get("probed"));
        assertEquals(1, probes.get(), "one probe for both");

        health.check(context).get(10, TimeUnit.SECONDS);
        assertEquals(2, probes.get(), "a later check probes again");
    }
}
