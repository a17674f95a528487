package io.eventgate.bench;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The batch publish benchmark of issue 11, run by {@code bench/batch.sh}: EventGate ({@code java
 * $EVENTGATE_JAVA_OPTS -jar target/eventgate.jar}, Kafka sink only) against a broker of its own
 * ({@code io.eventgate.dev.StandaloneKafka}), each its own process on this machine, with the load
 * generator ({@link HttpLoad}) in this JVM. In the same run and alternating, so that the machine's
 * noise falls on both alike: {@code POST /topics/{topic}/batch} with {@code --events} copies of the
 * 1 KB {@link BenchEvent} per request, and {@code POST /topics/{topic}} with one, each at
 * {@code --clients} closed-loop clients: events/s, requests/s, p50/p99 of a request, and CPU (utime +
 * stime of EventGate and of the broker) per accepted event; then the ratios batch / single.
 *
 * <p>Options: {@code --smoke} (a second per point), {@code --seconds N} measured per point (10),
 * {@code --warmup N} (5), {@code --clients N} (16), {@code --events N} per batch (100), {@code --rounds N}
 * (2: batch, single, batch, single), {@code --batch-only} (no single-event points: to profile the batch path). System properties from the script: {@code bench.cp},
 * {@code bench.commit}, {@code bench.clkTck}, {@code bench.out}.
 */
public final class BatchBench {

    private static final String HOST = BenchProcesses.HOST;
    /** The target at 16 clients and 100 events per batch. */
    private static final double TARGET_EVENTS_PER_SECOND = 50_000;

    private final boolean smoke;
    private final double seconds;
    private final double warmup;
    private final int clients;
    private final int events;
    private final int rounds;
    /** Only the batch path (for profiling it alone); the single-event rows then repeat the batch's. */
    private final boolean batchOnly;
    private final Path out;
    private final String cp = System.getProperty("bench.cp", System.getProperty("java.class.path"));
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> gatewayOpts;
    private final Map<String, String> gatewayEnv = new LinkedHashMap<>();
    private final Children children;
    private final StringBuilder md = new StringBuilder();
    private final List<String> problems = new ArrayList<>();

    private Process broker;
    private String bootstrap;
    private Process gateway;
    private int port;
    private byte[] single;
    private byte[] batch;

    private BatchBench(Map<String, String> o) throws IOException {
        smoke = o.containsKey("smoke");
        seconds = Double.parseDouble(o.getOrDefault("seconds", smoke ? "1" : "10"));
        warmup = Double.parseDouble(o.getOrDefault("warmup", smoke ? "0.5" : "5"));
        clients = Integer.parseInt(o.getOrDefault("clients", "16"));
        events = Integer.parseInt(o.getOrDefault("events", "100"));
        rounds = Integer.parseInt(o.getOrDefault("rounds", smoke ? "1" : "2"));
        batchOnly = o.containsKey("batch-only");
        out = Path.of(System.getProperty("bench.out", "target/bench"));
        Files.createDirectories(out);
        String opts = System.getenv().getOrDefault("EVENTGATE_JAVA_OPTS", "").trim();
        gatewayOpts = opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
        // The sinks' bulkhead at its default: a batch holds one place in the Kafka sink (its batch route).
        children = new Children(out.resolve("batch-children.pids"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
            String name = a.substring(2);
            options.put(name, name.equals("smoke") || name.equals("batch-only") ? "true" : args[++i]);
        }
        BatchBench bench = new BatchBench(options);
        int rc;
        try {
            rc = bench.run();
        } finally {
            bench.children.stopAll();
        }
        System.exit(rc);
    }

    /** One measured point. */
    private record Point(double requestsPerSecond, double eventsPerSecond, long p50, long p99, long gatewayCpuNs,
                         long brokerCpuNs, long events, String others) {

        double gatewayUsPerEvent() {
            return events == 0 ? Double.NaN : gatewayCpuNs / 1e3 / events;
        }

        double brokerUsPerEvent() {
            return events == 0 ? Double.NaN : brokerCpuNs / 1e3 / events;
        }
    }

    private int run() throws Exception {
        long started = System.nanoTime();
        String loadBefore = ProcStat.loadAverage();
        Path logs = Files.createDirectories(out.resolve("logs"));
        line("## Batch publish (issue 11): " + (smoke ? "smoke run" : "run") + " of "
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        line();
        line("- command: `bench/batch.sh" + (smoke ? " --smoke" : "") + "`"
                + (gatewayOpts.isEmpty() ? "" : ", `EVENTGATE_JAVA_OPTS=\"" + String.join(" ", gatewayOpts) + "\"`"));
        line("- commit: `" + System.getProperty("bench.commit", "?") + "`");
        line("- machine: " + ProcStat.machine());
        line("- EventGate: `java " + (gatewayOpts.isEmpty() ? "" : String.join(" ", gatewayOpts) + " ")
                + "-jar target/eventgate.jar`, `LOG_LEVEL=WARN`, the example `conf/`, Kafka sink only, " + gatewayEnv);
        line("- broker, EventGate and load generator on this machine; " + clients + " clients; a batch is " + events
                + " copies of the " + BenchEvent.SIZE + "-byte event (" + (events * (BenchEvent.SIZE + 1) + 1)
                + " bytes), a single publish one; warm-up " + warmup + " s and " + seconds + " s measured per point,"
                + " " + rounds + " round(s) of batch then single");
        line();

        startBroker(logs);
        startGateway(logs);
        // uncounted warm-up of both paths
        point(batch, events, 0, smoke ? 1 : 10);
        if (!batchOnly) {
            point(single, 1, 0, smoke ? 1 : 5);
        }
        List<Point> batches = new ArrayList<>();
        List<Point> singles = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            batches.add(point(batch, events, warmup, seconds));
            singles.add(batchOnly ? batches.get(r) : point(single, 1, warmup, seconds));
            System.err.printf(Locale.ROOT, "[batch-bench] round %d: batch %.0f events/s, single %.0f events/s%n",
                    r + 1, batches.get(r).eventsPerSecond(), singles.get(r).eventsPerSecond());
        }

        line("| round | path | requests/s | events/s | p50 ms | p99 ms | EventGate CPU µs/event | broker CPU µs/event | other answers |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int r = 0; r < rounds; r++) {
            row(r + 1, "batch of " + events, batches.get(r));
            row(r + 1, "single", singles.get(r));
        }
        line();
        line("| round | events/s batch / single | EventGate CPU per event batch / single |");
        line("| --- | --- | --- |");
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            Point b = batches.get(r);
            Point s = singles.get(r);
            best = Math.max(best, b.eventsPerSecond());
            line("| " + (r + 1) + " | " + fmt2(b.eventsPerSecond() / s.eventsPerSecond()) + " | "
                    + fmt2(b.gatewayUsPerEvent() / s.gatewayUsPerEvent()) + " |");
        }
        line();
        line("Target: " + fmt0(TARGET_EVENTS_PER_SECOND) + " events/s with batches of 100 at 16 clients; best round here: "
                + fmt0(best) + " events/s (" + (best >= TARGET_EVENTS_PER_SECOND ? "met" : "not met")
                + (events == 100 && clients == 16 ? "" : "; not the target's shape") + ").");
        line();
        line("Load average (1, 5, 15 min) before / after: " + loadBefore + " / " + ProcStat.loadAverage()
                + "; run time " + String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9) + ".");
        // Each event must have been written: a repeated event_id would be a no-op 202 (retry-safe delivery).
        long accepted = batches.stream().mapToLong(Point::events).sum()
                + (batchOnly ? 0 : singles.stream().mapToLong(Point::events).sum());
        long records = recordsOnTopic();
        line("Records of `" + BenchEvent.TOPIC + "` in the broker at the end: " + fmt0(records) + " (events accepted in the"
                + " measured windows: " + fmt0(accepted) + "; every request carries new event ids).");
        if (records < accepted) {
            problems.add("the broker holds " + records + " records, fewer than the " + accepted
                    + " events accepted: the load did not write each event");
        }
        for (Point p : batches) {
            if (p.events() == 0 || !p.others().isEmpty()) {
                problems.add("a batch point had other answers: " + p.others() + " (" + p.events() + " events accepted)");
            }
        }
        if (!problems.isEmpty()) {
            line();
            line("**Problems (the benchmark did not run as intended):**");
            problems.forEach(p -> line("- " + p));
        }
        line();
        Files.writeString(out.resolve("batch.md"), md.toString());
        System.out.print(md);
        return problems.isEmpty() ? 0 : 1;
    }

    private void row(int round, String path, Point p) {
        line("| " + round + " | " + path + " | " + fmt0(p.requestsPerSecond()) + " | " + fmt0(p.eventsPerSecond()) + " | "
                + Latencies.ms(p.p50()) + " | " + Latencies.ms(p.p99()) + " | " + fmt1(p.gatewayUsPerEvent()) + " | "
                + fmt1(p.brokerUsPerEvent()) + " | " + (p.others().isEmpty() ? "none" : p.others()) + " |");
    }

    private Point point(byte[] request, int perRequest, double warmupS, double measureS) throws Exception {
        long from = System.nanoTime() + (long) (warmupS * 1e9);
        long to = from + (long) (measureS * 1e9);
        HttpLoad load = new HttpLoad(HOST, port, request, 202, clients, 30_000, null).start(from, to, to + 6_000_000_000L);
        BareProducer.sleepUntil(from);
        long g0 = ProcStat.cpuNanos(gateway.pid());
        long b0 = ProcStat.cpuNanos(broker.pid());
        BareProducer.sleepUntil(to);
        long g1 = ProcStat.cpuNanos(gateway.pid());
        long b1 = ProcStat.cpuNanos(broker.pid());
        HttpLoad.Result r = load.await();
        long accepted = r.ok() * perRequest;
        return new Point(r.perSecond(), r.perSecond() * perRequest, r.answered().percentile(50),
                r.answered().percentile(99), g1 - g0, b1 - b0, accepted, r.othersSummary(202));
    }

    private void startBroker(Path logs) throws Exception {
        BenchProcesses.Broker started = BenchProcesses.startBroker(children, java, cp, out.resolve("batch-kafka"),
                logs.resolve("batch-broker.log"), smoke ? 1000 : 3000);
        broker = started.process();
        bootstrap = started.bootstrap();
        gatewayEnv.put("EVENTGATE_KAFKA_BOOTSTRAP_SERVER", bootstrap);
        gatewayEnv.put("EVENTGATE_TOKEN_PUBLIC_KEYS_URL", started.keysUrl());
        single = BenchEvent.publishRequest(started.token());
        batch = batchRequest(started.token(), events);
    }

    /** The records of the bench topic in the broker: the sum of its partitions' end offsets. */
    private long recordsOnTopic() {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap,
                "key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer",
                "value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        try (var consumer = new KafkaConsumer<byte[], byte[]>(config)) {
            var partitions = consumer.partitionsFor(BenchEvent.TOPIC, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue).sum();
        }
    }

    private void startGateway(Path logs) throws Exception {
        port = BenchProcesses.freePort();
        gateway = BenchProcesses.startGateway(children, java, gatewayOpts, gatewayEnv, port,
                logs.resolve("batch-eventgate.log"), batch);
    }

    /** A keep-alive {@code POST /topics/public.cps.za.test/batch} with {@code n} copies of the bench event. */
    static byte[] batchRequest(String token, int n) {
        String event = BenchEvent.json();
        StringBuilder body = new StringBuilder(n * (event.length() + 1) + 2).append('[');
        for (int i = 0; i < n; i++) {
            body.append(i == 0 ? "" : ",").append(event);
        }
        return BenchEvent.postRequest("/topics/" + BenchEvent.TOPIC + "/batch", token,
                body.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void line() {
        md.append('\n');
    }

    private static String fmt0(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
