package io.eventgate.config;

import io.eventgate.testsupport.CapturedLog;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config_poll_seconds}: EventGate reloads a local configuration folder when its files change
 * (by time of change and size), not when they do not, and keeps the configuration in force, with
 * one WARN line, when the changed files are broken. Real HTTP, real broker.
 */
class ConfigPollTest {

    private static final String DLCHANGE = "public.cps.za.dlchange";

    @TempDir
    static Path conf;
    private static RunningGateway gateway;
    private static String access;

    @BeforeAll
    static void start() throws IOException {
        ExampleConf.copyTo(conf);
        access = Files.readString(conf.resolve("access.json"));
        gateway = RunningGateway.start(Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.config_poll_seconds", "1",
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aPollThatFindsNoChangeReloadsNothing() {
        EventGateConfig before = gateway.app().config().current();

        Polls.await(gateway, 3);

        assertSame(before, gateway.app().config().current());
    }

    @Test
    void aChangedAccessFileIsInForceAfterTheNextPoll() throws IOException {
        String id = Events.id();
        assertEquals(403, publishDlchange(Events.id()).statusCode());
        try {
            ExampleConf.editAccess(conf, rules -> rules.putArray(DLCHANGE).add("FooUser").add("TestUser"));

            Polls.await(gateway, 2);

            HttpResponse<String> answer = publishDlchange(id);
            assertEquals(202, answer.statusCode(), answer.body());
            assertTrue(KafkaRecords.find(SharedKafka.bootstrapServers(), DLCHANGE, r -> r.value().contains(id),
                    Duration.ofSeconds(10)).isPresent(), "event " + id + " is in Kafka");
        } finally {
            restore();
        }
    }

    @Test
    void aBrokenChangeKeepsTheConfigurationInForceWithOneWarning() throws IOException {
        EventGateConfig before = gateway.app().config().current();
        try (CapturedLog log = CapturedLog.start()) {
            ExampleConf.replace(conf.resolve("access.json"), "{ broken");

            Polls.await(gateway, 4);

            assertSame(before, gateway.app().config().current(), "the configuration in force stays");
            assertEquals(1, log.lines("cannot be loaded").size(), "one WARN line for one broken change: "
                    + log.lines("ConfigPoll"));
            assertTrue(log.lines("cannot be loaded").get(0).contains("WARN"));
            assertTrue(log.lines("cannot be loaded").get(0).contains("access.json"));
            assertEquals(202, gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                    Events.test(Events.id())).statusCode());
        } finally {
            restore();
        }
        assertNotSame(before, gateway.app().config().current(), "the repaired files were loaded");
    }

    private static HttpResponse<String> publishDlchange(String id) {
        return gateway.post("/topics/" + DLCHANGE, gateway.token("TestUser"), Events.dlchange(id));
    }

    /** Puts the original access file back and waits until a poll has loaded it. */
    private static void restore() throws IOException {
        ExampleConf.replace(conf.resolve("access.json"), access);
        Polls.await(gateway, 2);
    }
}
