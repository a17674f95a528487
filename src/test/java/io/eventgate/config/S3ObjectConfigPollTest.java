package io.eventgate.config;

import io.eventgate.testsupport.AcceptingSink;
import io.eventgate.testsupport.CapturedLog;
import io.eventgate.testsupport.CountingProxy;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code config_poll_seconds} with a local configuration folder whose {@code config.json} names a
 * single object on S3 ({@code access_config: s3://bucket/key}): a poll looks at that object with one
 * HeadObject (its ETag) and nothing else on S3, and a change to it is in force after the next poll.
 * A deleted object keeps the configuration in force, with one WARN line naming it.
 * The real AWS SDK client talks to S3Mock through a {@link CountingProxy}, which counts its requests.
 */
class S3ObjectConfigPollTest {

    @TempDir
    static Path routes;

    private static AutoCloseable identity;
    private static S3Server s3;
    private static CountingProxy proxy;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        identity = S3Server.dummyAwsIdentity();
        s3 = S3Server.start();
        proxy = CountingProxy.to(s3.endpoint());
        AcceptingSink.writeTo(routes);
        s3.put("single", "prod/access.json", Polls.ACCESS_A);
        gateway = RunningGateway.start(Map.of(
                "eventgate.access_config", "s3://single/prod/access.json",
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
    void aPollThatFindsNoChangeCostsOneHeadObject() throws Exception {
        Polls.assertOneRequestPerPollAndNoReload(gateway, proxy, r -> r.equals("HEAD /single/prod/access.json"));
    }

    @Test
    void aChangedObjectIsInForceAfterTheNextPoll() {
        Polls.assertAChangedAccessIsInForceAfterTheNextPoll(gateway, access -> s3.put("single", "prod/access.json", access));
    }

    @Test
    void aDeletedObjectKeepsTheConfigurationInForceWithOneWarningNamingIt() {
        EventGateConfig before = gateway.app().config().current();
        try (CapturedLog log = CapturedLog.start()) {
            s3.delete("single", "prod/access.json");

            Polls.await(gateway, 4);

            assertSame(before, gateway.app().config().current(), "the configuration in force stays");
            List<String> warnings = log.lines("Cannot tell whether the configuration changed");
            assertEquals(1, warnings.size(), "one WARN line: " + warnings);
            assertTrue(warnings.get(0).contains("s3://single/prod/access.json: "), warnings.get(0));
            assertFalse(warnings.get(0).contains("127.0.0.1"), warnings.get(0));
            assertEquals(202, Polls.publish(gateway, "S3User"));
        } finally {
            s3.put("single", "prod/access.json", Polls.ACCESS_A);
            Polls.await(gateway, 2);
        }
        assertEquals(202, Polls.publish(gateway, "S3User"));
        assertEquals(403, Polls.publish(gateway, "OtherUser"));
    }

}
