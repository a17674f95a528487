package io.eventgate.reliability;

import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.reliability.Traffic.Outcome;
import io.eventgate.reliability.Traffic.Phase;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.FakeEventBridge;
import io.eventgate.testsupport.FakeEventBridge.Behaviour;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault runs: EventGate over real HTTP with four sinks (Kafka, Postgres, EventBridge, a YAML-only
 * sink), a few clients publishing new events without pause, and one fault injected in the middle
 * and then healed: the broker killed and restarted, the broker paused, Postgres killed and restarted,
 * EventBridge answering 5xx, EventBridge throttling, the YAML sink hanging. Afterwards every sink is
 * read back. Asserted: every event answered 202 is in every sink (also after one client retry of
 * the rest). Counted and reported, not asserted: events answered 500 that some sink holds anyway,
 * events without an answer, copies. The report is {@code target/reliability/report.md}.
 *
 * <p>The short form (the defaults) runs in the normal build; the long form is
 * {@code bench/reliability.sh} ({@code -Dfault.seconds=30 -Dfault.sink_timeout_ms=5000}). Settings:
 * {@code fault.seconds} (how long each fault lasts, default 2), {@code fault.sink_timeout_ms} (the
 * sinks' deadline, default 1500; at 5000, EventGate's default, the Kafka client keeps its own
 * defaults, otherwise its timeouts are scaled to it), {@code fault.clients} (8),
 * {@code fault.think_ms} (pause between an answer and a client's next event, 10).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultRunTest {

    private static final double FAULT_SECONDS = Double.parseDouble(System.getProperty("fault.seconds", "2"));
    private static final long DEADLINE_MS = Long.getLong("fault.sink_timeout_ms", 1500);
    private static final int CLIENTS = Integer.getInteger("fault.clients", 8);
    private static final long THINK_MS = Long.getLong("fault.think_ms", 10);
    private static final double BEFORE_SECONDS = Math.max(0.5, FAULT_SECONDS / 5);
    private static final double AFTER_SECONDS = Math.max(1.0, FAULT_SECONDS / 5);
    private static final Path REPORT = Path.of("target", "reliability", "report.md");
    private static final String BUS = "arn:aws:events:eu-west-1:123456789012:event-bus/eventgate-reliability";

    private static final List<FaultResult> RESULTS = new ArrayList<>();
    private static EmbeddedKafka kafka;
    private static CompletableFuture<ChildBroker> childBroker;
    private static RestartablePostgres postgres;
    private static FakeEventBridge eventBridge;
    private static Path routes;
    private static RunningGateway gateway;
    private static long startedNanos;

    @BeforeAll
    static void start() throws IOException {
        startedNanos = System.nanoTime();
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        // The pausable broker starts in its own JVM meanwhile; only the paused-broker run needs it.
        childBroker = CompletableFuture.supplyAsync(() -> ChildBroker.start(
                REPORT.resolveSibling("child-broker.log"), SinkContents.TOPIC));
        CompletableFuture<RestartablePostgres> database = CompletableFuture.supplyAsync(RestartablePostgres::start);
        kafka = EmbeddedKafka.start();
        kafka.createTopic(SinkContents.TOPIC);
        long kafkaReady = System.nanoTime();
        postgres = database.join();
        long postgresReady = System.nanoTime();
        eventBridge = FakeEventBridge.start();
        routes = Files.createTempDirectory("reliability-routes");
        HangingSink.writeRoute(routes);
        gateway = startGateway(kafka.bootstrapServers());
        System.out.printf(Locale.ROOT, "FaultRunTest: set up in %.1f s (broker %.1f s, then Postgres %.1f s, EventGate %.1f s)%n",
                (System.nanoTime() - startedNanos) / 1e9, (kafkaReady - startedNanos) / 1e9,
                (postgresReady - kafkaReady) / 1e9, (System.nanoTime() - postgresReady) / 1e9);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            writeReport();
        } finally {
            closeQuietly(() -> gateway.close());
            closeQuietly(SinkContents::closeConsumers);
            closeQuietly(() -> childBroker.get(60, TimeUnit.SECONDS).close());
            closeQuietly(() -> kafka.close());
            closeQuietly(() -> postgres.close());
            closeQuietly(() -> eventBridge.close());
            closeQuietly(() -> {
                Files.deleteIfExists(routes.resolve("yaml-sink.yaml"));
                Files.deleteIfExists(routes);
            });
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    @Order(1)
    void brokerKilledAndRestarted() throws Exception {
        run("Broker killed and restarted", "The in-JVM broker (`EmbeddedKafka`) is shut down (its port refuses"
                        + " connections; its data is kept) and, after the fault time, started again on the same port and data.",
                gateway, kafka.bootstrapServers(), new Fault() {
                    @Override
                    public void inject() {
                        kafka.stop();
                    }

                    @Override
                    public void heal() {
                        kafka.restart();
                    }
                });
    }

    @Test
    @Order(2)
    void brokerPaused() throws Exception {
        ChildBroker broker = childBroker.get(60, TimeUnit.SECONDS);
        RunningGateway paused = startGateway(broker.bootstrapServers());
        try {
            run("Broker paused", "The broker runs in a child JVM, stopped with `kill -STOP` (its sockets stay open,"
                            + " nothing answers) and resumed with `kill -CONT`.",
                    paused, broker.bootstrapServers(), new Fault() {
                        @Override
                        public void inject() {
                            broker.pause();
                        }

                        @Override
                        public void heal() {
                            broker.resume();
                        }
                    });
        } finally {
            broker.resume(); // the run heals it; this is in case the heal itself failed
            paused.close();
        }
    }

    @Test
    @Order(3)
    void postgresKilledAndRestarted() throws Exception {
        run("Postgres killed and restarted", "The postmaster and every backend get SIGKILL; after the fault time"
                        + " Postgres starts again on the same port and data directory (crash recovery).",
                gateway, kafka.bootstrapServers(), new Fault() {
                    @Override
                    public void inject() {
                        postgres.kill();
                    }

                    @Override
                    public void heal() {
                        postgres.restart();
                    }
                });
    }

    @Test
    @Order(4)
    void eventBridgeServerErrors() throws Exception {
        run("EventBridge 5xx", "The fake EventBridge answers every PutEvents with HTTP 500 InternalException.",
                gateway, kafka.bootstrapServers(), eventBridgeAnswers(Behaviour.SERVER_ERROR));
    }

    @Test
    @Order(5)
    void eventBridgeThrottling() throws Exception {
        run("EventBridge throttling", "The fake EventBridge answers every PutEvents with HTTP 400 ThrottlingException.",
                gateway, kafka.bootstrapServers(), eventBridgeAnswers(Behaviour.THROTTLE));
    }

    @Test
    @Order(6)
    void sinkHangs() throws Exception {
        run("A sink hangs", "The YAML sink stops answering: each event that reaches it waits (without a thread)"
                        + " until the hang ends and is stored then, as a remote service that stalls and then catches up.",
                gateway, kafka.bootstrapServers(), new Fault() {
                    @Override
                    public void inject() {
                        HangingSink.hangFor(Duration.ofMillis((long) (FAULT_SECONDS * 1000)));
                    }

                    @Override
                    public void heal() {
                        HangingSink.heal();
                    }
                });
    }

    /** A fault: injected, held for fault.seconds, then healed (always, also when the run fails). */
    private interface Fault {
        void inject() throws Exception;

        void heal() throws Exception;
    }

    private static Fault eventBridgeAnswers(Behaviour behaviour) {
        return new Fault() {
            @Override
            public void inject() {
                eventBridge.behave(behaviour);
            }

            @Override
            public void heal() {
                eventBridge.behave(Behaviour.ACCEPT);
            }
        };
    }

    private static void run(String title, String what, RunningGateway target, String bootstrap, Fault fault)
            throws Exception {
        eventBridge.behave(Behaviour.ACCEPT); // also forgets the fake's request log of earlier runs
        Traffic traffic = new Traffic(target.uri("/topics/" + SinkContents.TOPIC), target.token("TestUser"));
        long t0 = System.nanoTime();
        long injectStart = 0;
        long injectDone = 0;
        long healStart = 0;
        long healDone = 0;
        List<Outcome> outcomes;
        traffic.start(CLIENTS, THINK_MS);
        try {
            sleep(BEFORE_SECONDS);
            traffic.phase(Phase.FAULT);
            injectStart = millisSince(t0);
            try {
                fault.inject();
                injectDone = millisSince(t0);
                sleep(FAULT_SECONDS);
            } finally {
                healStart = millisSince(t0);
                fault.heal();
                healDone = millisSince(t0);
                traffic.phase(Phase.AFTER);
            }
            sleep(AFTER_SECONDS);
        } finally {
            outcomes = traffic.stop();
        }
        long trafficEnd = millisSince(t0);

        Map<String, Supplier<Map<String, Integer>>> readers = SinkContents.readers(bootstrap, FaultRunTest::dataSource,
                eventBridge);
        Set<String> ids = FaultResult.ids(outcomes);
        Map<String, Map<String, Integer>> held = settle(readers, ids);
        List<Outcome> toRetry = outcomes.stream().filter(e -> !e.accepted()).toList();
        List<Outcome> retries = traffic.resend(toRetry, CLIENTS);
        // The retries' own answers came after their sinks' acknowledgements: one read suffices.
        Map<String, Map<String, Integer>> heldAfterRetry = held;
        if (!toRetry.isEmpty()) {
            Thread.sleep(250);
            heldAfterRetry = read(readers, ids);
        }

        FaultResult result = new FaultResult(title, what,
                new FaultResult.Timeline(injectStart, injectDone, healStart, healDone, trafficEnd),
                outcomes, held, retries, heldAfterRetry);
        synchronized (RESULTS) {
            RESULTS.add(result);
        }
        writeReport();
        System.out.println(result.markdown());
        System.out.printf(Locale.ROOT, "FaultRunTest: %s took %.1f s (traffic %.1f s)%n", title,
                millisSince(t0) / 1000.0, trafficEnd / 1000.0);

        assertTrue(result.sent() > 0, "no event was sent");
        assertEquals(List.of(), result.acceptedButMissing(), title + ": answered 202 but missing from a sink");
        assertEquals(List.of(), result.retryAcceptedButMissing(), title + ": retried, 202, but missing from a sink");
    }

    /**
     * Reads every sink until two reads 500 ms apart agree on this run's events (writes that were
     * still under way when their events were answered land meanwhile), for at most 20 s.
     */
    private static Map<String, Map<String, Integer>> settle(Map<String, Supplier<Map<String, Integer>>> readers,
                                                            Set<String> ids) throws InterruptedException {
        Thread.sleep(250);
        Map<String, Map<String, Integer>> previous = read(readers, ids);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Thread.sleep(500);
            Map<String, Map<String, Integer>> current = read(readers, ids);
            if (current.equals(previous) || System.nanoTime() > deadline) {
                return current;
            }
            previous = current;
        }
    }

    private static Map<String, Map<String, Integer>> read(Map<String, Supplier<Map<String, Integer>>> readers,
                                                          Set<String> ids) {
        Map<String, Map<String, Integer>> held = new LinkedHashMap<>();
        readers.forEach((sink, reader) -> {
            Map<String, Integer> ours = new HashMap<>();
            reader.get().forEach((id, copies) -> {
                if (ids.contains(id)) {
                    ours.put(id, copies);
                }
            });
            held.put(sink, ours);
        });
        return held;
    }

    private static DataSource dataSource() {
        return postgres.dataSource();
    }

    private static RunningGateway startGateway(String bootstrap) {
        Map<String, String> settings = new HashMap<>();
        settings.put("eventgate.kafka_bootstrap_server", bootstrap);
        settings.put("eventgate.event_bus_arn", BUS);
        settings.put("eventgate.eventbridge.endpoint_override", eventBridge.url());
        settings.put("eventgate.postgres.host", "localhost");
        settings.put("eventgate.postgres.port", String.valueOf(postgres.port()));
        settings.put("eventgate.postgres.database", "postgres");
        settings.put("eventgate.postgres.user", "postgres");
        settings.put("eventgate.postgres.migrate", "true");
        settings.put("eventgate.routes-dir", "routes," + routes);
        settings.put("eventgate.sink_timeout_ms", String.valueOf(DEADLINE_MS));
        if (DEADLINE_MS != 5000) {
            // EventGate's defaults (3000, 4500, 4500) for its default deadline 5000, scaled.
            settings.put("eventgate.sinks.kafka.request_timeout_ms", String.valueOf(DEADLINE_MS * 3 / 5));
            settings.put("eventgate.sinks.kafka.delivery_timeout_ms", String.valueOf(DEADLINE_MS * 9 / 10));
            settings.put("eventgate.sinks.kafka.max_block_ms", String.valueOf(DEADLINE_MS * 9 / 10));
        }
        RunningGateway started = RunningGateway.start(settings);
        // Warm-up (Kafka producer, Postgres pool and migration, AWS client); not part of any run.
        String token = started.token("TestUser");
        for (int attempt = 0; ; attempt++) {
            int status = started.post("/topics/" + SinkContents.TOPIC, token, Events.test(Events.id())).statusCode();
            if (status == 202) {
                return started;
            }
            if (attempt == 20) {
                started.close();
                throw new IllegalStateException("EventGate does not accept events: " + status);
            }
            sleep(0.25);
        }
    }

    private static void writeReport() throws IOException {
        List<FaultResult> results;
        synchronized (RESULTS) {
            results = List.copyOf(RESULTS);
        }
        if (results.isEmpty()) {
            return;
        }
        StringBuilder md = new StringBuilder("# Fault runs\n\n");
        md.append(String.format(Locale.ROOT, "`FaultRunTest`: fault.seconds=%s, fault.sink_timeout_ms=%d,"
                        + " fault.clients=%d, fault.think_ms=%d; %.1f s before each fault, %.1f s after it;"
                        + " class running for %.0f s at this writing.%n%n",
                FAULT_SECONDS, DEADLINE_MS, CLIENTS, THINK_MS, BEFORE_SECONDS, AFTER_SECONDS,
                (System.nanoTime() - startedNanos) / 1e9));
        md.append(FaultResult.summaryHeader(results.get(0).sinkNames())).append('\n');
        results.forEach(r -> md.append(r.summaryRow()).append('\n'));
        md.append('\n');
        results.forEach(r -> md.append(r.markdown()).append('\n'));
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, md.toString());
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static void sleep(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void closeQuietly(Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            System.err.println("FaultRunTest: clean-up failed: " + e);
        }
    }
}
