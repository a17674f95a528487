package io.eventgate.config;

import io.eventgate.dev.DevTokens;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.testsupport.ExampleConf;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The poll and {@code POST /terminate} share one reload when they overlap. A reload that began
 * before the files changed has read the old files: a poll that sees the change must not take that
 * reload's outcome for the change, or the change is marked seen and never loaded.
 */
class ConfigPollRaceTest {

    private static final String DLCHANGE = "public.cps.za.dlchange";

    @Test
    void aChangeSeenWhileAnOlderReloadIsInFlightIsLoaded() throws Exception {
        Path conf = ExampleConf.copy();
        Properties overrides = new Properties();
        overrides.setProperty("eventgate.token_public_keys_url", DevTokens.create().keysUrl());
        ConfigLoader loader = new ConfigLoader(conf, Map.of(), overrides, ConfigReader.LOCAL_ONLY);

        CountDownLatch readOldFiles = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        boolean[] holdNextLoad = {false};
        ConfigHolder config = new ConfigHolder(() -> {
            EventGateConfig loaded = loader.load();
            if (holdNextLoad[0]) {
                holdNextLoad[0] = false;
                readOldFiles.countDown();
                await(release);
            }
            return loaded;
        });
        SinkDirectory sinks = new SinkDirectory(config);
        ConfigPoll poll = new ConfigPoll(config, loader, sinks, 1);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            poll.addRoutesToCamelContext(context); // configure(): the poll's first version is taken here
            assertTrue(!config.current().access().isListed(DLCHANGE, "TestUser"));

            // An admin's /terminate: its reload reads the files, then is held before it swaps.
            holdNextLoad[0] = true;
            CompletableFuture<EventGateConfig> terminate = CompletableFuture.supplyAsync(config::reload);
            assertTrue(readOldFiles.await(10, TimeUnit.SECONDS));

            // The files change now, and the poll sees it while that reload is still in flight.
            ExampleConf.editAccess(conf, rules -> rules.putArray(DLCHANGE).add("TestUser"));
            Thread poller = new Thread(() -> poll.poll(context), "test-poll");
            poller.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (poller.getState() != Thread.State.WAITING && poller.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            release.countDown();
            terminate.get(10, TimeUnit.SECONDS);
            poller.join(10_000);

            assertTrue(config.current().access().isListed(DLCHANGE, "TestUser"),
                    "the change the poll saw is in force");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
