package io.eventgate.config;

import io.eventgate.testsupport.AcceptingSink;
import io.eventgate.testsupport.CapturedLog;
import io.eventgate.testsupport.CountingProxy;
import io.eventgate.testsupport.S3Server;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config_poll_seconds} with the configuration folder on S3 ({@code CONF_DIR=s3://...}): a
 * poll that finds no change costs one request, a listing, and a changed object is in force after
 * the next poll; a broken one is not, with one WARN line. The real AWS SDK client talks to the
 * tests' S3 server through a {@link CountingProxy}, which counts the requests whatever the server.
 * Kafka is not needed: the sink routes folder holds one sink that accepts every event.
 */
class S3ConfigPollTest {

    @TempDir
    static Path routes;

    private static AutoCloseable identity;
    private static S3Server s3;
    private static CountingProxy proxy;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        identity = S3Server.dummyAwsIdentity();
        s3 = S3Server.start();
        proxy = CountingProxy.to(s3.endpoint());
        AcceptingSink.writeTo(routes);
        Path conf = Path.of("conf");
        s3.put("poll", "prod/config.json", Files.readString(conf.resolve("config.json")));
        s3.put("poll", "prod/access.json", Polls.ACCESS_A);
        s3.put("poll", "prod/topic_keys.json", "{}");
        s3.put("poll", "prod/api.yaml", Files.readString(conf.resolve("api.yaml")));
        s3.put("poll", "prod/topic_schemas/test.json", Files.readString(conf.resolve("topic_schemas/test.json")));
        gateway = RunningGateway.start(Map.of(
                "eventgate.conf-dir", "s3://poll/prod/",
                "eventgate.s3.endpoint_override", proxy.endpoint(),
                "eventgate.config_poll_seconds", "1",
                "eventgate.routes-dir", routes.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        proxy.close();
        s3.close();
        identity.close();
    }

    @Test
    void aPollThatFindsNoChangeCostsOneListing() throws Exception {
        Polls.assertOneRequestPerPollAndNoReload(gateway, proxy, r -> r.startsWith("GET /poll") && r.contains("list-type=2"));
    }

    @Test
    void aChangedObjectIsInForceAfterTheNextPoll() {
        Polls.assertAChangedAccessIsInForceAfterTheNextPoll(gateway, access -> s3.put("poll", "prod/access.json", access));
    }

    @Test
    void aBrokenObjectKeepsTheConfigurationInForceWithOneWarning() {
        EventGateConfig before = gateway.app().config().current();
        try (CapturedLog log = CapturedLog.start()) {
            s3.put("poll", "prod/access.json", "{\"public.cps.za.test\": [\"S3User\"] broken");

            Polls.await(gateway, 4);

            assertSame(before, gateway.app().config().current(), "the configuration in force stays");
            List<String> warnings = log.lines("cannot be loaded");
            assertEquals(1, warnings.size(), "one WARN line: " + warnings);
            assertTrue(warnings.get(0).contains("WARN") && warnings.get(0).contains("access.json"), warnings.get(0));
            assertEquals(202, Polls.publish(gateway, "S3User"));
        } finally {
            s3.put("poll", "prod/access.json", Polls.ACCESS_A);
            Polls.await(gateway, 2);
        }
    }

}
