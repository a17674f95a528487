package io.eventgate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The request-path benchmark of issue 12, run by {@code bench/issue12.sh}: one run, one Markdown report.
 *
 * <ol>
 *   <li><b>floor</b>: {@link FloorBench} in its own JVM, before anything else starts.</li>
 *   <li>A broker ({@code io.eventgate.dev.StandaloneKafka}), EventGate ({@code java $EVENTGATE_JAVA_OPTS
 *       -jar target/eventgate.jar}, Kafka sink only, {@code LOG_LEVEL=WARN}) and the baseline
 *       ({@link BareProducer}), each its own process on this machine, with the load generator
 *       ({@link HttpLoad}) in this JVM.</li>
 *   <li><b>side by side</b>: for each client count, EventGate then the bare producer, each a warm-up
 *       and a measured window: throughput, p50, p99, and process CPU (utime + stime from
 *       {@code /proc/<pid>/stat}) per accepted event. After the largest count, EventGate is kept at
 *       that load until it has had {@code --rss-seconds} of it, and its VmRSS is read.</li>
 *   <li><b>paused broker</b>: 16 clients publish; the broker gets {@code SIGSTOP} for {@code --pause}
 *       seconds, then {@code SIGCONT}; every publish and a sequential {@code GET /topics} are timed.</li>
 *   <li><b>slow clients</b>: publish throughput at 16 clients and a sequential {@code GET /health},
 *       first alone and then with {@code --slow} connections that send their headers and then one byte
 *       a second ({@link SlowClients}).</li>
 * </ol>
 *
 * Options: {@code --smoke} (a few seconds each), {@code --seconds N} measured per point,
 * {@code --warmup N}, {@code --clients 1,16,64}, {@code --pause N}, {@code --slow N},
 * {@code --rss-seconds N}, {@code --only floor,side,paused,slow}. System properties from the script:
 * {@code bench.cp} (test class path for the child JVMs), {@code bench.commit}, {@code bench.clkTck},
 * {@code bench.out} (the output folder). Environment: {@code EVENTGATE_JAVA_OPTS} (EventGate's JVM
 * flags); {@code EVENTGATE_*} settings pass through to EventGate.
 */
public final class Issue12Bench {

    private static final String HOST = "127.0.0.1";
    private static final Pattern KAFKA_ERROR = Pattern.compile("\"type\"\\s*:\\s*\"kafka\"");

    private final boolean smoke;
    private final double seconds;
    private final double warmup;
    private final int[] clientCounts;
    private final double pause;
    private final int slowCount;
    private final double rssSeconds;
    private final List<String> only;
    private final Path out;
    private final String cp = System.getProperty("bench.cp", System.getProperty("java.class.path"));
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<String> gatewayOpts;
    private final Map<String, String> gatewayEnv = new LinkedHashMap<>();
    private final long deadlineMs;
    private final StringBuilder md = new StringBuilder();
    private final List<String> problems = new ArrayList<>();
    private final List<String[]> targets = new ArrayList<>();
    private final Children children;
    private final long t0 = System.nanoTime();
    private final double grace;

    private Process broker;
    private Process gateway;
    private Process producer;
    private PrintWriter producerIn;
    private BufferedReader producerOut;
    private Writer producerLog;
    private int port;
    private byte[] publish;

    private Issue12Bench(Map<String, String> o) throws IOException {
        smoke = o.containsKey("smoke");
        seconds = Double.parseDouble(o.getOrDefault("seconds", smoke ? "1" : "10"));
        warmup = Double.parseDouble(o.getOrDefault("warmup", smoke ? "0.5" : "5"));
        clientCounts = Arrays.stream(o.getOrDefault("clients", "1,16,64").split(","))
                .mapToInt(Integer::parseInt).distinct().toArray();
        pause = Double.parseDouble(o.getOrDefault("pause", smoke ? "3" : "20"));
        slowCount = Integer.parseInt(o.getOrDefault("slow", "1000"));
        rssSeconds = Double.parseDouble(o.getOrDefault("rss-seconds", smoke ? "0" : "60"));
        only = List.of(o.getOrDefault("only", "floor,side,paused,slow").split(","));
        out = Path.of(System.getProperty("bench.out", "target/bench"));
        Files.createDirectories(out);
        String opts = System.getenv().getOrDefault("EVENTGATE_JAVA_OPTS", "").trim();
        gatewayOpts = opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
        if (smoke && System.getenv("EVENTGATE_SINK_TIMEOUT_MS") == null) {
            // so that a 3 s pause outlasts the deadline and the 500 path runs
            gatewayEnv.put("EVENTGATE_SINK_TIMEOUT_MS", "1000");
        }
        String deadline = System.getenv("EVENTGATE_SINKS_KAFKA_TIMEOUT_MS");
        if (deadline == null) {
            deadline = gatewayEnv.getOrDefault("EVENTGATE_SINK_TIMEOUT_MS",
                    System.getenv().getOrDefault("EVENTGATE_SINK_TIMEOUT_MS", "5000"));
        }
        deadlineMs = Long.parseLong(deadline.trim());
        children = new Children(out.resolve("children.pids"));
        grace = smoke ? 0.5 : 2;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
            String name = a.substring(2);
            if (name.equals("smoke")) {
                options.put(name, "true");
            } else {
                options.put(name, args[++i]);
            }
        }
        Issue12Bench bench = new Issue12Bench(options);
        int rc;
        try {
            rc = bench.run();
        } finally {
            bench.children.stopAll();
        }
        System.exit(rc);
    }

    private int run() throws Exception {
        long started = System.nanoTime();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        String loadBefore = ProcStat.loadAverage();
        line("## Request path (issue 12): " + (smoke ? "smoke run" : "run") + " of " + stamp);
        line();
        line("- command: `bench/issue12.sh" + (smoke ? " --smoke" : "") + "`"
                + (gatewayOpts.isEmpty() ? "" : ", `EVENTGATE_JAVA_OPTS=\"" + String.join(" ", gatewayOpts) + "\"`"));
        line("- commit: `" + System.getProperty("bench.commit", "?") + "`");
        line("- machine: " + ProcStat.machine());
        line("- EventGate: `java " + (gatewayOpts.isEmpty() ? "" : String.join(" ", gatewayOpts) + " ")
                + "-jar target/eventgate.jar`, `LOG_LEVEL=WARN`, the example `conf/`, Kafka sink only"
                + (gatewayEnv.isEmpty() ? "" : ", " + gatewayEnv) + "; sink deadline " + deadlineMs + " ms");
        line("- broker, EventGate, baseline producer and load generator all on this machine; event "
                + BenchEvent.SIZE + " bytes to `" + BenchEvent.TOPIC + "`; warm-up " + warmup
                + " s and " + seconds + " s measured per point");
        line();
        flushReport();

        Path logs = out.resolve("logs");
        Files.createDirectories(logs);
        Map<String, Long> floor = new LinkedHashMap<>();
        if (only.contains("floor")) {
            progress("floor");
            floor = floor(logs);
        }
        if (only.contains("side") || only.contains("paused") || only.contains("slow")) {
            progress("starting the broker");
            startBroker(logs);
            progress("starting EventGate");
            startGateway(logs);
            long rssStart = ProcStat.statusKib(gateway.pid(), "VmRSS");
            line("EventGate up; VmRSS after the first 202: " + mib(rssStart) + " MiB.");
            line();
            if (only.contains("side")) {
                progress("starting the bare producer");
                startProducer(logs);
                progress("side by side");
                sideBySide(floor);
            }
            if (only.contains("paused")) {
                progress("paused broker");
                pausedBroker(logs);
            }
            if (only.contains("slow")) {
                progress("slow clients");
                slowClients();
            }
            progress("done; stopping the processes");
        }
        line("### Targets of issue 12 (this run)");
        line();
        line("| target | measured | met |");
        line("| --- | --- | --- |");
        for (String[] t : targets) {
            line("| " + t[0] + " | " + t[1] + " | " + t[2] + " |");
        }
        line("| `java -jar` to the first 202 | not measured here: `bench/issue12.sh --first-202 N` adds it below | |");
        line();
        line("Load average (1, 5, 15 min) before / after: " + loadBefore + " / " + ProcStat.loadAverage()
                + "; run time " + String.format(Locale.ROOT, "%.0f s", (System.nanoTime() - started) / 1e9)
                + " (JVM and broker start included).");
        if (!problems.isEmpty()) {
            line();
            line("**Problems (the benchmark itself did not run as intended):**");
            problems.forEach(p -> line("- " + p));
        }
        line();
        flushReport();
        return problems.isEmpty() ? 0 : 1;
    }

    // ---------------------------------------------------------------- floor

    private Map<String, Long> floor(Path logs) throws Exception {
        String w = smoke ? "300" : "3000";
        String m = smoke ? "500" : "5000";
        Path log = logs.resolve("floor.log");
        Process p = children.start("floor", List.of(java, "-cp", cp, "io.eventgate.bench.FloorBench", w, m, "5"),
                Map.of(), log, false, 1);
        p.waitFor();
        Map<String, Long> cpuNs = new LinkedHashMap<>();
        line("### Per-event floor (one thread, `io.eventgate.bench.FloorBench`)");
        line();
        line("| operation | CPU µs/op (median of 5 rounds) | min-max | wall µs/op |");
        line("| --- | --- | --- | --- |");
        for (String l : Files.readAllLines(log)) {
            if (l.startsWith("FLOOR ")) {
                Map<String, String> f = fields(l);
                cpuNs.put(f.get("op"), Long.parseLong(f.get("cpu_ns")));
                line("| " + f.get("op") + " | " + us(Long.parseLong(f.get("cpu_ns"))) + " | "
                        + us(Long.parseLong(f.get("cpu_min_ns"))) + "-" + us(Long.parseLong(f.get("cpu_max_ns")))
                        + " | " + us(Long.parseLong(f.get("wall_ns"))) + " |");
            }
        }
        line();
        line("Warm-up " + w + " ms and " + m + " ms measured per operation. `all-three` is verify + parse + validate"
                + " of one event in sequence: the least CPU any gateway doing these checks spends per event.");
        line();
        if (p.exitValue() != 0 || cpuNs.size() != 4) {
            problems.add("FloorBench failed (exit " + p.exitValue() + "), see " + log);
        }
        flushReport();
        return cpuNs;
    }

    // ---------------------------------------------------------------- processes

    private void startBroker(Path logs) throws Exception {
        BenchProcesses.Broker started = BenchProcesses.startBroker(children, java, cp, out.resolve("kafka"),
                logs.resolve("broker.log"), smoke ? 1000 : 3000);
        broker = started.process();
        gatewayEnv.put("EVENTGATE_KAFKA_BOOTSTRAP_SERVER", started.bootstrap());
        gatewayEnv.put("EVENTGATE_TOKEN_PUBLIC_KEYS_URL", started.keysUrl());
        token = started.token();
        publish = BenchEvent.publishRequest(token);
    }

    private void startGateway(Path logs) throws Exception {
        port = BenchProcesses.freePort();
        gateway = BenchProcesses.startGateway(children, java, gatewayOpts, gatewayEnv, port, logs.resolve("eventgate.log"), publish);
    }

    private void startProducer(Path logs) throws Exception {
        producer = children.start("producer", List.of(java, "-cp", cp, "io.eventgate.bench.BareProducer",
                gatewayEnv.get("EVENTGATE_KAFKA_BOOTSTRAP_SERVER")), Map.of(), null, true, 2);
        producerIn = new PrintWriter(producer.getOutputStream(), true, StandardCharsets.UTF_8);
        producerOut = new BufferedReader(new InputStreamReader(producer.getInputStream(), StandardCharsets.UTF_8));
        producerLog = Files.newBufferedWriter(logs.resolve("producer.log"));
        producerLine("READY");
    }

    private String producerLine(String prefix) throws IOException {
        for (String l = producerOut.readLine(); l != null; l = producerOut.readLine()) {
            producerLog.write(l + "\n");
            producerLog.flush();
            if (l.startsWith(prefix)) {
                return l;
            }
        }
        throw new IllegalStateException("the baseline producer ended, see its log");
    }

    // ---------------------------------------------------------------- side by side

    /** One measured point: throughput, latency, and CPU of the process under test, the broker and this JVM. */
    private record Point(double perSecond, long ok, long p50, long p99, long max, long cpuNs, long brokerCpuNs,
                         long selfCpuNs, long othersCpuNs, long jitNs, long gcNs, double seconds, long otherCount,
                         String others) {

        /** CPU the machine spent outside the benchmark's processes, in cores. */
        double otherProcessesCores() {
            return othersCpuNs / (seconds * 1e9);
        }

        double cpuUsPerEvent() {
            return ok == 0 ? Double.NaN : cpuNs / 1e3 / ok;
        }

        String jitGcUsPerEvent() {
            return ok == 0 ? "-" : fmt0(jitNs / 1e3 / ok) + " / " + fmt0(gcNs / 1e3 / ok);
        }

        double brokerUsPerEvent() {
            return ok == 0 ? Double.NaN : brokerCpuNs / 1e3 / ok;
        }
    }

    private Point gatewayPoint(int clients, double warmupS, double measureS) throws Exception {
        long from = System.nanoTime() + (long) (warmupS * 1e9);
        long to = from + (long) (measureS * 1e9);
        // Requests in flight at the end may finish (a publish is answered within the sink deadline).
        HttpLoad load = new HttpLoad(HOST, port, publish, 202, clients, 30_000, null)
                .start(from, to, to + (deadlineMs + 1000) * 1_000_000);
        long self = ProcessHandle.current().pid();
        BareProducer.sleepUntil(from);
        long g0 = ProcStat.cpuNanos(gateway.pid());
        long b0 = ProcStat.cpuNanos(broker.pid());
        long s0 = ProcStat.cpuNanos(self);
        long m0 = ProcStat.machineBusyNanos() - benchCpuNanos();
        long[] jg0 = ProcStat.jitAndGcNanos(gateway.pid());
        BareProducer.sleepUntil(to);
        long m1 = ProcStat.machineBusyNanos() - benchCpuNanos();
        long[] jg1 = ProcStat.jitAndGcNanos(gateway.pid());
        long g1 = ProcStat.cpuNanos(gateway.pid());
        long b1 = ProcStat.cpuNanos(broker.pid());
        long s1 = ProcStat.cpuNanos(self);
        HttpLoad.Result r = load.await();
        return new Point(r.perSecond(), r.ok(), r.answered().percentile(50), r.answered().percentile(99),
                r.answered().max(), g1 - g0, b1 - b0, s1 - s0, m1 - m0, jg1[0] - jg0[0], jg1[1] - jg0[1], r.seconds(),
                r.others(202) + r.errorCount(),
                r.othersSummary(202));
    }

    /** CPU time of all the benchmark's processes: broker, EventGate, producer and this JVM. */
    private long benchCpuNanos() {
        long sum = ProcStat.cpuNanos(ProcessHandle.current().pid());
        for (Process p : new Process[] {broker, gateway, producer}) {
            if (p != null) {
                sum += Math.max(0, ProcStat.cpuNanos(p.pid()));
            }
        }
        return sum;
    }

    private Point producerPoint(int clients, double warmupS, double measureS) throws Exception {
        long warmMs = (long) (warmupS * 1000);
        long measureMs = (long) (measureS * 1000);
        producerIn.println("run " + clients + " " + warmMs + " " + measureMs);
        long from = System.nanoTime() + warmMs * 1_000_000;
        BareProducer.sleepUntil(from);
        long b0 = ProcStat.cpuNanos(broker.pid());
        long s0 = ProcStat.cpuNanos(ProcessHandle.current().pid());
        long m0 = ProcStat.machineBusyNanos() - benchCpuNanos();
        BareProducer.sleepUntil(from + measureMs * 1_000_000);
        long m1 = ProcStat.machineBusyNanos() - benchCpuNanos();
        long b1 = ProcStat.cpuNanos(broker.pid());
        long s1 = ProcStat.cpuNanos(ProcessHandle.current().pid());
        Map<String, String> f = fields(producerLine("RESULT"));
        long ok = Long.parseLong(f.get("ok"));
        long errors = Long.parseLong(f.get("errors"));
        return new Point(ok / (measureMs / 1000.0), ok, Long.parseLong(f.get("p50_ns")), Long.parseLong(f.get("p99_ns")),
                Long.parseLong(f.get("max_ns")), Long.parseLong(f.get("cpu_ns")), b1 - b0, s1 - s0, m1 - m0,
                Long.parseLong(f.get("jit_ns")), Long.parseLong(f.get("gc_ns")), measureMs / 1000.0,
                errors, errors == 0 ? "" : errors + " failed sends");
    }

    private void sideBySide(Map<String, Long> floor) throws Exception {
        // A short uncounted warm-up of both at the largest count, so the first point is not the JIT's.
        int top = Arrays.stream(clientCounts).max().orElse(64);
        gatewayPoint(top, 0, smoke ? 1 : 15);
        producerPoint(top, 0, smoke ? 1 : 5);

        Map<Integer, Point[]> points = new LinkedHashMap<>();
        long rssKib = -1;
        long hwmKib = -1;
        Point soak = null;
        double soakSeconds = 0;
        for (int c : clientCounts) {
            Point g = gatewayPoint(c, warmup, seconds);
            if (c == top && rssSeconds > 0) {
                soakSeconds = Math.max(0, rssSeconds - warmup - seconds);
                if (soakSeconds > 0) {
                    soak = gatewayPoint(c, 0, soakSeconds);
                }
            }
            if (c == top) {
                rssKib = ProcStat.statusKib(gateway.pid(), "VmRSS");
                hwmKib = ProcStat.statusKib(gateway.pid(), "VmHWM");
            }
            Point p = producerPoint(c, warmup, seconds);
            points.put(c, new Point[] {g, p});
            progress(String.format(Locale.ROOT, "%d clients: EventGate %.0f/s, producer %.0f/s", c, g.perSecond(), p.perSecond()));
            // Not a performance check: only that the benchmark measured what it meant to.
            if (g.ok() == 0 || g.otherCount() > g.ok() / 100) {
                problems.add(c + " clients: EventGate accepted " + g.ok() + " events; other answers: " + g.others());
            }
            if (p.ok() == 0 || p.otherCount() > p.ok() / 100) {
                problems.add(c + " clients: the bare producer sent " + p.ok() + "; " + p.others());
            }
        }

        line("### EventGate and a bare KafkaProducer, side by side");
        line();
        line("Same broker, same record (1 KB value, key `event_id`), `acks=all`, idempotent, `linger.ms=0`; N client"
                + " threads each waiting for its answer (EventGate: one keep-alive HTTP/1.1 connection per thread;"
                + " producer: `send(record).get()` on one shared producer). CPU: process utime + stime over the"
                + " measured window divided by the events accepted in it. Before the first point, uncounted: EventGate "
                + (smoke ? "1" : "15") + " s and the producer " + (smoke ? "1" : "5") + " s at " + top + " clients;"
                + " then per point a warm-up of " + fmt1(warmup) + " s and " + fmt1(seconds) + " s measured,"
                + " EventGate first.");
        line();
        line("| clients | EventGate events/s | p50 ms | p99 ms | CPU µs/event | producer records/s | p50 ms | p99 ms"
                + " | CPU µs/record | throughput EventGate/producer | CPU EventGate/producer |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (Map.Entry<Integer, Point[]> e : points.entrySet()) {
            Point g = e.getValue()[0];
            Point p = e.getValue()[1];
            line("| " + e.getKey() + " | " + fmt0(g.perSecond()) + " | " + Latencies.ms(g.p50()) + " | " + Latencies.ms(g.p99())
                    + " | " + fmt0(g.cpuUsPerEvent()) + " | " + fmt0(p.perSecond()) + " | " + Latencies.ms(p.p50())
                    + " | " + Latencies.ms(p.p99()) + " | " + fmt0(p.cpuUsPerEvent()) + " | "
                    + fmt2(g.perSecond() / p.perSecond()) + " | " + fmt2(g.cpuUsPerEvent() / p.cpuUsPerEvent()) + " |");
        }
        line();
        StringBuilder odd = new StringBuilder();
        points.forEach((c, gp) -> {
            if (gp[0].otherCount() > 0) {
                odd.append(" ").append(c).append(" clients, EventGate: ").append(gp[0].others()).append(";");
            }
            if (gp[1].otherCount() > 0) {
                odd.append(" ").append(c).append(" clients, producer: ").append(gp[1].others()).append(";");
            }
        });
        line("Answers other than 202 and failed sends in the measured windows:" + (odd.length() == 0 ? " none." : odd));
        line();
        line("Context of the same windows: the part of the CPU per event spent in JIT compiler and GC threads"
                + " (a JIT share means the JVM was still warming up), the broker's CPU per event, the load generator's"
                + " (this JVM) CPU, EventGate's CPU above the bare producer's next to the floor, and the CPU that other"
                + " processes on the machine used (user + system time of `/proc/stat` minus that of the benchmark's"
                + " processes, in cores of the machine's 2; about ±0.1 is accounting error).");
        line();
        line("| clients | EventGate JIT / GC µs/event | producer JIT / GC µs/record | broker CPU µs/event, EventGate run"
                + " | broker CPU µs/record, producer run | load generator CPU, EventGate run"
                + " | EventGate µs/event minus producer µs/record | floor (all-three) µs"
                + " | other processes, EventGate run / producer run (cores) |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        Long floorNs = floor.get("all-three");
        for (Map.Entry<Integer, Point[]> e : points.entrySet()) {
            Point g = e.getValue()[0];
            Point p = e.getValue()[1];
            line("| " + e.getKey() + " | " + g.jitGcUsPerEvent() + " | " + p.jitGcUsPerEvent() + " | "
                    + fmt0(g.brokerUsPerEvent()) + " | " + fmt0(p.brokerUsPerEvent()) + " | "
                    + fmt0(100.0 * g.selfCpuNs() / (g.seconds() * 1e9)) + " % of one core | "
                    + fmt0(g.cpuUsPerEvent() - p.cpuUsPerEvent()) + " | " + (floorNs == null ? "-" : us(floorNs)) + " | "
                    + fmt2(g.otherProcessesCores()) + " / " + fmt2(p.otherProcessesCores()) + " |");
        }
        line();
        if (soak != null) {
            line("Memory: EventGate's VmRSS after " + fmt0(warmup + seconds + soakSeconds) + " s at " + top
                    + " clients: **" + mib(rssKib) + " MiB** (VmHWM " + mib(hwmKib) + " MiB). The last "
                    + fmt0(soakSeconds) + " s of that load: " + fmt0(soak.perSecond()) + " events/s, p50 "
                    + Latencies.ms(soak.p50()) + " ms, p99 " + Latencies.ms(soak.p99()) + " ms, CPU "
                    + fmt0(soak.cpuUsPerEvent()) + " µs/event (JIT / GC " + soak.jitGcUsPerEvent() + ").");
        } else {
            line("Memory: EventGate's VmRSS after " + fmt0(warmup + seconds) + " s at " + top + " clients: "
                    + mib(rssKib) + " MiB (VmHWM " + mib(hwmKib) + " MiB); no 60 s soak in this run.");
        }
        line();
        Point g64 = points.containsKey(64) ? points.get(64)[0] : null;
        if (g64 != null) {
            target("64 clients: ≥ 12,000 events/s", fmt0(g64.perSecond()) + "/s", g64.perSecond() >= 12_000);
            target("64 clients: p99 ≤ 10 ms", Latencies.ms(g64.p99()) + " ms", g64.p99() <= 10_000_000);
            target("64 clients: ≤ 100 µs EventGate CPU per event", fmt0(g64.cpuUsPerEvent()) + " µs",
                    g64.cpuUsPerEvent() <= 100);
        }
        if (points.containsKey(1)) {
            Point g1 = points.get(1)[0];
            target("1 client: p50 ≤ 1 ms", Latencies.ms(g1.p50()) + " ms", g1.p50() <= 1_000_000);
        }
        target("VmRSS after 60 s at 64 clients ≤ 300 MiB", mib(rssKib) + " MiB after "
                + fmt0(warmup + seconds + soakSeconds) + " s", soak != null && rssKib <= 300 * 1024 ? "yes"
                : soak == null ? "(no 60 s soak)" : "no");
        flushReport();
    }

    // ---------------------------------------------------------------- paused broker

    private record Req(long start, long end, int status, boolean kafkaError, String error) {
    }

    private void pausedBroker(Path logs) throws Exception {
        int clients = 16;
        double pre = smoke ? 1 : 3;
        double after = smoke ? 2 : 5;
        long t = System.nanoTime();
        long from = t + (long) ((smoke ? 0.5 : 2) * 1e9);
        long pauseAt = from + (long) (pre * 1e9);
        long resumeAt = pauseAt + (long) (pause * 1e9);
        long to = resumeAt + (long) (after * 1e9);
        List<Req> publishes = Collections.synchronizedList(new ArrayList<>());
        List<Req> topics = Collections.synchronizedList(new ArrayList<>());
        HttpLoad load = new HttpLoad(HOST, port, publish, 202, clients, 30_000, (s, e, status, body, err) ->
                publishes.add(new Req(s, e, status, body != null && KAFKA_ERROR.matcher(
                        new String(body, StandardCharsets.UTF_8)).find(), err)))
                .start(from, to, to + (deadlineMs + 5000) * 1_000_000);
        HttpLoad probe = new HttpLoad(HOST, port, BenchEvent.getRequest("/topics"), 200, 1, 30_000,
                (s, e, status, body, err) -> topics.add(new Req(s, e, status, false, err)))
                .start(from, to, to + 1_000_000_000L);
        BareProducer.sleepUntil(pauseAt);
        // The pause, as measured: from the return of `kill -STOP` (the broker is stopped by then) to the
        // call of `kill -CONT` (it cannot run before). Requests are classified against these instants.
        long stoppedAt;
        long contAt;
        children.signal(broker, "STOP");
        stoppedAt = System.nanoTime();
        try {
            BareProducer.sleepUntil(resumeAt);
        } finally {
            contAt = System.nanoTime();
            children.signal(broker, "CONT");
        }
        long actualPause = contAt - stoppedAt;
        load.await();
        probe.await();
        try (PrintWriter csv = new PrintWriter(Files.newBufferedWriter(logs.resolve("paused-publishes.csv")))) {
            csv.println("start_ms_from_stop,latency_ms,status,kafka_error,error");
            for (Req r : List.copyOf(publishes)) {
                csv.printf(Locale.ROOT, "%.1f,%.1f,%d,%b,%s%n", (r.start() - stoppedAt) / 1e6, (r.end() - r.start()) / 1e6,
                        r.status(), r.kafkaError(), r.error() == null ? "" : r.error());
            }
        }

        // Every publish in flight at some time during the pause.
        List<Req> during = new ArrayList<>();
        for (Req r : List.copyOf(publishes)) {
            if (r.end() > stoppedAt && r.start() < contAt) {
                during.add(r);
            }
        }
        long limitNs = (deadlineMs + 250) * 1_000_000;
        int kafka500 = 0;
        int ok = 0;
        int other = 0;
        int none = 0;
        int late = 0;
        int fullInside = 0;
        int fullInsideKafka = 0;
        int fullInsideGood = 0;
        Latencies all = new Latencies();
        Latencies kafka = new Latencies();
        for (Req r : during) {
            long latency = r.end() - r.start();
            all.add(latency);
            if (r.status() == 500 && r.kafkaError()) {
                kafka500++;
                kafka.add(latency);
            } else if (r.status() == 202) {
                ok++;
            } else if (r.status() < 0) {
                none++;
            } else {
                other++;
            }
            if (latency > limitNs) {
                late++;
            }
            if (r.start() >= stoppedAt && r.start() + limitNs <= contAt) {
                fullInside++;
                if (r.status() == 500 && r.kafkaError()) {
                    fullInsideKafka++;
                    fullInsideGood += latency <= limitNs ? 1 : 0;
                }
            }
        }
        Latencies before = new Latencies();
        int okBefore = 0;
        long firstOkAfter = -1;
        for (Req r : List.copyOf(publishes)) {
            if (r.start() >= from && r.end() <= pauseAt) {
                before.add(r.end() - r.start());
                okBefore += r.status() == 202 ? 1 : 0;
            }
            if (r.status() == 202 && r.end() >= contAt && (firstOkAfter < 0 || r.end() - contAt < firstOkAfter)) {
                firstOkAfter = r.end() - contAt;
            }
        }
        Latencies topicsBefore = new Latencies();
        Latencies topicsDuring = new Latencies();
        int topicsNonOk = 0;
        int topicsUnanswered = 0;
        int topicsAfterResume = 0;
        for (Req r : List.copyOf(topics)) {
            if (r.start() >= from && r.start() < pauseAt) {
                topicsBefore.add(r.end() - r.start());
            } else if (r.start() >= stoppedAt && r.start() < contAt) {
                topicsDuring.add(r.end() - r.start());
                topicsNonOk += r.status() != 200 && r.status() >= 0 ? 1 : 0;
                topicsUnanswered += r.status() < 0 ? 1 : 0;
                topicsAfterResume += r.end() > contAt ? 1 : 0;
            }
        }

        line("### Broker paused (`kill -STOP`) for " + fmt1(actualPause / 1e9) + " s");
        line();
        line(clients + " clients publish; " + fmt1(pre) + " s before the pause, the pause, " + fmt1(after)
                + " s after `kill -CONT`. One more thread sends `GET /topics` in a loop. Sink deadline "
                + deadlineMs + " ms, so the limit is " + (deadlineMs + 250) + " ms.");
        line();
        line("| | requests | p50 ms | p99 ms | max ms |");
        line("| --- | --- | --- | --- | --- |");
        line("| publishes before the pause | " + before.count() + " (" + okBefore + " x 202) | "
                + Latencies.ms(before.percentile(50)) + " | " + Latencies.ms(before.percentile(99)) + " | "
                + Latencies.ms(before.max()) + " |");
        line("| publishes in flight during the pause | " + during.size() + " | " + Latencies.ms(all.percentile(50))
                + " | " + Latencies.ms(all.percentile(99)) + " | " + Latencies.ms(all.max()) + " |");
        line("| of which 500 `kafka` | " + kafka500 + " | " + Latencies.ms(kafka.percentile(50)) + " | "
                + Latencies.ms(kafka.percentile(99)) + " | " + Latencies.ms(kafka.max()) + " |");
        line("| `GET /topics` before the pause | " + topicsBefore.count() + " | " + Latencies.ms(topicsBefore.percentile(50))
                + " | " + Latencies.ms(topicsBefore.percentile(99)) + " | " + Latencies.ms(topicsBefore.max()) + " |");
        line("| `GET /topics` during the pause | " + topicsDuring.count() + " | " + Latencies.ms(topicsDuring.percentile(50))
                + " | " + Latencies.ms(topicsDuring.percentile(99)) + " | " + Latencies.ms(topicsDuring.max()) + " |");
        line();
        line("Publishes in flight during the pause: " + kafka500 + " answered 500 `kafka`, " + ok + " answered 202"
                + " (acknowledged after the resume), " + other + " other answers, " + none + " without an answer; "
                + late + " took longer than " + (deadlineMs + 250) + " ms. Of the " + fullInside
                + " that started in the pause at least " + (deadlineMs + 250) + " ms before its end (so their deadline"
                + " passed while the broker was stopped), " + fullInsideKafka + " were answered 500 `kafka`, "
                + fullInsideGood + " of them within the limit. `GET /topics` during the pause: " + topicsNonOk
                + " non-200, " + topicsUnanswered + " without an answer, " + topicsAfterResume + " answered only after"
                + " the resume (counted with their full latency). First 202 after the resume: "
                + (firstOkAfter < 0 ? "none within " + fmt1(after) + " s" : Latencies.ms(firstOkAfter) + " ms") + ".");
        line();
        target("broker paused: `GET /topics` p99 ≤ 50 ms", Latencies.ms(topicsDuring.percentile(99)) + " ms",
                topicsDuring.count() > 0 && topicsDuring.percentile(99) <= 50_000_000 && topicsUnanswered == 0);
        target("broker paused: every publish 500 `kafka` within deadline + 250 ms", fullInsideGood + " of " + fullInside
                + " (500 `kafka`: " + fullInsideKafka + ", max " + Latencies.ms(kafka.max()) + " ms; limit "
                + (deadlineMs + 250) + " ms)", fullInside > 0 && fullInsideGood == fullInside);
        if (during.isEmpty() || (fullInside == 0 && pause * 1000 > deadlineMs + 1000)) {
            problems.add("paused broker: no publish was in flight during the pause");
        }
        flushReport();
    }

    // ---------------------------------------------------------------- slow clients

    private String token;

    private void slowClients() throws Exception {
        slowClients(false);
        slowClients(true);
    }

    /**
     * Without a token (the issue's scenario) the server may refuse each slow client at once (401), and
     * it is replaced; with a valid token each one gets past the token, topic and access checks and
     * then waits for its body, so that the server holds all of them at once.
     */
    private void slowClients(boolean withToken) throws Exception {
        int clients = 16;
        double warm = smoke ? 0.5 : 2;
        long fdLimit = openFileLimit();
        int slow = slowCount;
        if (fdLimit > 0 && fdLimit < slow + 300) {
            problems.add("open file limit " + fdLimit + " is too low for " + slowCount + " slow clients");
            slow = (int) Math.max(0, fdLimit - 300);
        }

        Probed alone = probedPoint(clients, warm);
        SlowClients slowClients = new SlowClients(HOST, port, slow, withToken ? token : null).start();
        Probed with;
        List<Integer> samples;
        String summary;
        int connectedAtStart;
        try {
            long deadline = System.nanoTime() + (smoke ? 5_000_000_000L : 15_000_000_000L);
            while (slowClients.connected() < slow * 0.98 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(1000);
            connectedAtStart = slowClients.connected();
            int sampleFrom = slowClients.connectedSamples().size();
            with = probedPoint(clients, warm);
            List<Integer> all = slowClients.connectedSamples();
            samples = all.subList(Math.min(sampleFrom, all.size()), all.size());
            summary = slowClients.summary();
        } finally {
            slowClients.close();
        }
        int min = samples.stream().mapToInt(Integer::intValue).min().orElse(-1);
        double avg = samples.stream().mapToInt(Integer::intValue).average().orElse(-1);

        line("### " + slow + " slow clients, " + (withToken ? "with a valid token" : "no token"));
        line();
        line("Each slow client sends `POST /topics/" + BenchEvent.TOPIC + "` with `Content-Length: 100000` and "
                + (withToken ? "a valid token" : "no token") + ","
                + " then one byte of body a second; a connection the server answers or closes is replaced. Measured"
                + " first without them, then with them: " + clients + " clients publishing and one thread sending"
                + " `GET /health` in a loop (a request still waiting at the end of the window counts with the time it"
                + " had waited).");
        line();
        line("| | publishes/s | publish p50 ms | publish p99 ms | other answers | `/health` requests | `/health` p50 ms"
                + " | `/health` p99 ms | `/health` max ms |");
        line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        line(alone.row("without slow clients"));
        line(with.row("with slow clients"));
        line();
        double ratio = with.publish().perSecond() / alone.publish().perSecond();
        line("Throughput with / without: **" + fmt2(ratio) + "**. Slow connections: " + connectedAtStart
                + " connected when the window started, " + min + " at least and " + fmt0(avg)
                + " on average during it (sampled each second); " + summary + ".");
        line();
        Latencies health = with.healthAll();
        String variant = withToken ? " (with a token)" : " (no token)";
        target("slow clients" + variant + ": `/health` p99 ≤ 50 ms", (with.health().unanswered().count() > 0 ? "≥ " : "")
                + Latencies.ms(health.percentile(99)) + " ms", health.count() > 0 && health.percentile(99) <= 50_000_000);
        target("slow clients" + variant + ": publishes keep ≥ 80 % of their throughput", fmt0(100 * ratio) + " %",
                ratio >= 0.8);
        if (withToken && connectedAtStart < slow * 0.9) {
            problems.add("slow clients: only " + connectedAtStart + " of " + slow + " connected");
        }
        flushReport();
    }

    /** A publish point with a sequential /health probe in the same window. */
    private record Probed(HttpLoad.Result publish, HttpLoad.Result health) {

        Latencies healthAll() {
            Latencies l = new Latencies();
            l.addAll(health.answered());
            l.addAll(health.unanswered());
            return l;
        }

        String row(String name) {
            Latencies h = healthAll();
            String censored = health.unanswered().count() > 0 ? "≥ " : "";
            long others = publish.others(202) + publish.errorCount();
            return "| " + name + " | " + fmt0(publish.perSecond()) + " | " + Latencies.ms(publish.answered().percentile(50))
                    + " | " + Latencies.ms(publish.answered().percentile(99)) + " | "
                    + (others == 0 ? "0" : publish.othersSummary(202)) + " | " + h.count()
                    + (health.unanswered().count() > 0 ? " (" + health.unanswered().count() + " unanswered)" : "")
                    + " | " + censored + Latencies.ms(h.percentile(50)) + " | " + censored
                    + Latencies.ms(h.percentile(99)) + " | " + censored + Latencies.ms(h.max()) + " |";
        }
    }

    private Probed probedPoint(int clients, double warm) throws Exception {
        long from = System.nanoTime() + (long) (warm * 1e9);
        long to = from + (long) (seconds * 1e9);
        long hardStop = to + (long) (grace * 1e9);
        HttpLoad load = new HttpLoad(HOST, port, publish, 202, clients, 30_000, null).start(from, to, hardStop);
        HttpLoad health = new HttpLoad(HOST, port, BenchEvent.getRequest("/health"), 200, 1, 30_000, null)
                .start(from, to, hardStop);
        return new Probed(load.await(), health.await());
    }

    private static long openFileLimit() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (l.startsWith("Max open files")) {
                    return Long.parseLong(l.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }

    // ---------------------------------------------------------------- report helpers

    /** A progress line on stderr, with the time since the start. */
    private void progress(String what) {
        System.err.printf(Locale.ROOT, "[%5.1f s] %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    private void target(String name, String measured, boolean met) {
        target(name, measured, met ? "yes" : "**no**");
    }

    private void target(String name, String measured, String met) {
        targets.add(new String[] {name, measured, met.equals("no") ? "**no**" : met});
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private void line() {
        md.append('\n');
    }

    /** Prints what is new in the report and rewrites the report file. */
    private int printed;

    private void flushReport() throws IOException {
        System.out.print(md.substring(printed));
        System.out.flush();
        printed = md.length();
        Files.writeString(out.resolve("issue12.md"), md);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                f.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return f;
    }

    private static String us(long nanos) {
        return nanos < 10_000 ? String.format(Locale.ROOT, "%.1f", nanos / 1e3) : String.valueOf(Math.round(nanos / 1e3));
    }

    private static String mib(long kib) {
        return kib < 0 ? "?" : String.valueOf(Math.round(kib / 1024.0));
    }

    private static String fmt0(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt2(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
    }
}
