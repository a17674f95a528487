package io.eventgate.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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
 *
 * <p>{@code --ledger-before <jar>} measures the shared delivery ledger ({@code delivery.repository=jdbc})
 * instead: two EventGates at once, this working copy's {@code target/eventgate.jar} ("after") and
 * {@code <jar>} ("before", e.g. built from an older commit in a second worktree), both with the ledger's
 * table on one embedded Postgres (zonky, {@code synchronous_commit=on} as on a server) and the Kafka sink
 * only; batch points alternate between them, so the ratios after / before come from one run. Postgres's
 * CPU (the postmaster and its backends) is counted per event too, as the ledger's statements cost there.
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
    /** {@code --ledger-before}: the jar of the "before" EventGate for the shared-ledger comparison; null: not that run. */
    private final String ledgerBefore;
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
        ledgerBefore = o.get("ledger-before");
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
        if (ledgerBefore != null) {
            return runLedger();
        }
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

    /** {@code --ledger-before}: the shared delivery ledger, before / after, side by side in one run. */
    private int runLedger() throws Exception {
        long started = System.nanoTime();
        String loadBefore = ProcStat.loadAverage();
        Path logs = Files.createDirectories(out.resolve("logs"));
        Path beforeJar = Path.of(ledgerBefore).toAbsolutePath().normalize();
        if (!Files.isRegularFile(beforeJar)) {
            throw new IllegalArgumentException("--ledger-before: no jar " + beforeJar);
        }
        line("## Batch publish with the shared delivery ledger (`delivery.repository=jdbc`), before / after: "
                + (smoke ? "smoke run" : "run") + " of " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")));
        line();
        line("- command: `bench/batch.sh" + (smoke ? " --smoke" : "") + " --ledger-before " + ledgerBefore + "`"
                + (gatewayOpts.isEmpty() ? "" : ", `EVENTGATE_JAVA_OPTS=\"" + String.join(" ", gatewayOpts) + "\"`"));
        line("- after: `target/eventgate.jar` of commit `" + System.getProperty("bench.commit", "?") + "`; before: `"
                + beforeJar + "` (commit `" + commitOf(beforeJar) + "`)");
        line("- machine: " + ProcStat.machine());
        line("- both EventGates run at once (`LOG_LEVEL=WARN`, the example `conf/`, Kafka sink only, the ledger's table on"
                + " one embedded Postgres 14, `synchronous_commit=on`, its default pool of 2 connections and 4 ledger threads);"
                + " the points alternate between them. " + clients + " clients; a batch is " + events + " copies of the "
                + BenchEvent.SIZE + "-byte event, each send with new event ids (so each batch is looked up and recorded);"
                + " warm-up " + warmup + " s and " + seconds + " s measured per point, " + rounds + " round(s)");
        line();

        startBroker(logs);
        Path pgDir = Files.createTempDirectory(out.toAbsolutePath(), "ledger-pg");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(pgDir).setCleanDataDirectory(true)
                .setServerConfig("synchronous_commit", "on").start()) {
            ProcessHandle postmaster = ProcessHandle.of(Long.parseLong(
                    Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim())).orElseThrow();
            List<String> ledgerOpts = new ArrayList<>(gatewayOpts);
            ledgerOpts.addAll(List.of("-Deventgate.postgres.host=localhost", "-Deventgate.postgres.port=" + postgres.getPort(),
                    "-Deventgate.postgres.database=postgres", "-Deventgate.postgres.user=postgres",
                    "-Deventgate.postgres.migrate=true", "-Deventgate.sinks.postgres.enabled=false",
                    "-Deventgate.delivery.repository=jdbc"));
            int afterPort = BenchProcesses.freePort();
            Process after = startJar(Path.of("target/eventgate.jar"), ledgerOpts, afterPort, logs.resolve("batch-ledger-after.log"));
            int beforePort = BenchProcesses.freePort();
            Process before = startJar(beforeJar, ledgerOpts, beforePort, logs.resolve("batch-ledger-before.log"));
            // uncounted warm-up of both
            point(before, beforePort, postmaster, batch, events, 0, smoke ? 1 : 10);
            point(after, afterPort, postmaster, batch, events, 0, smoke ? 1 : 10);
            List<Measured> befores = new ArrayList<>();
            List<Measured> afters = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                // the order alternates too, so that neither is always measured second
                if (r % 2 == 0) {
                    befores.add(point(before, beforePort, postmaster, batch, events, warmup, seconds));
                    afters.add(point(after, afterPort, postmaster, batch, events, warmup, seconds));
                } else {
                    afters.add(point(after, afterPort, postmaster, batch, events, warmup, seconds));
                    befores.add(point(before, beforePort, postmaster, batch, events, warmup, seconds));
                }
                System.err.printf(Locale.ROOT, "[batch-bench] round %d: before %.0f events/s, after %.0f events/s%n",
                        r + 1, befores.get(r).point().eventsPerSecond(), afters.get(r).point().eventsPerSecond());
            }

            line("| round | EventGate | requests/s | events/s | p50 ms | p99 ms | EventGate CPU µs/event | Postgres CPU µs/event | broker CPU µs/event | other answers |");
            line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            for (int r = 0; r < rounds; r++) {
                ledgerRow(r + 1, "before", befores.get(r));
                ledgerRow(r + 1, "after", afters.get(r));
            }
            line();
            line("| round | events/s after / before | EventGate CPU per event after / before | Postgres CPU per event after / before |");
            line("| --- | --- | --- | --- |");
            for (int r = 0; r < rounds; r++) {
                Measured b = befores.get(r);
                Measured a = afters.get(r);
                line("| " + (r + 1) + " | " + fmt2(a.point().eventsPerSecond() / b.point().eventsPerSecond()) + " | "
                        + fmt2(a.point().gatewayUsPerEvent() / b.point().gatewayUsPerEvent()) + " | "
                        + fmt2(a.alsoUsPerEvent() / b.alsoUsPerEvent()) + " |");
            }
            line();
            line("Load average (1, 5, 15 min) before / after: " + loadBefore + " / " + ProcStat.loadAverage()
                    + "; run time " + String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9) + ".");
            // Each accepted event must have been recorded: a ledger that gave up (its pool full) would look fast.
            long accepted = 0;
            for (Measured m : befores) {
                accepted += m.point().events();
            }
            for (Measured m : afters) {
                accepted += m.point().events();
            }
            long rows = ackRows(postgres);
            line("Rows in `eventgate_delivery_acks` at the end: " + fmt0(rows) + " (events accepted in the measured windows: "
                    + fmt0(accepted) + "; the warm-ups' rows are there too).");
            if (rows < accepted) {
                problems.add("the shared table holds " + rows + " rows, fewer than the " + accepted
                        + " events accepted: the ledger did not record each event");
            }
            for (Measured m : concat(befores, afters)) {
                if (m.point().events() == 0 || !m.point().others().isEmpty()) {
                    problems.add("a point had other answers: " + m.point().others() + " (" + m.point().events() + " events accepted)");
                }
            }
        }
        if (!problems.isEmpty()) {
            line();
            line("**Problems (the benchmark did not run as intended):**");
            problems.forEach(p -> line("- " + p));
        }
        line();
        Files.writeString(out.resolve("batch-ledger.md"), md.toString());
        System.out.print(md);
        return problems.isEmpty() ? 0 : 1;
    }

    private static List<Measured> concat(List<Measured> a, List<Measured> b) {
        List<Measured> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void ledgerRow(int round, String which, Measured m) {
        Point p = m.point();
        line("| " + round + " | " + which + " | " + fmt0(p.requestsPerSecond()) + " | " + fmt0(p.eventsPerSecond()) + " | "
                + Latencies.ms(p.p50()) + " | " + Latencies.ms(p.p99()) + " | " + fmt1(p.gatewayUsPerEvent()) + " | "
                + fmt1(m.alsoUsPerEvent()) + " | " + fmt1(p.brokerUsPerEvent()) + " | "
                + (p.others().isEmpty() ? "none" : p.others()) + " |");
    }

    /** EventGate from {@code jar}, with {@code opts}; returns once it answers the batch with 202. */
    private Process startJar(Path jar, List<String> opts, int onPort, Path log) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(gatewayEnv);
        env.put("CAMEL_SERVER_PORT", String.valueOf(onPort));
        env.put("LOG_LEVEL", "WARN");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(opts);
        cmd.addAll(List.of("-jar", jar.toString()));
        Process started = children.start("eventgate-" + log.getFileName(), cmd, env, log, false, 2);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (started.isAlive() && System.nanoTime() < deadline) {
            try (HttpConnection c = new HttpConnection(HOST, onPort, 10_000)) {
                if (c.exchange(batch).status() == 202) {
                    return started;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(jar + " gave no 202 within 60 s, see " + log);
    }

    private static long ackRows(EmbeddedPostgres postgres) throws java.sql.SQLException {
        try (var c = postgres.getPostgresDatabase().getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT count(*) FROM eventgate_delivery_acks")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The short commit of the work tree that holds {@code jar} ({@code <tree>/target/x.jar}), or "?". */
    private static String commitOf(Path jar) {
        try {
            Process git = new ProcessBuilder("git", "-C", jar.getParent().getParent().toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String text = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? text : "?";
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "?";
        }
    }

    private void row(int round, String path, Point p) {
        line("| " + round + " | " + path + " | " + fmt0(p.requestsPerSecond()) + " | " + fmt0(p.eventsPerSecond()) + " | "
                + Latencies.ms(p.p50()) + " | " + Latencies.ms(p.p99()) + " | " + fmt1(p.gatewayUsPerEvent()) + " | "
                + fmt1(p.brokerUsPerEvent()) + " | " + (p.others().isEmpty() ? "none" : p.others()) + " |");
    }

    private Point point(byte[] request, int perRequest, double warmupS, double measureS) throws Exception {
        return point(gateway, port, null, request, perRequest, warmupS, measureS).point();
    }

    /** A point with the CPU of a third process tree as well ({@code also}, e.g. Postgres; null: none). */
    private record Measured(Point point, long alsoCpuNs) {

        double alsoUsPerEvent() {
            return point.events() == 0 ? Double.NaN : alsoCpuNs / 1e3 / point.events();
        }
    }

    private Measured point(Process target, int targetPort, ProcessHandle also, byte[] request, int perRequest,
                           double warmupS, double measureS) throws Exception {
        long from = System.nanoTime() + (long) (warmupS * 1e9);
        long to = from + (long) (measureS * 1e9);
        HttpLoad load = new HttpLoad(HOST, targetPort, request, 202, clients, 30_000, null).start(from, to, to + 6_000_000_000L);
        BareProducer.sleepUntil(from);
        long g0 = ProcStat.cpuNanos(target.pid());
        long b0 = ProcStat.cpuNanos(broker.pid());
        Map<Long, Long> a0 = treeCpuNanos(also);
        BareProducer.sleepUntil(to);
        long g1 = ProcStat.cpuNanos(target.pid());
        long b1 = ProcStat.cpuNanos(broker.pid());
        Map<Long, Long> a1 = treeCpuNanos(also);
        HttpLoad.Result r = load.await();
        long accepted = r.ok() * perRequest;
        long alsoNs = 0;
        for (Map.Entry<Long, Long> e : a1.entrySet()) {
            alsoNs += e.getValue() - a0.getOrDefault(e.getKey(), 0L);
        }
        return new Measured(new Point(r.perSecond(), r.perSecond() * perRequest, r.answered().percentile(50),
                r.answered().percentile(99), g1 - g0, b1 - b0, accepted, r.othersSummary(202)), alsoNs);
    }

    /** CPU per process of {@code root} and its descendants (a process that ended in between is not counted). */
    private static Map<Long, Long> treeCpuNanos(ProcessHandle root) {
        Map<Long, Long> cpu = new HashMap<>();
        if (root != null) {
            cpu.put(root.pid(), ProcStat.cpuNanos(root.pid()));
            root.descendants().forEach(p -> cpu.put(p.pid(), ProcStat.cpuNanos(p.pid())));
            cpu.values().removeIf(ns -> ns < 0);
        }
        return cpu;
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
