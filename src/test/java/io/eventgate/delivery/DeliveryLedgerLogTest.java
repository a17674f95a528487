package io.eventgate.delivery;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.CapturedLog;
import io.eventgate.testsupport.ExampleConf;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The shared table of the {@code jdbc} repository is down: the one WARN line says so in EventGate's
 * words, like the Postgres sink's, and does not repeat the driver's text, which names the host and
 * port (or the SQL).
 */
class DeliveryLedgerLogTest {

    @Test
    void aDatabaseThatIsDownIsLoggedWithoutItsAddress() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Properties system = new Properties();
        system.setProperty("eventgate.token_public_keys_url", DevTokens.create().keysUrl());
        // a name that never resolves (RFC 2606): the driver's text names it
        system.setProperty("eventgate.postgres.jdbc_url", "jdbc:postgresql://eventgate-db.invalid:" + closedPort + "/eventgate");
        system.setProperty("eventgate.postgres.user", "eventgate");
        system.setProperty("eventgate.postgres.password", "secret");
        system.setProperty("eventgate.postgres.connect_timeout_ms", "500");
        system.setProperty("eventgate.delivery.repository", "jdbc");
        ConfigHolder config = new ConfigHolder(new ConfigLoader(ExampleConf.copy(), Map.of(), system, ConfigReader.LOCAL_ONLY)::load);

        try (DefaultCamelContext context = new DefaultCamelContext(); CapturedLog log = CapturedLog.start()) {
            context.start();
            DeliveryLedger ledger = DeliveryLedger.of(context, config);

            assertFalse(ledger.hasAcknowledged("public.cps.za.test", "e-1", "kafka"), "cannot tell: not acknowledged");

            List<String> lines = log.lines("shared table failed");
            assertEquals(1, lines.size(), "one WARN line: " + log.lines("Delivery ledger"));
            assertFalse(lines.get(0).contains("eventgate-db") || lines.get(0).contains(String.valueOf(closedPort)),
                    "no host or port: " + lines.get(0));
        }
    }

    @Test
    void sinksThatSeeTheTableFailAtOnceLogOneLineAndOneWhenItAnswers() throws Exception {
        SharedJdbcRepository.Availability database = new SharedJdbcRepository.Availability(60_000);
        int sinks = 8;
        try (CapturedLog log = CapturedLog.start()) {
            for (Runnable step : List.<Runnable>of(() -> database.failed(new IllegalStateException("down")),
                    database::succeeded)) {
                CyclicBarrier together = new CyclicBarrier(sinks);
                List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < sinks; i++) {
                    Thread thread = new Thread(() -> {
                        try {
                            together.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        step.run();
                    });
                    thread.start();
                    threads.add(thread);
                }
                for (Thread thread : threads) {
                    thread.join(10_000);
                }
            }

            assertEquals(1, log.lines("shared table failed").size(), "one WARN line: " + log.lines("Delivery ledger"));
            assertEquals(1, log.lines("shared table answers again").size(), "one line: " + log.lines("Delivery ledger"));
        }
    }
}
